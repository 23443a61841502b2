"""The Docmost write API (seed section 6.7) on the fake Docmost: pages, collections, shares."""

import pytest

from hub.models import AuditEntry, IdempotencyRecord
from hub.services.docmost import default_space_slug, page_url_path, slugify_title
from integrations.docmost.connection import connect_fake, use_docmost
from integrations.fakes.docmost.fake import FakeDocmost

pytestmark = pytest.mark.django_db

PAGES = "/api/v1/docmost/pages"
COLLECTIONS = "/api/v1/docmost/collections"
SHARES = "/api/v1/docmost/share-links"
MISSING_PAGE = "01900000-0000-7000-8000-000000000000"


@pytest.fixture
def docmost_fake():
    fake = FakeDocmost()
    use_docmost(connect_fake(fake))
    yield fake
    use_docmost(None)


@pytest.fixture
def writer(client_for):
    return client_for("write:docmost")


@pytest.fixture
def page(docmost_fake):
    created = docmost_fake.add_page(docmost_fake.general["id"], "Existing page", markdown="Old")
    docmost_fake.calls.clear()
    return created


def creates(fake, endpoint):
    return fake.count(f"/api/{endpoint}")


def error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code
    return body


# -- pages ---------------------------------------------------------------------------------------


def test_create_page(writer, docmost_fake):
    space = docmost_fake.general["id"]
    response = writer.post(
        PAGES,
        {"space_id": space, "title": "Guide", "markdown": "# Hello\n\nWorld", "icon": "📘"},
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()["data"]
    stored = docmost_fake.pages[data["page_id"]]
    assert data == {
        "page_id": stored["id"],
        "slug_id": stored["slugId"],
        "title": "Guide",
        "space_id": space,
        "parent_page_id": None,
    }
    assert stored["title"] == "Guide"
    assert stored["icon"] == "📘"
    assert "World" in docmost_fake.content(data["page_id"])


def test_create_child_page_without_markdown(writer, docmost_fake, page):
    response = writer.post(
        PAGES,
        {"space_id": page["spaceId"], "title": "Child", "parent_page_id": page["id"]},
        format="json",
    )

    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["parent_page_id"] == page["id"]
    assert docmost_fake.pages[data["page_id"]]["parentPageId"] == page["id"]
    assert docmost_fake.content(data["page_id"]) is None
    assert creates(docmost_fake, "pages/info") == 0  # nothing to verify, no extra call


def test_create_page_in_unknown_space_is_404(writer, docmost_fake):
    foreign = docmost_fake.add_foreign_space()
    response = writer.post(PAGES, {"space_id": foreign["id"], "title": "X"}, format="json")

    error(response, 404, "NOT_FOUND")
    assert not any(p["spaceId"] == foreign["id"] for p in docmost_fake.pages.values())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "No space"}, "space_id"),
        ({"space_id": "general", "title": "Slug, not id"}, "space_id"),
        ({"space_id": "SPACE", "title": ""}, "title"),
        ({"space_id": "SPACE"}, "title"),
        ({"space_id": "SPACE", "title": "x" * 256}, "title"),
        ({"space_id": "SPACE", "title": "T", "icon": "x" * 17}, "icon"),
        ({"space_id": "SPACE", "title": "T", "parent_page_id": "not a page"}, "parent_page_id"),
        ({"space_id": "SPACE", "title": "T", "markdown": ["a"]}, "markdown"),
    ],
)
def test_create_page_validation(writer, docmost_fake, body, field):
    body = {k: docmost_fake.general["id"] if v == "SPACE" else v for k, v in body.items()}
    response = writer.post(PAGES, body, format="json")

    assert field in error(response, 400, "VALIDATION_ERROR")["details"]
    assert creates(docmost_fake, "pages/create") == 0


def test_markdown_over_one_megabyte_is_refused(writer, docmost_fake, settings):
    settings.BRIDGE_MAX_BODY_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3_000_000
    body = {"space_id": docmost_fake.general["id"], "title": "Big", "markdown": "é" * 500_001}
    response = writer.post(PAGES, body, format="json")

    assert "markdown" in error(response, 400, "VALIDATION_ERROR")["details"]
    assert creates(docmost_fake, "pages/create") == 0


def test_create_page_with_cover_is_unsupported(writer, docmost_fake):
    body = {"space_id": docmost_fake.general["id"], "title": "T", "cover": "x.png"}
    response = writer.post(PAGES, body, format="json")

    assert error(response, 422, "UNSUPPORTED_BY_DOCMOST")["details"] == {"fields": ["cover"]}
    assert creates(docmost_fake, "pages/create") == 0


def test_update_page(writer, docmost_fake, page):
    response = writer.patch(
        f"{PAGES}/{page['id']}",
        {"title": "Renamed page", "markdown": "New body", "icon": "🚀"},
        format="json",
    )

    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data == {
        "page_id": page["id"],
        "slug_id": page["slugId"],
        "title": "Renamed page",
        "space_id": page["spaceId"],
        "parent_page_id": None,
        "url_path": f"/s/general/p/renamed-page-{page['slugId']}",
    }
    stored = docmost_fake.pages[page["id"]]
    assert stored["title"] == "Renamed page"
    assert stored["icon"] == "🚀"
    assert docmost_fake.content(page["id"]).strip() == "New body"


def test_update_only_the_icon_keeps_the_rest(writer, docmost_fake, page):
    response = writer.patch(f"{PAGES}/{page['slugId']}", {"icon": "✅"}, format="json")

    assert response.status_code == 200, response.content
    assert docmost_fake.pages[page["id"]]["icon"] == "✅"
    assert docmost_fake.pages[page["id"]]["title"] == "Existing page"
    assert docmost_fake.content(page["id"]).strip() == "Old"


def test_update_needs_a_field(writer, docmost_fake, page):
    response = writer.patch(f"{PAGES}/{page['id']}", {}, format="json")

    body = error(response, 400, "VALIDATION_ERROR")
    assert "non_field_errors" in body["details"]
    assert creates(docmost_fake, "pages/update") == 0


def test_update_title_too_long(writer, docmost_fake, page):
    response = writer.patch(f"{PAGES}/{page['id']}", {"title": "x" * 256}, format="json")

    assert "title" in error(response, 400, "VALIDATION_ERROR")["details"]
    assert creates(docmost_fake, "pages/update") == 0


def test_update_cover_is_unsupported_and_writes_nothing(writer, docmost_fake, page):
    response = writer.patch(
        f"{PAGES}/{page['id']}", {"title": "New", "cover": "https://x/y.png"}, format="json"
    )

    body = error(response, 422, "UNSUPPORTED_BY_DOCMOST")
    assert "cover photo" in body["message"]
    assert body["details"] == {"fields": ["cover"]}
    assert docmost_fake.calls == []
    assert docmost_fake.pages[page["id"]]["title"] == "Existing page"
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("page_id", [MISSING_PAGE, "abcdefghij", "not-a-page-id"])
def test_update_unknown_page_is_404(writer, docmost_fake, page_id):
    response = writer.patch(f"{PAGES}/{page_id}", {"title": "New"}, format="json")

    body = error(response, 404, "NOT_FOUND")
    assert body["details"]["entity"] == "docmost_page"
    assert body["details"]["id"] == page_id
    assert not AuditEntry.objects.exists()


# -- collections ---------------------------------------------------------------------------------


def test_create_collection_with_default_slug(writer, docmost_fake):
    response = writer.post(
        COLLECTIONS, {"name": "Équipe Dév 2026", "description": "Agency"}, format="json"
    )

    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["slug"] == "equipedev2026"
    assert data["name"] == "Équipe Dév 2026"
    space = docmost_fake.spaces[data["space_id"]]
    assert (space["name"], space["slug"], space["description"]) == (
        "Équipe Dév 2026",
        "equipedev2026",
        "Agency",
    )


def test_create_collection_with_slug(writer, docmost_fake):
    response = writer.post(COLLECTIONS, {"name": "Docs", "slug": "team-docs"}, format="json")

    assert response.status_code == 201, response.content
    assert docmost_fake.spaces[response.json()["data"]["space_id"]]["slug"] == "team-docs"


def test_collection_slug_conflict_is_409(writer, docmost_fake):
    response = writer.post(COLLECTIONS, {"name": "Another", "slug": "GENERAL"}, format="json")

    body = error(response, 409, "CONFLICT")
    assert body["details"] == {"slug": "GENERAL"}
    assert "GENERAL" in body["message"]
    assert len(docmost_fake.spaces) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "x"}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Docs", "slug": "a"}, "slug"),
        ({"name": "Docs", "slug": "-docs"}, "slug"),
        ({"name": "Docs", "slug": "with space"}, "slug"),
        ({"name": "Docs", "slug": "x" * 101}, "slug"),
    ],
)
def test_create_collection_validation(writer, docmost_fake, body, field):
    response = writer.post(COLLECTIONS, body, format="json")

    assert field in error(response, 400, "VALIDATION_ERROR")["details"]
    assert creates(docmost_fake, "spaces/create") == 0


def test_default_space_slug():
    assert default_space_slug("Formation Développeur Web") == "formationdeveloppeurweb"
    assert default_space_slug("日本") == "space"
    assert default_space_slug("A") == "spacea"
    assert len(default_space_slug("ab" * 80)) == 100


# -- share links ---------------------------------------------------------------------------------


def test_create_share_link(writer, docmost_fake, page):
    response = writer.post(
        SHARES, {"page_id": page["id"], "include_sub_pages": True}, format="json"
    )

    assert response.status_code == 201, response.content
    data = response.json()["data"]
    share = docmost_fake.shares[page["id"]]
    assert data == {
        "share_id": share["id"],
        "key": share["key"],
        "page_id": page["id"],
        "include_sub_pages": True,
    }
    assert share["includeSubPages"] is True


def test_share_link_is_idempotent_on_docmost(writer, docmost_fake, page):
    first = writer.post(SHARES, {"page_id": page["id"]}, format="json").json()["data"]
    again = writer.post(SHARES, {"page_id": page["id"], "include_sub_pages": True}, format="json")

    assert again.status_code == 201
    assert again.json()["data"] == first  # the existing share, unchanged
    assert first["include_sub_pages"] is False
    assert len(docmost_fake.shares) == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"password": "secret"},
        {"expires_at": "2030-01-01T00:00:00Z"},
        {"expiration": 3600},
        {"password": "secret", "expires_at": "2030-01-01"},
    ],
)
def test_share_link_password_or_expiry_is_unsupported(writer, docmost_fake, page, extra):
    response = writer.post(SHARES, {"page_id": page["id"], **extra}, format="json")

    body = error(response, 422, "UNSUPPORTED_BY_DOCMOST")
    assert body["details"] == {"fields": list(extra)}
    assert "password" in body["message"]
    assert "expiry" in body["message"]
    assert docmost_fake.calls == []
    assert docmost_fake.shares == {}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "page_id"),
        ({"page_id": "short"}, "page_id"),
        ({"page_id": MISSING_PAGE, "include_sub_pages": "maybe"}, "include_sub_pages"),
    ],
)
def test_share_link_validation(writer, docmost_fake, body, field):
    response = writer.post(SHARES, body, format="json")

    assert field in error(response, 400, "VALIDATION_ERROR")["details"]
    assert creates(docmost_fake, "shares/create") == 0


def test_share_link_unknown_page_is_404(writer, docmost_fake):
    response = writer.post(SHARES, {"page_id": MISSING_PAGE}, format="json")

    assert error(response, 404, "NOT_FOUND")["details"]["id"] == MISSING_PAGE


# -- access, failures, audit, idempotency --------------------------------------------------------


ENDPOINTS = [
    ("post", PAGES),
    ("patch", f"{PAGES}/{MISSING_PAGE}"),
    ("post", COLLECTIONS),
    ("post", SHARES),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_token_required(api_client, docmost_fake, method, path):
    response = getattr(api_client, method)(path, {}, format="json")

    error(response, 401, "AUTH_REQUIRED")
    assert docmost_fake.calls == []


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_read_scopes_are_not_enough(client_for, docmost_fake, method, path):
    reader = client_for("read:*", "write:attributions")
    response = getattr(reader, method)(path, {"name": "Docs"}, format="json")

    body = error(response, 403, "FORBIDDEN_SCOPE")
    assert body["details"]["required_scope"] == "write:docmost"
    assert docmost_fake.calls == []


def test_admin_wildcard_is_enough(client_for, docmost_fake):
    response = client_for("admin:*").post(COLLECTIONS, {"name": "Admin docs"}, format="json")

    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", PAGES, {"title": "T"}),
        ("post", COLLECTIONS, {"name": "Docs"}),
        ("post", SHARES, {"page_id": MISSING_PAGE}),
        ("patch", f"{PAGES}/{MISSING_PAGE}", {"title": "T"}),
    ],
)
def test_docmost_down_is_502(writer, docmost_fake, method, path, body):
    if "space_id" not in body and path == PAGES:
        body = {**body, "space_id": docmost_fake.general["id"]}
    docmost_fake.fail_next(503, times=10)

    response = getattr(writer, method)(path, body, format="json")

    assert "Retry later" in error(response, 502, "DOCMOST_UNAVAILABLE")["message"]
    assert not AuditEntry.objects.exists()
    assert len(docmost_fake.spaces) == 1
    assert docmost_fake.pages == {}


def test_docmost_refusal_is_502_with_its_messages(writer, docmost_fake):
    docmost_fake.workspace_role = "member"  # may not create spaces
    response = writer.post(COLLECTIONS, {"name": "Docs"}, format="json")

    body = error(response, 502, "DOCMOST_UNAVAILABLE")
    assert body["details"]["docmost_status"] == 403
    assert body["details"]["docmost_messages"] == ["Forbidden"]


def test_writes_are_audited(writer, docmost_fake, page):
    created = writer.post(
        PAGES, {"space_id": page["spaceId"], "title": "Audited"}, format="json"
    ).json()["data"]
    updated = writer.patch(f"{PAGES}/{page['id']}", {"title": "Edited"}, format="json").json()[
        "data"
    ]
    space = writer.post(COLLECTIONS, {"name": "Audit space"}, format="json").json()["data"]
    share = writer.post(SHARES, {"page_id": page["id"]}, format="json").json()["data"]

    rows = {row.action: row for row in AuditEntry.objects.all()}
    assert set(rows) == {
        "docmost.page.create",
        "docmost.page.update",
        "docmost.space.create",
        "docmost.share.create",
    }
    expected = {
        "docmost.page.create": ("docmost_page", created),
        "docmost.page.update": ("docmost_page", updated),
        "docmost.space.create": ("docmost_space", space),
        "docmost.share.create": ("docmost_share", share),
    }
    for action, (entity, after) in expected.items():
        row = rows[action]
        assert (row.entity, row.entity_id, row.before, row.after) == (entity, None, None, after)
        assert row.token_key_id == writer.token.key_id
        assert row.token_name == writer.token.name
        assert row.request_id


def test_refused_writes_are_not_audited(writer, docmost_fake):
    writer.post(COLLECTIONS, {"name": "Dup", "slug": "general"}, format="json")
    writer.post(SHARES, {"page_id": MISSING_PAGE, "password": "x"}, format="json")

    assert not AuditEntry.objects.exists()


def test_idempotency_key_replays_the_creation(writer, docmost_fake):
    body = {"space_id": docmost_fake.general["id"], "title": "Once", "markdown": "Only once"}
    first = writer.post(PAGES, body, format="json", HTTP_IDEMPOTENCY_KEY="page-1")
    second = writer.post(PAGES, body, format="json", HTTP_IDEMPOTENCY_KEY="page-1")

    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert creates(docmost_fake, "pages/create") == 1
    assert len(docmost_fake.pages) == 1
    assert AuditEntry.objects.filter(action="docmost.page.create").count() == 1

    other = writer.post(
        PAGES, {**body, "title": "Twice"}, format="json", HTTP_IDEMPOTENCY_KEY="page-1"
    )
    error(other, 409, "CONFLICT")
    assert creates(docmost_fake, "pages/create") == 1


def test_failed_creation_can_be_retried_with_the_same_key(writer, docmost_fake):
    body = {"name": "Retry me"}
    docmost_fake.fail_next(503, times=10)
    failed = writer.post(COLLECTIONS, body, format="json", HTTP_IDEMPOTENCY_KEY="space-1")
    docmost_fake.restore(docmost_fake.snapshot())  # drops the pending failures

    retried = writer.post(COLLECTIONS, body, format="json", HTTP_IDEMPOTENCY_KEY="space-1")

    assert failed.status_code == 502
    assert retried.status_code == 201, retried.content
    assert "Idempotent-Replayed" not in retried
    assert IdempotencyRecord.objects.filter(key="space-1", completed=True).count() == 1


def test_unsupported_request_with_a_key_writes_nothing(writer, docmost_fake, page):
    path = f"{PAGES}/{page['id']}"
    first = writer.patch(path, {"cover": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="cover-1")
    second = writer.patch(path, {"cover": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="cover-1")

    assert first.status_code == second.status_code == 422
    assert docmost_fake.calls == []


# -- helpers -------------------------------------------------------------------------------------


def test_url_helpers():
    assert slugify_title("Projet Éclair: v2!") == "projet-eclair:-v2!"
    assert slugify_title(None) == "untitled"
    assert page_url_path(space_slug="cfa", title="Bloc 1", slug_id="AbCdE12345") == (
        "/s/cfa/p/bloc-1-AbCdE12345"
    )


def test_schema_documents_the_docmost_operations(api_client):
    response = api_client.get("/api/schema/?format=json")

    schema = response.json()
    operations = {
        op["operationId"]: op
        for item in schema["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for name in (
        "docmost_pages_create",
        "docmost_pages_update",
        "docmost_collections_create",
        "docmost_share_links_create",
    ):
        assert operations[name]["tags"] == ["docmost"]
        assert "`write:docmost`" in operations[name]["description"]
    assert (
        "UNSUPPORTED_BY_DOCMOST"
        in schema["components"]["schemas"]["ErrorEnvelope"]["properties"]["error"]["properties"][
            "code"
        ]["enum"]
    )
