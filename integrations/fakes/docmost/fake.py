"""An in-process Docmost that follows `shared/contracts/docmost/CONTRACT.md` (checklist §10).

It serves the tests and the demo mode: `FakeDocmostAdapter` mounts it as the transport of a
`requests` session, and `install_in_responses` routes a `responses` mock to it so the client's
real HTTPAdapter (and its urllib3 retries) stay in the path. It keeps Docmost's observable
behaviour: login that answers with an `authToken` cookie only, the token accepted as cookie or
Bearer (the cookie wins), logout revoking its session, the 10-a-minute login throttle per client
address (failed logins count, then a 60 s block with only `Retry-After-auth`), the
`{data, success, status}` envelope (no `data` for void handlers), NestJS error bodies with a
`message` *list* for validation, unknown body fields dropped, UUID or slugId page lookups, space
roles (no role → 404 `Space permissions not found`), case-insensitive space slugs, pages placed
last among siblings, content in json/markdown/html, soft delete cascading without bumping
`updatedAt`, `recent` ordered by `updatedAt` then `id` (both desc) with Docmost's cursor meta, and
idempotent shares. Content sent to update without `format` is a 400; JSON content comes back
with the `dir`/`indent` attributes Docmost adds. `ignore_content_updates` makes every content
update a 200 no-op (Docmost with `COLLAB_DISABLE_REDIS=true`).

Every request is recorded in `calls`, so tests can assert exactly what the bridge sent, and
`fail_next()` injects failures.
"""

import base64
import copy
import hashlib
import hmac
import json
import math
import secrets
import string
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from requests.structures import CaseInsensitiveDict

from integrations.fakes.docmost.content import (
    _checked_content,
    _combine,
    _markdown_to_json,
    _render,
)
from integrations.fakes.docmost.models import (
    BASE62,
    EMPTY_JSON_BODY,
    FORMATS,
    LOGIN_LIMIT,
    LOGIN_WINDOW,
    OPERATIONS,
    PAGE_COLUMNS,
    PERMISSIONS,
    ROLES,
    SLUG_RE,
    TOKEN_LIFETIME,
    UUID_RE,
    Call,
    FakeError,
    _b64url,
    _nanoid,
    _not_found,
    _position,
    _uuid7,
)
from integrations.fakes.docmost.validation import (
    _is_bool,
    _is_email,
    _is_string,
    _is_uuid,
    _length,
    _limit,
    _matches,
    _not_empty,
    _one_of,
    _Validator,
)

__all__ = [
    "BASE62",
    "EMPTY_JSON_BODY",
    "FORMATS",
    "LOGIN_LIMIT",
    "LOGIN_WINDOW",
    "OPERATIONS",
    "PAGE_COLUMNS",
    "PERMISSIONS",
    "ROLES",
    "SLUG_RE",
    "TOKEN_LIFETIME",
    "UUID_RE",
    "Call",
    "FakeDocmost",
    "FakeError",
    "_markdown_to_json",
]


class FakeDocmost:
    """One self-hosted Docmost workspace with its `General` space and a service user, in memory."""

    def __init__(
        self,
        *,
        base_url: str = "http://docmost.test",
        email: str = "bridge@example.org",
        password: str = "fake-docmost-password",  # noqa: S107 - a fake, not a secret
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.email = email
        self.password = password
        self.calls: list[Call] = []
        self.logins = 0  # successful logins (tokens issued)
        self.latency = 0.0  # seconds added to every request (concurrency tests)
        self.ignore_content_updates = False  # Docmost with COLLAB_DISABLE_REDIS=true
        self.workspace_role = "admin"  # the service user's workspace role
        self.clock: Callable[[], float] = time.monotonic  # the login throttle's clock
        self._secret = secrets.token_bytes(32)
        self._sessions: dict[str, str] = {}  # token -> session id
        # The login throttle, per client address (the first X-Forwarded-For hop, Docmost trusts
        # the proxy): a window of LOGIN_WINDOW s from the first login, then a block as long.
        self._login_windows: dict[str, tuple[float, int]] = {}  # address -> (window start, hits)
        self._login_blocks: dict[str, float] = {}  # address -> blocked until
        self._client_address = "127.0.0.1"
        self._current_token = ""
        self._failures: list[tuple[int, Any, dict[str, str]]] = []
        self._lock = threading.RLock()
        self._last_now = datetime(2000, 1, 1, tzinfo=UTC)
        self.workspace_id = _uuid7()
        self.user = self._new_user("Bridge Service", email)
        self.other_user = self._new_user("Someone Else", "someone@example.org")
        self._spaces: dict[str, dict[str, Any]] = {}
        self._roles: dict[str, str] = {}  # space id -> the service user's role
        self._member_counts: dict[str, int] = {}
        self._pages: dict[str, dict[str, Any]] = {}
        self._contents: dict[str, tuple[str, Any]] = {}  # page id -> (format, value)
        self._deleted_by: dict[str, str] = {}
        self._next_position: dict[tuple[str, str | None], int] = {}
        self._shares: dict[str, dict[str, Any]] = {}  # page id -> share
        self.general = self._insert_space("General", "general", "", role="admin")

    # -- test helpers -----------------------------------------------------------------------------

    @property
    def pages(self) -> dict[str, dict[str, Any]]:
        """Every page by id (trashed ones included), live records."""
        return self._pages

    @property
    def spaces(self) -> dict[str, dict[str, Any]]:
        return self._spaces

    @property
    def shares(self) -> dict[str, dict[str, Any]]:
        """Public shares by page id."""
        return self._shares

    def content(self, page_id: str, kind: str = "markdown") -> Any:
        """A page's stored body rendered in `kind` (None when it never had content)."""
        return _render(self._contents.get(page_id), kind)

    def fail_next(
        self,
        status: int,
        times: int = 1,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next `times` requests with `status` (body: JSON value, or bytes as is)."""
        self._failures.extend([(status, body, headers or {})] * times)

    def expire_tokens(self) -> None:
        """Every issued token stops working (expired or revoked sessions)."""
        with self._lock:
            self._sessions.clear()

    def count(self, path: str) -> int:
        return sum(1 for call in self.calls if call.path == path)

    def add_foreign_space(self, name: str = "Elsewhere", slug: str | None = None) -> dict[str, Any]:
        """A space created by someone else, in which the service user has no role."""
        with self._lock:
            return self._insert_space(name, slug or _nanoid(8).lower(), "", role=None)

    def set_role(self, space_id: str, role: str | None) -> None:
        """The service user's role in a space (None: not a member)."""
        with self._lock:
            if role is None:
                self._roles.pop(space_id, None)
            else:
                self._roles[space_id] = role

    def add_page(
        self,
        space_id: str,
        title: str | None = "Page",
        *,
        markdown: str | None = None,
        parent_page_id: str | None = None,
        by_other_user: bool = False,
    ) -> dict[str, Any]:
        """Insert a page directly (no permission check), e.g. one written by a person."""
        with self._lock:
            creator = self.other_user if by_other_user else self.user
            content = ("markdown", markdown) if markdown is not None else None
            return self._insert_page(space_id, title, None, parent_page_id, content, creator)

    def snapshot(self) -> Any:
        """The stored data, to `restore()` later."""
        with self._lock:
            return copy.deepcopy(
                (
                    self._spaces,
                    self._roles,
                    self._member_counts,
                    self._pages,
                    self._contents,
                    self._deleted_by,
                    self._next_position,
                    self._shares,
                )
            )

    def restore(self, state: Any) -> None:
        with self._lock:
            (
                self._spaces,
                self._roles,
                self._member_counts,
                self._pages,
                self._contents,
                self._deleted_by,
                self._next_position,
                self._shares,
            ) = copy.deepcopy(state)
            self.calls.clear()
            self._failures.clear()
            self.latency = 0.0
            self.ignore_content_updates = False

    # -- transport entry point --------------------------------------------------------------------

    def handle(
        self,
        method: str,
        url: str,
        headers: CaseInsensitiveDict[str] | dict[str, str],
        body: bytes | str | None,
    ) -> tuple[int, dict[str, str], bytes]:
        if self.latency:
            time.sleep(self.latency)  # outside the lock: concurrent requests interleave
        with self._lock:
            headers = CaseInsensitiveDict(headers)
            path = urlsplit(url).path
            text = body.decode() if isinstance(body, bytes) else body or ""
            payload: Any = None
            invalid = False
            if text:
                try:
                    payload = json.loads(text)
                except ValueError:
                    invalid = True
            self.calls.append(Call(method, path, payload, dict(headers)))
            if self._failures:
                status, failure_body, failure_headers = self._failures.pop(0)
                if isinstance(failure_body, bytes):
                    return status, {"Content-Type": "text/html", **failure_headers}, failure_body
                default = FakeError(status).body if status >= 400 else {"success": True}
                return self._reply(status, failure_body or default, failure_headers)
            if invalid:
                return self._reply(400, FakeError(400, "Body is not valid JSON").body)
            if not text and "json" in headers.get("Content-Type", ""):
                return self._reply(400, EMPTY_JSON_BODY)  # Fastify refuses it
            extra: dict[str, str] = {}
            try:
                result = self._route(method, path, payload, headers, extra)
            except FakeError as exc:
                return self._reply(exc.status, exc.body, extra)
            envelope: dict[str, Any] = {"success": True, "status": 200}
            if result is not None:  # a void handler's `undefined` is dropped by JSON
                envelope = {"data": result, **envelope}
            return self._reply(200, envelope, extra)

    @staticmethod
    def _reply(
        status: int, body: Any, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        return (
            status,
            {"Content-Type": "application/json; charset=utf-8", **(headers or {})},
            json.dumps(body).encode(),
        )

    # -- routing ----------------------------------------------------------------------------------

    _ROUTES: dict[str, tuple[str, bool]] = {
        "/api/auth/login": ("_login", False),
        "/api/auth/logout": ("_logout", True),
        "/api/users/me": ("_me", True),
        "/api/spaces": ("_list_spaces", True),
        "/api/spaces/info": ("_space_info", True),
        "/api/spaces/create": ("_create_space", True),
        "/api/spaces/update": ("_update_space", True),
        "/api/pages/create": ("_create_page", True),
        "/api/pages/info": ("_page_info", True),
        "/api/pages/update": ("_update_page", True),
        "/api/pages/delete": ("_delete_page", True),
        "/api/pages/restore": ("_restore_page", True),
        "/api/pages/recent": ("_recent", True),
        "/api/pages/sidebar-pages": ("_sidebar_pages", True),
        "/api/shares/create": ("_create_share", True),
    }

    def _route(
        self,
        method: str,
        path: str,
        payload: Any,
        headers: CaseInsensitiveDict[str],
        extra: dict[str, str],
    ) -> Any:
        route = self._ROUTES.get(path.rstrip("/") or path)
        if route is None or method != "POST":
            raise FakeError(404, f"Cannot {method} {path}")
        handler, guarded = route
        forwarded = headers.get("X-Forwarded-For", "").split(",")[0].strip()
        self._client_address = forwarded or "127.0.0.1"
        if guarded:
            self._authenticate(headers)
        result = getattr(self, handler)(payload, extra=extra)
        return result

    def _authenticate(self, headers: CaseInsensitiveDict[str]) -> None:
        token = None
        cookies: dict[str, str] = {}
        for part in headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            cookies[name] = value
        if "authToken" in cookies:  # the cookie wins over a Bearer header
            token = cookies["authToken"]
        else:
            words = headers.get("Authorization", "").split()
            if len(words) == 2 and words[0].lower() == "bearer":
                token = words[1]
        if token is None or token not in self._sessions:
            raise FakeError(401)
        self._current_token = token

    # -- auth ------------------------------------------------------------------------------------

    def _issue_token(self) -> str:
        session_id = _uuid7()
        now = int(time.time())
        header = {"alg": "HS256", "typ": "JWT"}
        claims = {
            "sub": self.user["id"],
            "email": self.email,
            "workspaceId": self.workspace_id,
            "type": "access",
            "sessionId": session_id,
            "iat": now,
            "exp": now + int(TOKEN_LIFETIME.total_seconds()),
            "iss": "Docmost",
        }
        signing_input = ".".join(
            _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        signature = hmac.new(self._secret, signing_input.encode(), hashlib.sha256).digest()
        token = f"{signing_input}.{_b64url(signature)}"
        self._sessions[token] = session_id
        return token

    def _login(self, payload: Any, *, extra: dict[str, str]) -> Any:
        now, address = self.clock(), self._client_address
        blocked_until = self._login_blocks.get(address, 0.0)
        if blocked_until > now:  # only this header on a 429, no X-RateLimit-*
            extra["Retry-After-auth"] = str(max(_whole_seconds(blocked_until - now), 1))
            raise _Throttled()
        start, hits = self._login_windows.get(address, (now, 0))
        if start <= now - LOGIN_WINDOW:
            start, hits = now, 0
        hits += 1
        self._login_windows[address] = (start, hits)
        if hits > LOGIN_LIMIT:
            self._login_blocks[address] = now + LOGIN_WINDOW
            extra["Retry-After-auth"] = str(math.ceil(LOGIN_WINDOW))
            raise _Throttled()
        extra["X-RateLimit-Limit-auth"] = str(LOGIN_LIMIT)
        extra["X-RateLimit-Remaining-auth"] = str(LOGIN_LIMIT - hits)
        extra["X-RateLimit-Reset-auth"] = str(max(_whole_seconds(start + LOGIN_WINDOW - now), 1))
        check = _Validator(payload)
        check.field("email", _is_email, required=True)
        check.field("password", _is_string, _not_empty, required=True)
        fields = check.done()
        if not (
            fields["email"].lower() == self.email.lower()
            and secrets.compare_digest(fields["password"], self.password)
        ):
            raise FakeError(401, "Email or password does not match")
        token = self._issue_token()
        self.logins += 1
        expires = (datetime.now(UTC) + TOKEN_LIFETIME).strftime("%a, %d %b %Y %H:%M:%S GMT")
        extra["Set-Cookie"] = (
            f"authToken={token}; Path=/; HttpOnly; SameSite=Lax; Expires={expires}"
        )
        return None  # the token is in the cookie only

    def _logout(self, payload: Any, *, extra: dict[str, str]) -> Any:
        """Revokes the calling session (other sessions stay) and clears the cookie."""
        self._sessions.pop(self._current_token, None)
        extra["Set-Cookie"] = "authToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
        return None

    def _me(self, payload: Any, **_: Any) -> Any:
        now = self._stamp()
        user = {
            **{key: self.user[key] for key in ("id", "name", "email", "avatarUrl")},
            "emailVerifiedAt": None,
            "role": self.workspace_role,
            "workspaceId": self.workspace_id,
            "locale": "en-US",
            "timezone": "UTC",
            "settings": None,
            "lastLoginAt": now,
            "deactivatedAt": None,
            "createdAt": now,
            "updatedAt": now,
            "deletedAt": None,
            "hasGeneratedPassword": False,
        }
        workspace = {
            "id": self.workspace_id,
            "name": "Formation Hub",
            "hostname": None,
            "memberCount": 2,
        }
        return {"user": user, "workspace": workspace}

    # -- time, ids, users -------------------------------------------------------------------------

    def _now(self) -> datetime:
        """Strictly increasing, millisecond precision: each write gets its own `updatedAt`."""
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if now <= self._last_now:
            now = self._last_now + timedelta(milliseconds=1)
        self._last_now = now
        return now

    def _stamp(self) -> str:
        now = self._now()
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"

    def _new_user(self, name: str, email: str) -> dict[str, Any]:
        return {"id": _uuid7(), "name": name, "email": email, "avatarUrl": None}

    def _user_ref(self, user_id: str | None) -> dict[str, Any] | None:
        for user in (self.user, self.other_user):
            if user["id"] == user_id:
                return {"id": user["id"], "name": user["name"], "avatarUrl": None}
        return None

    # -- spaces -----------------------------------------------------------------------------------

    def _insert_space(
        self, name: str, slug: str, description: str, *, role: str | None
    ) -> dict[str, Any]:
        now = self._stamp()
        creator = self.user if role else self.other_user
        space = {
            "id": _uuid7(),
            "name": name,
            "description": description,
            "slug": slug,
            "logo": None,
            "visibility": "private",
            "defaultRole": "writer",
            "creatorId": creator["id"],
            "workspaceId": self.workspace_id,
            "createdAt": now,
            "updatedAt": now,
            "deletedAt": None,
            "settings": None,
            "isPersonal": False,
        }
        self._spaces[space["id"]] = space
        self._member_counts[space["id"]] = 1
        if role:
            self._roles[space["id"]] = role
        return space

    def _find_space(self, ref: str) -> dict[str, Any] | None:
        if UUID_RE.match(ref):
            return self._spaces.get(ref.lower())
        return next((s for s in self._spaces.values() if s["slug"].lower() == ref.lower()), None)

    def _role_in(self, space_id: str) -> str:
        """The service user's role; no role at all is a 404, as in Docmost."""
        role = self._roles.get(space_id)
        if role is None:
            raise _not_found("Space permissions not found")
        return role

    def _require(self, space_id: str, least: str) -> str:
        role = self._role_in(space_id)
        if ROLES.index(role) < ROLES.index(least):
            raise FakeError(403)
        return role

    def _slug_taken(self, slug: str) -> bool:
        return any(s["slug"].lower() == slug.lower() for s in self._spaces.values())

    def _space_out(self, space: dict[str, Any], *, membership: bool = False) -> dict[str, Any]:
        data = {**space, "memberCount": self._member_counts.get(space["id"], 1)}
        if membership:
            role = self._roles[space["id"]]
            data["membership"] = {
                "userId": self.user["id"],
                "role": role,
                "permissions": [{"action": a, "subject": s} for a, s in PERMISSIONS[role]],
            }
        return data

    def _list_spaces(self, payload: Any, **_: Any) -> Any:
        query, limit, cursor, _before = self._pagination(payload)
        rows = [
            s
            for s in self._spaces.values()
            if s["id"] in self._roles
            and (not query or query.lower() in (s["name"] + s["description"]).lower())
        ]
        rows.sort(key=lambda s: (s["name"], s["id"]))
        page, meta = self._cursor_page(rows, limit, cursor, ("name", "id"), descending=False)
        items = []
        for space in page:
            data = self._space_out(space)
            data["membership"] = {"userId": self.user["id"], "role": self._roles[space["id"]]}
            items.append(data)
        return {"items": items, "meta": meta}

    def _space_info(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("spaceId", _is_string, _not_empty, required=True)
        ref = check.done()["spaceId"]
        space = self._find_space(ref)
        if space is None:
            raise _not_found("Space not found")
        self._role_in(space["id"])
        return self._space_out(space, membership=True)

    def _create_space(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("name", _length(2, 100), required=True, transform=str.strip)
        check.field("slug", _length(2, 100), _matches(SLUG_RE), required=True)
        check.field("description", _is_string, _length(0, 500))
        fields = check.done()
        if self.workspace_role not in ("admin", "owner"):
            raise FakeError(403)
        if self._slug_taken(fields["slug"]):
            raise FakeError(400, "Space slug exists. Please use a unique space slug")
        space = self._insert_space(
            fields["name"], fields["slug"], fields.get("description") or "", role="admin"
        )
        return self._space_out(space)

    def _update_space(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("spaceId", _is_uuid, required=True)
        check.field("name", _length(2, 100), transform=str.strip)
        check.field("slug", _length(2, 100), _matches(SLUG_RE))
        check.field("description", _is_string, _length(0, 500))
        fields = check.done()
        space = self._spaces.get(fields["spaceId"].lower())
        if space is None:
            raise _not_found("Space permissions not found")
        self._require(space["id"], "admin")
        # Docmost checks the slug against every space, this one included (CONTRACT errata).
        if fields.get("slug") is not None and self._slug_taken(fields["slug"]):
            raise FakeError(400, "Space slug exists. Please use a unique space slug")
        for key in ("name", "slug", "description"):
            if fields.get(key) is not None:
                space[key] = fields[key]
        space["updatedAt"] = self._stamp()
        return self._space_out(space)

    # -- pages ------------------------------------------------------------------------------------

    def _insert_page(
        self,
        space_id: str,
        title: str | None,
        icon: str | None,
        parent_id: str | None,
        content: tuple[str, Any] | None,
        creator: dict[str, Any],
    ) -> dict[str, Any]:
        now = self._stamp()
        slot = (space_id, parent_id)
        index = self._next_position.get(slot, 0)
        self._next_position[slot] = index + 1
        page = {
            "id": _uuid7(),
            "slugId": _nanoid(10),
            "title": title,
            "icon": icon,
            "coverPhoto": None,
            "position": _position(index),
            "parentPageId": parent_id,
            "creatorId": creator["id"],
            "lastUpdatedById": creator["id"],
            "spaceId": space_id,
            "workspaceId": self.workspace_id,
            "isLocked": False,
            "isBase": False,
            "createdAt": now,
            "updatedAt": now,
            "deletedAt": None,
            "contributorIds": [],
        }
        self._pages[page["id"]] = page
        if content is not None:
            self._contents[page["id"]] = content
        return page

    def _find_page(self, ref: Any) -> dict[str, Any] | None:
        if not isinstance(ref, str):
            return None
        if UUID_RE.match(ref):
            return self._pages.get(ref.lower())
        return next((p for p in self._pages.values() if p["slugId"] == ref), None)

    def _page(self, ref: str) -> dict[str, Any]:
        page = self._find_page(ref)
        if page is None:
            raise _not_found("Page not found")
        return page

    def _permissions(self, page: dict[str, Any]) -> dict[str, Any]:
        role = self._roles.get(page["spaceId"], "reader")
        return {"canEdit": role != "reader", "hasRestriction": False}

    def _base(self, page: dict[str, Any]) -> dict[str, Any]:
        return {key: copy.deepcopy(page[key]) for key in PAGE_COLUMNS}

    def _space_ref(self, space_id: str) -> dict[str, Any]:
        space = self._spaces[space_id]
        return {"id": space["id"], "name": space["name"], "slug": space["slug"]}

    def _full(self, page: dict[str, Any], kind: str) -> dict[str, Any]:
        return {
            **self._base(page),
            "content": _render(self._contents.get(page["id"]), kind),
            "creator": self._user_ref(page["creatorId"]),
            "lastUpdatedBy": self._user_ref(page["lastUpdatedById"]),
            "contributors": [self._user_ref(uid) for uid in page["contributorIds"]],
            "deletedBy": self._user_ref(self._deleted_by.get(page["id"])),
            "space": self._space_ref(page["spaceId"]),
            "permissions": self._permissions(page),
        }

    def _children(self, page_id: str) -> list[dict[str, Any]]:
        return [p for p in self._pages.values() if p["parentPageId"] == page_id]

    def _subtree(self, page: dict[str, Any]) -> list[dict[str, Any]]:
        found, todo = [], [page]
        while todo:
            current = todo.pop()
            found.append(current)
            todo.extend(self._children(current["id"]))
        return found

    def _create_page(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("spaceId", _is_uuid, required=True)
        check.field("parentPageId", _is_string)
        check.field("title", _is_string)
        check.field("icon", _is_string)
        if isinstance(payload, dict) and "content" in payload:
            check.clean["content"] = payload["content"]
            # The DTO's default does not apply to an absent key: content needs an explicit format.
            check.field("format", _one_of(*FORMATS), required=True)
        else:
            check.field("format", _one_of(*FORMATS))
        fields = check.done()
        space_id = fields["spaceId"].lower()
        parent_id = None
        if fields.get("parentPageId"):
            parent = self._find_page(fields["parentPageId"])
            if parent is None or parent["deletedAt"] or parent["spaceId"] != space_id:
                raise _not_found("Parent page not found")
            parent_id = parent["id"]
        self._require(space_id, "writer")
        content = None
        if fields.get("content") is not None:
            content = _checked_content(fields["format"], fields["content"])
        page = self._insert_page(
            space_id, fields.get("title"), fields.get("icon"), parent_id, content, self.user
        )
        return {**self._base(page), "permissions": self._permissions(page)}

    def _page_info(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("pageId", _is_string, _not_empty, required=True)
        check.field("format", _one_of(*FORMATS))
        fields = check.done()
        page = self._page(fields["pageId"])
        self._role_in(page["spaceId"])
        return self._full(page, fields.get("format") or "json")

    def _update_page(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("pageId", _is_string, _not_empty, required=True)
        check.field("title", _is_string)
        check.field("icon", _is_string)
        with_content = isinstance(payload, dict) and "content" in payload
        if with_content:
            check.clean["content"] = payload["content"]
        # Content needs both: without `format` it is a 400 (CONTRACT errata), not a no-op.
        check.field("operation", _one_of(*OPERATIONS), required=with_content)
        check.field("format", _one_of(*FORMATS), required=with_content)
        fields = check.done()
        page = self._page(fields["pageId"])
        self._require(page["spaceId"], "writer")
        content = None
        if fields.get("content") is not None and fields.get("format"):
            content = _checked_content(fields["format"], fields["content"])
        for key in ("title", "icon"):
            if key in fields:
                page[key] = fields[key]
        page["updatedAt"] = self._stamp()
        page["lastUpdatedById"] = self.user["id"]
        if self.user["id"] not in page["contributorIds"]:
            page["contributorIds"].append(self.user["id"])
        # With the collaboration engine cut off (COLLAB_DISABLE_REDIS) every content update is
        # dropped silently.
        if content is not None and not self.ignore_content_updates:
            old = self._contents.get(page["id"])
            self._contents[page["id"]] = _combine(old, content, fields["operation"])
        full = self._full(page, fields.get("format") or "json")
        del full["deletedBy"]  # update's page object has none (info's has)
        return full

    def _delete_page(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("pageId", _is_string, _not_empty, required=True)
        check.field("permanentlyDelete", _is_bool)
        fields = check.done()
        if not UUID_RE.match(fields["pageId"]):
            raise FakeError(500)  # a slugId reaches a uuid column (CONTRACT errata)
        page = self._page(fields["pageId"])
        subtree = self._subtree(page)
        if fields.get("permanentlyDelete"):
            self._require(page["spaceId"], "admin")
            for node in subtree:
                del self._pages[node["id"]]
                self._contents.pop(node["id"], None)
                self._shares.pop(node["id"], None)
            return None
        self._require(page["spaceId"], "writer")
        now = self._stamp()
        for node in subtree:  # soft delete: the whole subtree, without bumping updatedAt
            if node["deletedAt"] is None:
                node["deletedAt"] = now
                self._deleted_by[node["id"]] = self.user["id"]
            self._shares.pop(node["id"], None)
        return None

    def _restore_page(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("pageId", _is_string, _not_empty, required=True)
        fields = check.done()
        if not UUID_RE.match(fields["pageId"]):
            raise FakeError(500)
        page = self._page(fields["pageId"])
        self._require(page["spaceId"], "writer")
        stamp = page["deletedAt"]
        for node in self._subtree(page):
            if node["deletedAt"] is not None and node["deletedAt"] == stamp:
                node["deletedAt"] = None
                self._deleted_by.pop(node["id"], None)
        return {**self._base(page), "hasChildren": bool(self._live_children(page["id"]))}

    def _live_children(self, page_id: str) -> list[dict[str, Any]]:
        return [p for p in self._children(page_id) if p["deletedAt"] is None]

    # -- lists ------------------------------------------------------------------------------------

    def _pagination(self, payload: Any, *more: str) -> tuple[str, int, str | None, str | None]:
        check = _Validator(payload)
        check.field("limit", _limit)
        check.field("cursor", _is_string)
        check.field("beforeCursor", _is_string)
        check.field("query", _is_string)
        for name in more:
            check.field(name, _is_uuid)
        fields = check.done()
        limit = int(fields.get("limit") or 20)
        return fields.get("query") or "", limit, fields.get("cursor"), fields.get("beforeCursor")

    @staticmethod
    def _encode_cursor(row: dict[str, Any], keys: tuple[str, ...]) -> str:
        text = "&".join(f"{key}={quote(str(row[key]), safe='')}" for key in keys)
        return _b64url(text.encode())

    @staticmethod
    def _decode_cursor(cursor: str, keys: tuple[str, ...]) -> tuple[str, ...]:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            text = base64.urlsafe_b64decode(padded.encode()).decode()
            values = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
            return tuple(values[key] for key in keys)
        except (ValueError, KeyError, UnicodeDecodeError):
            raise FakeError(500) from None  # Docmost's cursor parser throws

    def _cursor_page(
        self,
        rows: list[dict[str, Any]],
        limit: int,
        cursor: str | None,
        keys: tuple[str, ...],
        *,
        descending: bool,
        before: str | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """`rows` already sorted by `keys`; Docmost's meta exactly (CONTRACT §7.5)."""

        def key_of(row: dict[str, Any]) -> tuple[str, ...]:
            return tuple(str(row[k]) for k in keys)

        def after(row: dict[str, Any], mark: tuple[str, ...]) -> bool:
            return key_of(row) < mark if descending else key_of(row) > mark

        if cursor is None and before is not None:  # the page just before `before`
            mark = self._decode_cursor(before, keys)
            earlier = [row for row in rows if not after(row, mark) and key_of(row) != mark]
            page, has_next, has_prev = earlier[-limit:], True, len(earlier) > limit
        else:
            if cursor is not None:
                mark = self._decode_cursor(cursor, keys)
                rows = [row for row in rows if after(row, mark)]
            page = rows[: limit + 1]
            has_next, has_prev = len(page) > limit, cursor is not None  # CONTRACT §7.5
            page = page[:limit]
        meta = {
            "limit": limit,
            "hasNextPage": has_next,
            "hasPrevPage": has_prev,
            "nextCursor": self._encode_cursor(page[-1], keys) if has_next and page else None,
            "prevCursor": self._encode_cursor(page[0], keys) if has_prev and page else None,
        }
        return page, meta

    def _recent(self, payload: Any, **_: Any) -> Any:
        _query, limit, cursor, before = self._pagination(payload, "spaceId")
        space_id = payload.get("spaceId") if isinstance(payload, dict) else None
        if space_id:
            self._role_in(space_id.lower())
            spaces = {space_id.lower()}
        else:
            spaces = set(self._roles)
        rows = [p for p in self._pages.values() if p["spaceId"] in spaces and not p["deletedAt"]]
        rows.sort(key=lambda p: (p["updatedAt"], p["id"]), reverse=True)
        page, meta = self._cursor_page(
            rows, limit, cursor, ("updatedAt", "id"), descending=True, before=before
        )
        items = [{**self._base(p), "space": self._space_ref(p["spaceId"])} for p in page]
        return {"items": items, "meta": meta}

    def _sidebar_pages(self, payload: Any, **_: Any) -> Any:
        _query, limit, cursor, before = self._pagination(payload, "spaceId")
        fields = payload if isinstance(payload, dict) else {}
        page_id, space_id = fields.get("pageId"), fields.get("spaceId")
        if page_id is not None:
            if not isinstance(page_id, str) or not UUID_RE.match(page_id):
                raise FakeError(500)  # a slugId here reaches a uuid column
            parent = self._page(page_id)
            space_id, parent_id = parent["spaceId"], parent["id"]
        elif space_id:
            space_id, parent_id = space_id.lower(), None
        else:
            raise FakeError(400, "Either spaceId or pageId is required")
        role = self._role_in(space_id)
        rows = [
            p
            for p in self._pages.values()
            if p["spaceId"] == space_id and p["parentPageId"] == parent_id and not p["deletedAt"]
        ]
        rows.sort(key=lambda p: (p["position"], p["id"]))
        page, meta = self._cursor_page(
            rows, limit, cursor, ("position", "id"), descending=False, before=before
        )
        keys = ("id", "slugId", "title", "icon", "position", "parentPageId", "spaceId")
        items = [
            {
                **{key: p[key] for key in (*keys, "creatorId", "isBase", "deletedAt")},
                "hasChildren": bool(self._live_children(p["id"])),
                "canEdit": role != "reader",
            }
            for p in page
        ]
        return {"items": items, "meta": meta}

    # -- shares -----------------------------------------------------------------------------------

    def _create_share(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("pageId", _is_string, _not_empty, required=True)
        check.field("includeSubPages", _is_bool)
        check.field("searchIndexing", _is_bool)
        fields = check.done()
        page = self._page(fields["pageId"])
        self._require(page["spaceId"], "writer")
        if page["id"] in self._shares:  # idempotent: the existing share, unchanged
            return copy.deepcopy(self._shares[page["id"]])
        now = self._stamp()
        share = {
            "id": _uuid7(),
            "key": _nanoid(10, string.digits + string.ascii_lowercase),
            "pageId": page["id"],
            "includeSubPages": bool(fields.get("includeSubPages")),
            "searchIndexing": bool(fields.get("searchIndexing")),
            "creatorId": self.user["id"],
            "spaceId": page["spaceId"],
            "workspaceId": self.workspace_id,
            "createdAt": now,
            "updatedAt": now,
            "deletedAt": None,
        }
        self._shares[page["id"]] = share
        return copy.deepcopy(share)


def _whole_seconds(seconds: float) -> int:
    """Rounded up, ignoring float noise (30.000000000004 is 30)."""
    return math.ceil(round(seconds, 6))


class _Throttled(FakeError):
    def __init__(self) -> None:
        super().__init__(429)
        self.body = {"statusCode": 429, "message": "Too many requests"}
