"""FakeDocmost follows CONTRACT.md §10: raw requests to its handler, checked against fixtures."""

import base64
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from integrations.fakes.docmost.fake import FakeDocmost
from integrations.fakes.transport import fake_session

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "docmost"
UUID_V7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UNKNOWN_UUID = "0198f4d1-3c2a-7e8b-9f01-23456789abcd"
_NO_BODY = object()


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


ERRORS = fixture("error_responses.json")


class World:
    """A fake Docmost and the service user's token."""

    def __init__(self) -> None:
        self.fake = FakeDocmost()
        status, headers, body = self.login()
        assert status == 200, body
        match = re.match(
            r"authToken=([^;]+); Path=/; HttpOnly; SameSite=Lax", headers["Set-Cookie"]
        )
        assert match, headers
        self.token = match.group(1)
        self.space = self.fake.general["id"]
        self.fake.calls.clear()

    def login(self, **body: Any) -> tuple[int, dict[str, str], Any]:
        payload = {"email": self.fake.email, "password": self.fake.password} | body
        status, headers, content = self.fake.handle(
            "POST",
            f"{self.fake.base_url}/api/auth/login",
            {"Content-Type": "application/json"},
            json.dumps(payload),
        )
        return status, headers, json.loads(content)

    def raw(
        self,
        path: str,
        body: Any = _NO_BODY,
        *,
        token: str | None = "mine",  # noqa: S107 - "mine" means the service user's token
        cookie: str | None = None,
        method: str = "POST",
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {self.token if token == 'mine' else token}"
        if cookie is not None:
            headers["Cookie"] = f"theme=dark; authToken={cookie}"
        data = "{}" if body is _NO_BODY else body if isinstance(body, str) else json.dumps(body)
        status, _headers, content = self.fake.handle(
            method, f"{self.fake.base_url}{path}", headers, data
        )
        return status, json.loads(content)

    def ok(self, path: str, body: Any = _NO_BODY) -> Any:
        status, answer = self.raw(path, body)
        assert status == 200, answer
        assert answer["success"] is True
        assert answer["status"] == 200
        return answer.get("data")

    def page(self, title: str = "Page", **extra: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.ok(
            "/api/pages/create", {"spaceId": self.space, "title": title, **extra}
        )
        return result


@pytest.fixture
def world() -> World:
    return World()


# -- authentication -------------------------------------------------------------------------------


def test_login_sets_the_cookie_and_answers_an_empty_envelope(world):
    status, headers, body = world.login()

    assert status == 200
    assert body == {"success": True, "status": 200}
    assert headers["Set-Cookie"].startswith("authToken=")
    assert "; Path=/; HttpOnly; SameSite=Lax" in headers["Set-Cookie"]
    claims = json.loads(base64.urlsafe_b64decode(world.token.split(".")[1] + "=="))
    assert claims["type"] == "access"
    assert claims["iss"] == "Docmost"
    assert claims["sub"] == world.fake.user["id"]
    assert world.fake.logins == 2


@pytest.mark.parametrize("how", ["bearer", "cookie", "lowercase-scheme"])
def test_token_accepted_as_cookie_or_bearer(world, how):
    if how == "cookie":
        status, _ = world.raw("/api/users/me", token=None, cookie=world.token)
    elif how == "bearer":
        status, _ = world.raw("/api/users/me")
    else:
        status, _b, _c = world.fake.handle(
            "POST",
            f"{world.fake.base_url}/api/users/me",
            {"authorization": f"bearer {world.token}", "Content-Type": "application/json"},
            "{}",
        )
    assert status == 200


@pytest.mark.parametrize(
    ("token", "cookie"),
    [
        (None, None),
        ("garbage", None),
        ("", None),
        ("mine", "stale-cookie"),  # the cookie wins over a valid Bearer
        ("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", None),  # alg none
    ],
)
def test_missing_or_bad_token_is_401(world, token, cookie):
    status, body = world.raw("/api/users/me", token=token, cookie=cookie)
    assert (status, body) == (401, ERRORS["missing_or_expired_token"]["body"])


def test_expired_tokens_are_refused(world):
    world.fake.expire_tokens()
    status, _body = world.raw("/api/pages/recent")
    assert status == 401


def test_bad_credentials_body(world):
    status, _h, body = world.login(password="nope")
    assert (status, body) == (401, ERRORS["login_bad_credentials"]["body"])
    assert world.fake.logins == 1


def test_login_throttle_ten_a_minute(world):
    now = [time.monotonic() + 61]  # the fixture's own login is out of the window
    world.fake.clock = lambda: now[0]
    for _ in range(10):
        assert world.login(password="wrong")[0] == 401  # failed logins count too

    status, headers, body = world.login()
    assert (status, body) == (429, ERRORS["auth_throttled"]["body"])
    assert headers["Retry-After-auth"] == "60"

    now[0] += 30
    assert world.login()[1]["Retry-After-auth"] == "30"
    now[0] += 30.5
    assert world.login()[0] == 200


# -- envelope, routing, validation ----------------------------------------------------------------


def test_unknown_route_and_wrong_method(world):
    assert world.raw("/api/pages/nope", token=None) == (404, ERRORS["unknown_route"]["body"])
    status, body = world.raw("/api/pages/info", method="GET")
    assert status == 404
    assert body["message"] == "Cannot GET /api/pages/info"


def test_empty_json_body_is_refused_like_fastify(world):
    status, body = world.raw("/api/users/me", "")
    assert (status, body) == (
        400,
        {
            "statusCode": 400,
            "message": "Body cannot be empty when content-type is set to 'application/json'",
        },
    )  # no `error` key (contract errata 7)


@pytest.mark.parametrize(
    ("case", "path", "body"),
    [
        ("validation_missing_space_id", "/api/pages/create", {"title": "x"}),
        ("validation_content_without_format", "/api/pages/create", {"content": "# hi"}),
        ("space_slug_taken", "/api/spaces/create", {"name": "Again", "slug": "GeNeRaL"}),
        ("page_not_found", "/api/pages/info", {"pageId": UNKNOWN_UUID}),
        ("parent_page_not_found", "/api/pages/create", {"parentPageId": UNKNOWN_UUID}),
        ("invalid_content", "/api/pages/create", {"content": {"type": "p"}, "format": "json"}),
    ],
)
def test_error_bodies_match_the_fixtures(world, case, path, body):
    if (
        path == "/api/pages/create"
        and "spaceId" not in body
        and case != "validation_missing_space_id"
    ):
        body = {"spaceId": world.space, **body}
    status, answer = world.raw(path, body)
    assert (status, answer) == (ERRORS[case]["status"], ERRORS[case]["body"])


def test_update_content_without_operation_matches_the_fixture(world):
    page = world.page()
    status, answer = world.raw(
        "/api/pages/update", {"pageId": page["id"], "content": "text", "format": "markdown"}
    )
    case = ERRORS["validation_update_content_without_operation"]
    assert (status, answer) == (case["status"], case["body"])


def test_not_a_space_member_matches_the_fixture(world):
    foreign = world.fake.add_foreign_space()["id"]
    case = ERRORS["not_a_space_member"]
    for path, body in [
        ("/api/pages/create", {"spaceId": foreign, "title": "x"}),
        ("/api/spaces/info", {"spaceId": foreign}),
        ("/api/pages/recent", {"spaceId": foreign}),
        ("/api/pages/sidebar-pages", {"spaceId": foreign}),
    ]:
        assert world.raw(path, body) == (case["status"], case["body"]), path


def test_pages_of_a_foreign_space_are_hidden(world):
    foreign = world.fake.add_foreign_space()["id"]
    page = world.fake.add_page(foreign, "theirs", by_other_user=True)

    status, body = world.raw("/api/pages/info", {"pageId": page["id"]})

    assert (status, body["message"]) == (404, "Space permissions not found")
    assert world.ok("/api/pages/recent")["items"] == []


def test_several_invalid_properties_give_one_message_each(world):
    status, body = world.raw(
        "/api/pages/create", {"spaceId": 1, "title": 2, "icon": [], "format": "pdf"}
    )
    assert status == 400
    assert body["message"] == [
        "spaceId must be a UUID",
        "title must be a string",
        "icon must be a string",
        "format must be one of the following values: json, markdown, html",
    ]


def test_unknown_body_fields_are_dropped(world):
    page = world.page(
        "Clean",
        workspaceId="evil",
        creatorId="evil",
        isLocked=True,
        __proto__={"admin": True},
    )
    assert page["workspaceId"] == world.fake.workspace_id
    assert page["creatorId"] == world.fake.user["id"]
    assert page["isLocked"] is False


def test_fail_next_and_its_default_bodies(world):
    world.fake.fail_next(503, times=2, headers={"Retry-After": "1"})
    world.fake.fail_next(200, body=b"<html>proxy</html>")

    assert world.raw("/api/users/me")[0] == 503
    assert world.raw("/api/users/me") == (
        503,
        {"message": "Service Unavailable", "statusCode": 503},
    )
    status, _h, content = world.fake.handle("POST", f"{world.fake.base_url}/api/users/me", {}, "{}")
    assert (status, content) == (200, b"<html>proxy</html>")
    assert world.raw("/api/users/me")[0] == 200


# -- envelope shapes against the fixtures ---------------------------------------------------------


def test_create_response_has_the_fixture_shape(world):
    expected = fixture("pages_create_response.json")
    parent = world.page("parent")

    answer = world.raw(
        "/api/pages/create",
        {
            **fixture("pages_create_request.json"),
            "spaceId": world.space,
            "parentPageId": parent["id"],
        },
    )[1]

    assert answer.keys() == expected.keys()
    assert answer["data"].keys() == expected["data"].keys()  # no content/space/creator
    data = answer["data"]
    assert data["permissions"] == {"canEdit": True, "hasRestriction": False}
    assert UUID_V7.match(data["id"])
    assert re.fullmatch(r"[0-9A-Za-z]{10}", data["slugId"])
    assert STAMP.match(data["createdAt"])
    assert data["createdAt"] == data["updatedAt"]
    assert data["contributorIds"] == []
    assert data["title"] == expected["data"]["title"]
    assert data["icon"] == "📘"


def test_info_response_has_the_fixture_shape(world):
    expected = fixture("pages_info_response.json")["data"]
    page = world.page("Bloc", content="## Objectifs\n\ntext", format="markdown")
    world.ok("/api/pages/update", {"pageId": page["id"], "title": "Bloc 1"})

    data = world.ok("/api/pages/info", {"pageId": page["id"]})

    assert data.keys() == expected.keys()
    assert data["content"]["type"] == "doc"
    assert data["content"]["content"][0]["type"] == "heading"
    assert data["contributorIds"] == [world.fake.user["id"]]
    assert data["contributors"][0].keys() == expected["contributors"][0].keys()
    assert data["space"] == {"id": world.space, "name": "General", "slug": "general"}
    assert data["deletedBy"] is None


def test_recent_response_has_the_fixture_shape(world):
    expected = fixture("pages_recent_response.json")["data"]
    for i in range(3):
        world.page(f"p{i}")

    data = world.ok("/api/pages/recent", {"spaceId": world.space, "limit": 2})

    assert data.keys() == expected.keys()
    assert data["meta"].keys() == expected["meta"].keys()
    assert data["items"][0].keys() == expected["items"][0].keys()
    assert data["meta"]["limit"] == 2
    assert data["meta"]["hasNextPage"] is True
    assert data["meta"]["hasPrevPage"] is False
    assert data["meta"]["prevCursor"] is None
    decoded = base64.urlsafe_b64decode(data["meta"]["nextCursor"] + "==").decode()
    last = data["items"][-1]
    assert decoded == f"updatedAt={last['updatedAt'].replace(':', '%3A')}&id={last['id']}"


def test_fixture_cursor_is_understood(world):
    """The fixture's real cursor decodes to a point in time before our pages: empty page."""
    world.page("p")
    cursor = fixture("pages_recent_response.json")["data"]["meta"]["nextCursor"]
    data = world.ok("/api/pages/recent", {"cursor": cursor})
    assert data["items"] == []
    assert data["meta"]["hasPrevPage"] is True


def test_space_info_has_the_fixture_shape(world):
    expected = fixture("spaces_info_response.json")["data"]

    data = world.ok("/api/spaces/info", {"spaceId": world.space})

    assert data.keys() == expected.keys()
    assert data["membership"] == {**expected["membership"], "userId": world.fake.user["id"]}
    assert data["slug"] == "general"
    assert data["name"] == "General"


def test_void_handlers_have_no_data(world):
    page = world.page()
    status, answer = world.raw("/api/pages/delete", {"pageId": page["id"]})
    assert (status, answer) == (200, {"success": True, "status": 200})


# -- spaces ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "Ok", "slug": "-abc"}, "slug must match ^[a-zA-Z0-9][a-zA-Z0-9_-]*$ regular"),
        ({"name": "Ok", "slug": "a b"}, "slug must match"),
        ({"name": "Ok", "slug": "ab/c"}, "slug must match"),
        ({"name": "Ok", "slug": "écoles"}, "slug must match"),
        ({"name": "Ok", "slug": "x"}, "slug must be longer than or equal to 2 characters"),
        ({"name": "Ok", "slug": "x" * 101}, "slug must be shorter than or equal to 100"),
        ({"name": " a ", "slug": "ok"}, "name must be longer than or equal to 2 characters"),
        ({"name": "n" * 101, "slug": "ok"}, "name must be shorter than or equal to 100"),
        ({"name": 12, "slug": "ok"}, "name must be a string"),
        ({"slug": "ok"}, "name must be a string"),
    ],
)
def test_space_create_validation(world, body, message):
    status, answer = world.raw("/api/spaces/create", body)
    assert status == 400
    assert isinstance(answer["message"], list)
    assert answer["message"][0].startswith(message)


@pytest.mark.parametrize("slug", ["dwwm2026", "with-dash_and_underscore", "A1"])
def test_space_create_accepts_v095_slugs(world, slug):
    data = world.ok("/api/spaces/create", {"name": "  Trimmed  ", "slug": slug})
    assert data["name"] == "Trimmed"
    assert data["memberCount"] == 1
    assert world.ok("/api/spaces/info", {"spaceId": slug.upper()})["id"] == data["id"]


def test_space_create_needs_a_workspace_admin(world):
    world.fake.workspace_role = "member"
    assert world.raw("/api/spaces/create", {"name": "No", "slug": "no"})[0] == 403


def test_space_update_with_its_own_slug_is_refused(world):
    status, body = world.raw("/api/spaces/update", {"spaceId": world.space, "slug": "general"})
    assert (status, body["message"]) == (400, "Space slug exists. Please use a unique space slug")

    data = world.ok("/api/spaces/update", {"spaceId": world.space, "slug": "general2", "x": 1})
    assert data["slug"] == "general2"


def test_space_update_needs_admin(world):
    world.fake.set_role(world.space, "writer")
    assert world.raw("/api/spaces/update", {"spaceId": world.space, "name": "No"})[0] == 403


# -- pages ----------------------------------------------------------------------------------------


def test_new_pages_go_last_among_siblings(world):
    root = world.page("root")
    children = [world.page(f"c{i}", parentPageId=root["id"]) for i in range(70)]

    positions = [c["position"] for c in children]
    assert positions == sorted(positions)  # C collation = Python's str order
    assert len(set(positions)) == 70
    level = world.ok("/api/pages/sidebar-pages", {"pageId": root["id"], "limit": 100})
    assert [p["id"] for p in level["items"]] == [c["id"] for c in children]


@pytest.mark.parametrize("parent", ["missing", "trashed", "other-space"])
def test_parent_must_exist_be_live_and_in_the_same_space(world, parent):
    if parent == "missing":
        parent_id = UNKNOWN_UUID
    elif parent == "trashed":
        parent_id = world.page("trashed")["id"]
        world.ok("/api/pages/delete", {"pageId": parent_id})
    else:
        other = world.ok("/api/spaces/create", {"name": "Other", "slug": "other"})
        parent_id = world.ok("/api/pages/create", {"spaceId": other["id"]})["id"]

    status, body = world.raw(
        "/api/pages/create", {"spaceId": world.space, "parentPageId": parent_id}
    )

    assert (status, body) == (404, ERRORS["parent_page_not_found"]["body"])


def test_reader_cannot_create(world):
    world.fake.set_role(world.space, "reader")
    assert world.raw("/api/pages/create", {"spaceId": world.space}) == (
        403,
        ERRORS["forbidden"]["body"],
    )


def test_title_may_be_omitted(world):
    assert world.page(title=None)["title"] is None


def test_page_accepts_slug_id_on_info_and_update(world):
    page = world.page("by slug")

    assert world.ok("/api/pages/info", {"pageId": page["slugId"]})["id"] == page["id"]
    updated = world.ok("/api/pages/update", {"pageId": page["slugId"], "title": "renamed"})
    assert updated["title"] == "renamed"
    assert world.fake.pages[page["id"]]["title"] == "renamed"


@pytest.mark.parametrize("kind", ["json", "markdown", "html"])
def test_content_is_returned_in_the_asked_format(world, kind):
    page = world.page("c", content="# Title\n\nSome <b> & text", format="markdown")

    content = world.ok("/api/pages/info", {"pageId": page["id"], "format": kind})["content"]

    if kind == "markdown":
        assert content == "# Title\n\nSome <b> & text"
    elif kind == "html":
        assert content == "<h1>Title</h1><p>Some &lt;b&gt; &amp; text</p>"
    else:
        assert [node["type"] for node in content["content"]] == ["heading", "paragraph"]
        assert content["content"][1]["content"][0]["text"] == "Some <b> & text"


def test_json_and_html_content_can_be_written(world):
    doc = {
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}],
    }
    page = world.page("j", content=doc, format="json")
    stored = world.ok("/api/pages/info", {"pageId": page["id"]})["content"]
    # Docmost adds its default attributes (contract errata 3).
    assert stored["content"][0]["attrs"] == {"dir": "auto", "indent": 0}
    assert stored["content"][0]["content"] == doc["content"][0]["content"]
    assert world.fake.content(page["id"]) == "hi"

    other = world.page("h", content="<h2>Head</h2><p>para &amp; more</p>", format="html")
    assert world.fake.content(other["id"]) == "## Head\n\npara & more"


@pytest.mark.parametrize(
    ("content", "kind"),
    [({"type": "doc"}, "markdown"), ("# not json", "json"), (["x"], "html"), (42, "markdown")],
)
def test_content_of_the_wrong_type_is_invalid(world, content, kind):
    status, body = world.raw(
        "/api/pages/create", {"spaceId": world.space, "content": content, "format": kind}
    )
    assert (status, body["message"]) == (400, "Invalid content format")


def test_update_bumps_updated_at_and_adds_the_contributor(world):
    page = world.fake.add_page(world.space, "by someone", by_other_user=True)
    before = page["updatedAt"]

    data = world.ok("/api/pages/update", {"pageId": page["id"], "icon": "🎓"})

    assert data["updatedAt"] > before
    assert data["lastUpdatedById"] == world.fake.user["id"]
    assert data["contributorIds"] == [world.fake.user["id"]]
    assert data["title"] == "by someone"  # omitted fields are left untouched
    assert data["icon"] == "🎓"


def test_update_content_without_format_is_a_400(world):
    """Real Docmost 0.95.0 refuses it (contract errata 1), it is not a silent no-op."""
    page = world.page("p", content="original", format="markdown")

    status, body = world.raw(
        "/api/pages/update", {"pageId": page["id"], "content": "new", "operation": "replace"}
    )

    assert status == 400
    assert body["message"] == ["format must be one of the following values: json, markdown, html"]
    assert world.fake.content(page["id"]) == "original"


@pytest.mark.parametrize(
    ("operation", "expected"),
    [("replace", "new"), ("append", "old\n\nnew"), ("prepend", "new\n\nold")],
)
def test_update_operations(world, operation, expected):
    page = world.page("p", content="old", format="markdown")
    world.ok(
        "/api/pages/update",
        {"pageId": page["id"], "content": "new", "format": "markdown", "operation": operation},
    )
    assert world.fake.content(page["id"]) == expected


def test_ignore_content_updates_answers_200_without_applying(world):
    page = world.page("p", content="kept", format="markdown")
    world.fake.ignore_content_updates = True

    data = world.ok(
        "/api/pages/update",
        {"pageId": page["id"], "title": "t2", "content": "lost", "format": "markdown",
         "operation": "replace"},
    )  # fmt: skip

    assert data["title"] == "t2"  # title and icon are written directly
    assert world.fake.content(page["id"]) == "kept"


def test_soft_delete_cascades_keeps_updated_at_and_info_still_answers(world):
    root = world.page("root")
    child = world.page("child", parentPageId=root["id"])
    grandchild = world.page("grandchild", parentPageId=child["id"])
    sibling = world.page("sibling")
    world.ok("/api/shares/create", {"pageId": child["id"]})
    stamps = {p["id"]: world.fake.pages[p["id"]]["updatedAt"] for p in (root, child, grandchild)}

    world.ok("/api/pages/delete", {"pageId": root["id"]})

    for page in (root, child, grandchild):
        info = world.ok("/api/pages/info", {"pageId": page["id"]})
        assert STAMP.match(info["deletedAt"])
        assert info["updatedAt"] == stamps[page["id"]]
        assert info["deletedBy"]["id"] == world.fake.user["id"]
    assert world.fake.pages[sibling["id"]]["deletedAt"] is None
    recent = world.ok("/api/pages/recent")["items"]
    assert [p["id"] for p in recent] == [sibling["id"]]
    assert world.fake.shares == {}  # public shares of trashed pages are removed
    roots = world.ok("/api/pages/sidebar-pages", {"spaceId": world.space})["items"]
    assert [p["id"] for p in roots] == [sibling["id"]]


def test_restore_brings_the_subtree_back(world):
    root = world.page("root")
    child = world.page("child", parentPageId=root["id"])
    world.ok("/api/pages/delete", {"pageId": root["id"]})

    data = world.ok("/api/pages/restore", {"pageId": root["id"]})

    assert data["hasChildren"] is True
    assert world.fake.pages[child["id"]]["deletedAt"] is None


def test_permanent_delete_needs_admin_and_removes_the_subtree(world):
    root = world.page("root")
    child = world.page("child", parentPageId=root["id"])
    world.fake.set_role(world.space, "writer")
    assert (
        world.raw("/api/pages/delete", {"pageId": root["id"], "permanentlyDelete": True})[0] == 403
    )
    world.fake.set_role(world.space, "admin")

    world.ok("/api/pages/delete", {"pageId": root["id"], "permanentlyDelete": True})

    assert root["id"] not in world.fake.pages
    assert child["id"] not in world.fake.pages
    assert world.raw("/api/pages/info", {"pageId": child["id"]})[0] == 404


@pytest.mark.parametrize("path", ["/api/pages/delete", "/api/pages/restore"])
def test_writes_by_slug_id_are_500(world, path):
    page = world.page()
    assert world.raw(path, {"pageId": page["slugId"]}) == (500, ERRORS["unexpected"]["body"])


# -- lists ----------------------------------------------------------------------------------------


def test_recent_orders_by_updated_at_then_id_desc_across_cursor_pages(world):
    pages = [world.fake.add_page(world.space, f"p{i}") for i in range(9)]
    tie = "2030-01-01T00:00:00.000Z"
    for page in pages[3:6]:  # same updatedAt: id desc decides
        page["updatedAt"] = tie
    world.ok("/api/pages/update", {"pageId": pages[0]["id"], "title": "edited"})

    seen, body = [], {"spaceId": world.space, "limit": 4}
    while True:
        data = world.ok("/api/pages/recent", body)
        seen.extend(data["items"])
        assert data["meta"]["hasPrevPage"] is ("cursor" in body)
        if not data["meta"]["hasNextPage"]:
            assert data["meta"]["nextCursor"] is None
            break
        body = {**body, "cursor": data["meta"]["nextCursor"]}

    keys = [(p["updatedAt"], p["id"]) for p in seen]
    assert keys == sorted(keys, reverse=True)
    assert len({p["id"] for p in seen}) == 9
    assert [p["id"] for p in seen[:3]] == sorted((p["id"] for p in pages[3:6]), reverse=True)
    assert seen[3]["title"] == "edited"


def test_recent_default_limit_is_20(world):
    for i in range(25):
        world.fake.add_page(world.space, f"p{i}")
    data = world.ok("/api/pages/recent")
    assert len(data["items"]) == 20
    assert data["meta"]["limit"] == 20


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        (0, "limit must not be less than 1"),
        (101, "limit must not be greater than 100"),
        ("20", "limit must not be greater than 100"),  # @Max is checked first (errata 6)
        (True, "limit must not be greater than 100"),
        ([5], "limit must not be greater than 100"),
    ],
)
def test_recent_limit_validation(world, limit, message):
    assert world.raw("/api/pages/recent", {"limit": limit}) == (
        400,
        {"message": [message], "error": "Bad Request", "statusCode": 400},
    )


@pytest.mark.parametrize(
    "cursor",
    ["!!!not base64!!!", "abc", base64.urlsafe_b64encode(b"foo=bar").decode(), "\u00e9\u00e9"],
)
def test_malformed_cursor_is_500(world, cursor):
    assert world.raw("/api/pages/recent", {"cursor": cursor}) == (500, ERRORS["unexpected"]["body"])


def test_sidebar_page_id_given_as_slug_id_is_500(world):
    page = world.page()
    assert world.raw("/api/pages/sidebar-pages", {"pageId": page["slugId"]})[0] == 500


def test_spaces_list_is_my_spaces_only(world):
    world.fake.add_foreign_space("Hidden", "hidden")
    world.ok("/api/spaces/create", {"name": "Alpha", "slug": "alpha"})

    data = world.ok("/api/spaces", {"limit": 10})

    assert [s["name"] for s in data["items"]] == ["Alpha", "General"]
    assert data["items"][0]["membership"]["role"] == "admin"


# -- shares ---------------------------------------------------------------------------------------


def test_share_is_idempotent_and_has_no_password_or_expiry(world):
    page = world.page()

    first = world.ok("/api/shares/create", {"pageId": page["id"], "includeSubPages": True})
    second = world.ok("/api/shares/create", {"pageId": page["slugId"], "searchIndexing": True})

    assert first == second
    assert set(first) == {
        "id", "key", "pageId", "includeSubPages", "searchIndexing", "creatorId", "spaceId",
        "workspaceId", "createdAt", "updatedAt", "deletedAt",
    }  # fmt: skip
    assert re.fullmatch(r"[0-9a-z]{10}", first["key"])
    assert first["searchIndexing"] is False


@pytest.mark.parametrize("flag", ["yes", 1, None])
def test_share_flags_must_be_booleans(world, flag):
    page = world.page()
    status, body = world.raw("/api/shares/create", {"pageId": page["id"], "includeSubPages": flag})
    if flag is None:
        assert status == 200
    else:
        assert (status, body["message"]) == (400, ["includeSubPages must be a boolean value"])


# -- harness --------------------------------------------------------------------------------------


def test_snapshot_and_restore(world):
    kept = world.page("kept")
    state = world.fake.snapshot()
    world.page("dropped")
    world.ok("/api/pages/update", {"pageId": kept["id"], "title": "changed"})
    world.fake.ignore_content_updates = True
    world.fake.latency = 1.0

    world.fake.restore(state)

    assert [p["title"] for p in world.fake.pages.values()] == ["kept"]
    assert world.fake.calls == []
    assert world.fake.latency == 0.0
    assert world.fake.ignore_content_updates is False
    assert world.raw("/api/users/me")[0] == 200  # logins survive a restore


def test_calls_record_method_path_body_and_headers(world):
    world.raw("/api/pages/recent", {"limit": 5})
    call = world.fake.calls[-1]
    assert (call.method, call.path, call.body) == ("POST", "/api/pages/recent", {"limit": 5})
    assert call.headers["Authorization"] == f"Bearer {world.token}"


def test_fake_session_transport(world):
    session = fake_session(world.fake)
    response = session.post(
        f"{world.fake.base_url}/api/users/me",
        json={},
        headers={"Authorization": f"Bearer {world.token}"},
    )
    assert response.status_code == 200
    assert response.json()["data"]["user"]["email"] == world.fake.email
    with pytest.raises(requests.exceptions.InvalidSchema):
        session.post("ftp://elsewhere/api/users/me")
