"""The Docmost client against the fake, through the real HTTPAdapter (retries included)."""

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
import responses
from prometheus_client import REGISTRY

from integrations.docmost.client import (
    DocmostAuthError,
    DocmostClient,
    DocmostError,
    DocmostNotFound,
    DocmostRequestError,
    DocmostUnavailable,
    DocmostVerificationError,
    verification_text,
)
from integrations.fakes.docmost.fake import FakeDocmost, FakeError
from integrations.fakes.transport import install_in_responses

UNKNOWN_UUID = "0198f4d1-3c2a-7e8b-9f01-23456789abcd"


class DictStore:
    """A token store shared by several clients, as the cache-backed one is across processes."""

    def __init__(self) -> None:
        self.token: str | None = None
        self.sets = 0

    def get(self) -> str | None:
        return self.token

    def set(self, token: str) -> None:
        self.token = token
        self.sets += 1


def make_client(fake: FakeDocmost, **kwargs: Any) -> DocmostClient:
    options: dict[str, Any] = {
        "base_url": fake.base_url,
        "email": fake.email,
        "password": fake.password,
        "backoff_factor": 0,
    }
    return DocmostClient(**(options | kwargs))


@pytest.fixture
def fake() -> Iterator[FakeDocmost]:
    fake = FakeDocmost()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        install_in_responses(fake, mock)
        yield fake


@pytest.fixture
def client(fake: FakeDocmost) -> DocmostClient:
    return make_client(fake)


@pytest.fixture
def space(fake: FakeDocmost) -> str:
    return str(fake.general["id"])


def paths(fake: FakeDocmost) -> list[str]:
    return [call.path for call in fake.calls]


def metric(endpoint: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "docmost_api_calls_total", {"endpoint": endpoint, "status": status}
    )
    return value or 0.0


# -- authentication -------------------------------------------------------------------------------


def test_logs_in_once_then_sends_the_token_as_bearer_on_every_call(fake, space):
    store = DictStore()
    client = make_client(fake, token_store=store)

    client.check()
    client.get_space(space)
    page = client.create_page(space_id=space, title="Bloc 1")
    client.get_page(page["id"])

    assert fake.logins == 1
    assert paths(fake)[0] == "/api/auth/login"
    assert fake.calls[0].body == {"email": fake.email, "password": fake.password}
    assert "Authorization" not in fake.calls[0].headers
    assert store.token
    assert store.token.count(".") == 2
    for call in fake.calls[1:]:
        assert call.headers["Authorization"] == f"Bearer {store.token}"
        assert "Cookie" not in call.headers  # no cookie jar: the fake's cookie is never sent
    assert len(client.session.cookies) == 0


def test_two_clients_sharing_a_token_store_log_in_once(fake, space):
    store = DictStore()
    first, second = make_client(fake, token_store=store), make_client(fake, token_store=store)

    first.check()
    second.check()
    second.get_space(space)
    first.check()

    assert fake.logins == 1
    assert store.sets == 1
    assert paths(fake).count("/api/auth/login") == 1


def test_concurrent_first_calls_log_in_once(fake, client):
    fake.latency = 0.02
    errors: list[BaseException] = []

    def work() -> None:
        try:
            client.check()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert fake.logins == 1


def test_relogs_in_exactly_once_on_401_then_retries_the_call(fake, client):
    client.check()
    fake.expire_tokens()
    fake.calls.clear()

    user = client.check()

    assert user["user"]["email"] == fake.email
    assert fake.logins == 2
    assert paths(fake) == ["/api/users/me", "/api/auth/login", "/api/users/me"]
    assert fake.calls[0].headers["Authorization"] != fake.calls[2].headers["Authorization"]


def test_a_write_refused_with_401_is_applied_once_after_relogin(fake, client, space):
    client.check()
    fake.expire_tokens()

    client.create_page(space_id=space, title="Once")

    assert [p["title"] for p in fake.pages.values()] == ["Once"]
    assert paths(fake).count("/api/pages/create") == 2  # the 401, then the applied one


def test_relogin_uses_a_token_refreshed_by_another_client(fake):
    store = DictStore()
    first, second = make_client(fake, token_store=store), make_client(fake, token_store=store)
    first.check()
    fake.expire_tokens()
    first.check()  # first logs in again and stores the new token
    assert fake.logins == 2

    second.check()  # picks the new token up from the store: no 401, no login

    assert fake.logins == 2


class ScriptedStore(DictStore):
    """Hands out a stale token once, as when another process re-logged in meanwhile."""

    def __init__(self, shared: DictStore, stale: str | None) -> None:
        super().__init__()
        self.shared, self.stale = shared, stale

    def get(self) -> str | None:
        stale, self.stale = self.stale, None
        return stale or self.shared.get()

    def set(self, token: str) -> None:
        self.shared.set(token)


def test_a_401_with_a_token_already_renewed_elsewhere_does_not_log_in(fake):
    shared = DictStore()
    first = make_client(fake, token_store=shared)
    first.check()
    stale = shared.token
    fake.expire_tokens()
    first.check()  # renews the shared token
    assert fake.logins == 2
    assert shared.token != stale

    second = make_client(fake, token_store=ScriptedStore(shared, stale))
    second.check()  # 401 with the stale token, then the renewed one

    assert fake.logins == 2
    assert [c.headers.get("Authorization") for c in fake.calls[-2:]] == [
        f"Bearer {stale}",
        f"Bearer {shared.token}",
    ]


def test_401_after_a_fresh_login_is_an_auth_error(fake, client, monkeypatch):
    def refuse(headers: Any) -> None:
        raise FakeError(401)

    monkeypatch.setattr(fake, "_authenticate", refuse)

    with pytest.raises(DocmostAuthError) as caught:
        client.check()

    assert caught.value.status == 401
    assert fake.logins == 2  # the first login, then exactly one re-login
    assert paths(fake) == ["/api/auth/login", "/api/users/me"] * 2


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("bridge@example.org", "wrong"),
        ("someone@example.org", "fake-docmost-password"),
        ("bridge@example.org", "fake-docmost-password' OR '1'='1"),
        ("not-an-email", "x"),
    ],
)
def test_bad_credentials_are_an_auth_error_without_retry(fake, email, password):
    client = make_client(fake, email=email, password=password)

    with pytest.raises(DocmostAuthError) as caught:
        client.check()

    assert caught.value.status in (400, 401)
    assert "refused the login" in str(caught.value)
    assert fake.logins == 0
    assert paths(fake) == ["/api/auth/login"]


def test_missing_credentials_do_not_call_docmost(fake):
    with pytest.raises(DocmostAuthError, match="DOCMOST_EMAIL"):
        make_client(fake, password="").check()
    assert fake.calls == []


def test_throttled_login_is_unavailable_with_retry_after_and_not_retried(fake, client):
    for _ in range(10):  # use the throttle up (10 logins a minute)
        fake.handle("POST", f"{fake.base_url}/api/auth/login", {}, b'{"email": "x@y.z"}')
    fake.calls.clear()

    with pytest.raises(DocmostUnavailable) as caught:
        client.check()

    assert caught.value.status == 429
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= 60
    assert f"{caught.value.retry_after:g}" in str(caught.value)
    assert paths(fake) == ["/api/auth/login"]  # a throttled login is not hammered


def test_login_without_a_cookie_because_of_mfa_is_an_auth_error(fake, client):
    mfa = {"userHasMfa": True, "requiresMfaSetup": False, "isMfaEnforced": False}
    fake.fail_next(200, body={"data": mfa, "success": True, "status": 200})

    with pytest.raises(DocmostAuthError, match="MFA"):
        client.check()


# -- retries --------------------------------------------------------------------------------------


def test_retries_503_then_succeeds(fake, client):
    client.check()
    fake.calls.clear()
    fake.fail_next(503, times=2)

    assert client.check()["user"]["id"] == fake.user["id"]
    assert paths(fake) == ["/api/users/me"] * 3


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_refused_writes_are_sent_again(fake, client, space, status):
    client.check()
    fake.fail_next(status, headers={"Retry-After": "0"} if status == 429 else None)

    client.create_page(space_id=space, title="Retried")

    assert [p["title"] for p in fake.pages.values()] == ["Retried"]
    assert paths(fake).count("/api/pages/create") == 2


def test_does_not_resend_a_create_after_a_500(fake, client, space):
    client.check()
    fake.fail_next(500)

    with pytest.raises(DocmostUnavailable, match="500"):
        client.create_page(space_id=space, title="Maybe applied")

    assert paths(fake).count("/api/pages/create") == 1


def test_gives_up_after_max_retries_with_unavailable(fake, client):
    client.check()
    fake.calls.clear()
    fake.fail_next(502, times=10)

    with pytest.raises(DocmostUnavailable, match="502"):
        client.check()
    assert len(fake.calls) == 4  # first try + 3 retries


def test_a_create_whose_answer_times_out_is_not_sent_again(client, fake):
    """Only connection errors are retried for creates: the request may have been applied."""
    create = client.session.get_adapter(f"{fake.base_url}/api/pages/create")
    info = client.session.get_adapter(f"{fake.base_url}/api/pages/info")
    login = client.session.get_adapter(f"{fake.base_url}/api/auth/login")

    assert create.max_retries.read == 0
    assert create.max_retries.connect == 3
    assert info.max_retries.read == 3
    assert not login.max_retries.is_retry("POST", 429)
    assert info.max_retries.is_retry("POST", 429)
    assert not info.max_retries.is_retry("POST", 500)


def test_connection_error_is_unavailable():
    client = DocmostClient(
        base_url="http://127.0.0.1:1", email="a@b.c", password="x", max_retries=1, backoff_factor=0
    )
    with pytest.raises(DocmostUnavailable, match="unreachable"):
        client.check()


def test_timeout_is_unavailable_and_counted(client, fake):
    client.check()
    before = metric("users.me", "error")
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, f"{fake.base_url}/api/users/me", body=requests.ReadTimeout())
        with pytest.raises(DocmostUnavailable, match="ReadTimeout"):
            client.check()
    assert metric("users.me", "error") == before + 1


def test_calls_are_counted_by_endpoint_and_status(fake, client):
    client.check()
    before_ok, before_404 = metric("pages.info", "200"), metric("pages.info", "404")
    page = fake.add_page(fake.general["id"], "Counted")

    client.get_page(page["id"])
    with pytest.raises(DocmostNotFound):
        client.get_page(UNKNOWN_UUID)

    assert metric("pages.info", "200") == before_ok + 1
    assert metric("pages.info", "404") == before_404 + 1


# -- error mapping --------------------------------------------------------------------------------


def test_unknown_page_is_not_found(client):
    with pytest.raises(DocmostNotFound) as caught:
        client.get_page(UNKNOWN_UUID)
    assert caught.value.status == 404
    assert caught.value.messages == ["Page not found"]


@pytest.mark.parametrize(
    "call",
    [
        lambda client, space: client.get_space(space),
        lambda client, space: client.create_page(space_id=space, title="x"),
        lambda client, space: list(client.iter_recent_pages(space_id=space)),
    ],
    ids=["get_space", "create_page", "recent"],
)
def test_a_space_without_role_is_not_found(fake, client, call):
    foreign = fake.add_foreign_space()["id"]

    with pytest.raises(DocmostNotFound) as caught:
        call(client, foreign)

    assert caught.value.messages == ["Space permissions not found"]


@pytest.mark.parametrize(
    ("space_id", "expected"),
    [
        ("not-a-uuid", ["spaceId must be a UUID"]),
        ("", ["spaceId must be a UUID"]),
        ("0198f4d1-3c2a-7e8b-9f01-23456789abcd'; DROP TABLE pages;--", ["spaceId must be a UUID"]),
    ],
)
def test_validation_messages_come_back_as_a_list(fake, client, space_id, expected):
    with pytest.raises(DocmostRequestError) as caught:
        client.create_page(space_id=space_id, title="x", markdown="body")

    assert caught.value.status == 400
    assert caught.value.messages == expected
    assert "; ".join(expected) in str(caught.value)
    assert paths(fake).count("/api/pages/create") == 1  # a 400 is never retried


def test_reader_role_is_a_request_error(fake, client, space):
    fake.set_role(space, "reader")
    with pytest.raises(DocmostRequestError) as caught:
        client.create_page(space_id=space, title="x")
    assert caught.value.status == 403
    assert not isinstance(caught.value, DocmostAuthError)


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (200, b"<html>proxy page</html>", "not JSON in its envelope"),
        (200, {"id": 1}, "not JSON in its envelope"),  # JSON, but not Docmost's envelope
        (200, {"success": False, "status": 200}, "not JSON in its envelope"),
        (502, b"<html>Bad gateway</html>", "502"),
        (500, {"statusCode": 500, "message": "Internal server error"}, "Internal server error"),
    ],
)
def test_garbage_and_server_errors_are_unavailable(fake, client, status, body, message):
    client.check()
    fake.fail_next(status, body=body, times=4)

    with pytest.raises(DocmostUnavailable, match=message):
        client.check()


def test_a_redirect_is_not_followed(fake, client):
    client.check()
    fake.fail_next(301, body={"x": 1}, headers={"Location": "https://elsewhere.test/"})
    with pytest.raises(DocmostUnavailable, match="elsewhere"):
        client.check()


def test_void_answers_and_unexpected_shapes(fake, client):
    client.check()
    fake.fail_next(200, body={"success": True, "status": 200})  # no data where one is expected
    with pytest.raises(DocmostUnavailable, match="expected object"):
        client.check()


# -- spaces ---------------------------------------------------------------------------------------


def test_create_and_get_space(fake, client):
    space = client.create_space(name="Formation DWWM 2026", slug="dwwm2026", description="Promo")

    assert space["slug"] == "dwwm2026"
    assert space["memberCount"] == 1
    info = client.get_space("DWWM2026")  # slug, case-insensitive
    assert info["id"] == space["id"]
    assert info["membership"]["role"] == "admin"


@pytest.mark.parametrize("slug", ["general", "GENERAL", "General"])
def test_space_slug_conflict_is_a_request_error(client, slug):
    with pytest.raises(DocmostRequestError) as caught:
        client.create_space(name="Again", slug=slug)
    assert caught.value.messages == ["Space slug exists. Please use a unique space slug"]


def test_update_space_never_sends_the_slug(fake, client, space):
    updated = client.update_space(space_id=space, name="Général", description="Tout")

    assert updated["name"] == "Général"
    assert updated["slug"] == "general"
    body = fake.calls[-1].body
    assert body == {"spaceId": space, "name": "Général", "description": "Tout"}


def test_update_space_needs_something_to_change(client, space):
    with pytest.raises(ValueError, match="name or a description"):
        client.update_space(space_id=space)


# -- pages and verification -----------------------------------------------------------------------


def test_create_page_sends_markdown_and_verifies_it(fake, client, space):
    parent = client.create_page(space_id=space, title="Formation")
    markdown = "## Objectifs\n\n- Maquetter une application\n\nVolume horaire : **120 h**.\n"

    page = client.create_page(
        space_id=space, title="Bloc 1", markdown=markdown, parent_page_id=parent["id"], icon="📘"
    )

    create = next(c for c in fake.calls if c.body and c.body.get("title") == "Bloc 1")
    assert create.body == {
        "spaceId": space,
        "title": "Bloc 1",
        "parentPageId": parent["id"],
        "icon": "📘",
        "content": markdown,
        "format": "markdown",
    }
    assert fake.calls[-1].path == "/api/pages/info"
    assert fake.calls[-1].body == {"pageId": page["id"], "format": "markdown"}
    assert "content" not in page
    assert page["parentPageId"] == parent["id"]
    assert fake.content(page["id"]) == markdown


def test_create_page_without_markdown_is_not_read_back(fake, client, space):
    client.create_page(space_id=space, title="Just a title")
    assert paths(fake)[-1] == "/api/pages/create"


def test_update_page_replaces_content_and_verifies(fake, client, space):
    page = client.create_page(space_id=space, title="Old", markdown="old body")

    updated = client.update_page(page_id=page["id"], title="New", markdown="# New body\n\ntext")

    update = next(c for c in fake.calls if c.path == "/api/pages/update")
    assert update.body == {
        "pageId": page["id"],
        "title": "New",
        "content": "# New body\n\ntext",
        "format": "markdown",
        "operation": "replace",
    }
    assert updated["title"] == "New"
    assert fake.content(page["id"]) == "# New body\n\ntext"
    assert paths(fake)[-1] == "/api/pages/info"


def test_ignored_content_update_is_a_verification_error(fake, client, space):
    page = client.create_page(space_id=space, title="Page", markdown="before")
    fake.ignore_content_updates = True

    with pytest.raises(DocmostVerificationError) as caught:
        client.update_page(page_id=page["id"], markdown="after")

    assert isinstance(caught.value, DocmostUnavailable)  # transient: callers retry it
    assert caught.value.page_id == page["id"]
    assert page["id"] in str(caught.value)
    assert fake.content(page["id"]) == "before"


def test_title_update_that_did_not_take_is_a_verification_error(fake, client, space):
    page = client.create_page(space_id=space, title="Old")
    fake.fail_next(200, body={"data": dict(fake.pages[page["id"]]), "success": True, "status": 200})

    with pytest.raises(DocmostVerificationError, match="'Old'"):
        client.update_page(page_id=page["id"], title="New")


def test_icon_only_update_is_not_read_back(fake, client, space):
    page = client.create_page(space_id=space, title="Page")
    client.update_page(page_id=page["id"], icon="🎓")
    assert paths(fake)[-1] == "/api/pages/update"
    assert fake.pages[page["id"]]["icon"] == "🎓"


def test_update_page_needs_something_to_change(client):
    with pytest.raises(ValueError, match="title, an icon or markdown"):
        client.update_page(page_id=UNKNOWN_UUID)


HOSTILE_TITLES = [
    "Bloc 1 — Développer la partie front-end",
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE pages;--",
    '"quoted" & ampersand',
    "emoji 🎓📘 and RTL שלום",
    "x" * 500,
    "  padded  ",
]
HOSTILE_MARKDOWN = [
    "> quoted first line\n\nrest",
    "- a list item first\n- second",
    "* starred\n",
    "#### deep heading",
    "\n\n\n   \nlate first line",
    "---\n\nafter a rule",
    "<img src=x onerror=alert(1)>",
    "text with \\ backslash and `code`",
    "# Projet X\n\n- [ ] tâche (à faire, 3 h)",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
@pytest.mark.parametrize("markdown", HOSTILE_MARKDOWN[:3])
def test_hostile_titles_round_trip_and_verify(fake, client, space, title, markdown):
    page = client.create_page(space_id=space, title=title, markdown=markdown)
    assert fake.pages[page["id"]]["title"] == title
    assert client.get_page(page["id"])["content"] == markdown


@pytest.mark.parametrize("markdown", HOSTILE_MARKDOWN)
def test_hostile_markdown_verifies(fake, client, space, markdown):
    page = client.create_page(space_id=space, title="t", markdown=markdown)
    client.update_page(page_id=page["id"], markdown=markdown + "\n\nmore")
    assert fake.content(page["id"]) == markdown + "\n\nmore"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("## Objectifs\n\nx", "Objectifs"),
        ("\n\n  - item one\n", "item one"),
        ("> > nested quote", "nested quote"),
        ("***bold*** start", "bold start"),
        ("---\n\nafter", "after"),
        ("plain", "plain"),
        ("", None),
        ("#\n-\n>\n", None),
    ],
)
def test_verification_text(markdown, expected):
    assert verification_text(markdown) == expected


def test_verification_tolerates_whitespace_and_escapes(fake, client, space, monkeypatch):
    """Docmost re-renders Markdown: `a  b_c` may come back as `a b\\_c`."""
    page = client.create_page(space_id=space, title="t")
    fake.fail_next(200, body={"data": dict(fake.pages[page["id"]]), "success": True, "status": 200})
    read_back = {**fake.pages[page["id"]], "content": "a b\\_c  d"}
    fake.fail_next(200, body={"data": read_back, "success": True, "status": 200})

    client.update_page(page_id=page["id"], markdown="a  b_c d")


def test_get_page_by_slug_id_and_format(fake, client, space):
    page = client.create_page(space_id=space, title="P", markdown="## Hello\n\nworld")

    as_html = client.get_page(page["slugId"], format="html")
    as_json = client.get_page(page["id"], format="json")

    assert as_html["id"] == page["id"]
    assert as_html["content"] == "<h2>Hello</h2><p>world</p>"
    assert as_json["content"]["type"] == "doc"
    with pytest.raises(ValueError, match="format"):
        client.get_page(page["id"], format="pdf")


def test_trashed_page_is_still_returned_with_deleted_at(fake, client, space):
    page = client.create_page(space_id=space, title="Gone")
    status, _h, _b = fake.handle(
        "POST",
        f"{fake.base_url}/api/pages/delete",
        {"Authorization": fake.calls[-1].headers["Authorization"]},
        f'{{"pageId": "{page["id"]}"}}',
    )
    assert status == 200

    assert client.get_page(page["id"])["deletedAt"] is not None


# -- lists ----------------------------------------------------------------------------------------


def test_iter_recent_pages_walks_every_cursor_page_newest_first(fake, client, space):
    created = [fake.add_page(space, f"page {i}") for i in range(7)]
    client.update_page(page_id=created[2]["id"], title="page 2 edited")  # now the newest
    fake.add_page(fake.add_foreign_space()["id"], "not mine")
    fake.calls.clear()

    pages = list(client.iter_recent_pages(space_id=space, limit=3))

    expected = sorted(fake.pages.values(), key=lambda p: (p["updatedAt"], p["id"]), reverse=True)
    expected = [p for p in expected if p["spaceId"] == space]
    assert [p["id"] for p in pages] == [p["id"] for p in expected]
    assert pages[0]["title"] == "page 2 edited"
    assert [p["updatedAt"] for p in pages] == sorted((p["updatedAt"] for p in pages), reverse=True)
    bodies = [c.body for c in fake.calls]
    assert len(bodies) == 3
    assert bodies[0] == {"limit": 3, "spaceId": space}
    assert all(b["cursor"] for b in bodies[1:])
    assert bodies[1]["cursor"] != bodies[2]["cursor"]


def test_iter_recent_pages_without_space_covers_my_spaces_only(fake, client, space):
    mine = client.create_space(name="Mine", slug="mine")
    fake.add_page(space, "in general")
    fake.add_page(mine["id"], "in mine")
    fake.add_page(fake.add_foreign_space()["id"], "foreign")

    titles = {p["title"] for p in client.iter_recent_pages()}

    assert titles == {"in general", "in mine"}


def test_iter_recent_pages_is_lazy(fake, client, space):
    for i in range(5):
        fake.add_page(space, f"p{i}")
    client.check()
    fake.calls.clear()

    first = next(client.iter_recent_pages(space_id=space, limit=2))

    assert first["title"] == "p4"
    assert len(fake.calls) == 1


def test_pagination_that_does_not_advance_is_unavailable(fake, client):
    client.check()
    stuck = {
        "items": [],
        "meta": {
            "limit": 1,
            "hasNextPage": True,
            "hasPrevPage": False,
            "nextCursor": "abc",
            "prevCursor": None,
        },
    }
    fake.fail_next(200, times=2, body={"data": stuck, "success": True, "status": 200})

    with pytest.raises(DocmostUnavailable, match="does not advance"):
        list(client.iter_recent_pages(limit=1))


@pytest.mark.parametrize("limit", [0, 101, -1, True])
def test_recent_limit_is_checked_locally(client, limit):
    with pytest.raises(ValueError, match="limit"):
        client.iter_recent_pages(limit=limit)


def test_iter_sidebar_pages_in_position_order(fake, client, space):
    root = client.create_page(space_id=space, title="root")
    children = [
        client.create_page(space_id=space, title=f"child {i}", parent_page_id=root["id"])
        for i in range(4)
    ]

    level = list(client.iter_sidebar_pages(page_id=root["id"]))
    roots = list(client.iter_sidebar_pages(space_id=space))

    assert [p["id"] for p in level] == [c["id"] for c in children]
    assert [p["id"] for p in roots] == [root["id"]]
    assert roots[0]["hasChildren"] is True
    with pytest.raises(ValueError, match="exactly one"):
        client.iter_sidebar_pages(space_id=space, page_id=root["id"])
    with pytest.raises(ValueError, match="exactly one"):
        client.iter_sidebar_pages()


# -- shares ---------------------------------------------------------------------------------------


def test_create_share_twice_returns_the_same_share(fake, client, space):
    page = client.create_page(space_id=space, title="Public")

    first = client.create_share(page_id=page["id"], include_sub_pages=True)
    second = client.create_share(page_id=page["id"])

    assert first == second
    assert first["includeSubPages"] is True
    assert first["pageId"] == page["id"]
    assert len(fake.shares) == 1
    assert fake.calls[-1].body == {"pageId": page["id"], "includeSubPages": False}


def test_share_of_unknown_page_is_not_found(client):
    with pytest.raises(DocmostNotFound):
        client.create_share(page_id=UNKNOWN_UUID)


def test_error_hierarchy():
    assert issubclass(DocmostAuthError, DocmostRequestError)
    assert issubclass(DocmostVerificationError, DocmostUnavailable)
    for error in (DocmostUnavailable, DocmostNotFound, DocmostRequestError):
        assert issubclass(error, DocmostError)
    assert not issubclass(DocmostNotFound, DocmostRequestError)


# -- over real sockets: cookies and timeouts ------------------------------------------------------


@pytest.fixture
def served() -> Iterator[FakeDocmost]:
    """The fake behind a real HTTP server on 127.0.0.1, so requests sees real cookies and time."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    fake = FakeDocmost(base_url=f"http://127.0.0.1:{server.server_port}")
    server.fake = fake
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = f"http://{self.headers.get('Host', '')}{self.path}"
        status, headers, content = self.server.fake.handle(
            "POST", url, dict(self.headers.items()), body
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (timeout tests)
            self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_the_auth_cookie_is_never_stored_nor_sent(served):
    client = make_client(served)
    client.check()
    served.expire_tokens()  # a stored cookie would now win over the renewed Bearer token

    client.check()

    assert served.logins == 2
    assert len(client.session.cookies) == 0
    assert all("Cookie" not in call.headers for call in served.calls)


def test_a_read_timeout_resends_a_read_but_not_a_create(served):
    client = make_client(served, timeout=(1.0, 0.15))
    client.check()
    space = served.general["id"]
    served.latency = 0.4

    with pytest.raises(DocmostUnavailable, match=r"ReadTimeout|ConnectionError"):
        client.create_page(space_id=space, title="maybe applied")
    with pytest.raises(DocmostUnavailable):
        client.get_space(space)
    time.sleep(0.6)  # let the server finish what the client gave up on

    assert served.count("/api/pages/create") == 1
    assert served.count("/api/spaces/info") == 4  # first try + 3 retries
    assert [p["title"] for p in served.pages.values()] == ["maybe applied"]


def test_verification_checks_every_line_not_only_the_first():
    from integrations.docmost.client import verification_lines

    assert verification_lines("# Projet X\n\n- **Charge :** 40 h\n- [x] Maquettes\n---\n") == [
        "Projet X",
        "Charge : 40 h",
        "Maquettes",
    ]
