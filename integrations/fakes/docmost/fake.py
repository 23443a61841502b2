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

import json
import time
from typing import Any
from urllib.parse import urlsplit

from requests.structures import CaseInsensitiveDict

from integrations.fakes.docmost.auth import AuthMixin
from integrations.fakes.docmost.content import _markdown_to_json
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
)
from integrations.fakes.docmost.pages import PagesMixin
from integrations.fakes.docmost.shares import SharesMixin
from integrations.fakes.docmost.spaces import SpacesMixin

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


class FakeDocmost(AuthMixin, SpacesMixin, PagesMixin, SharesMixin):
    """One self-hosted Docmost workspace with its `General` space and a service user, in memory.

    Its state, clock and lookups are in `state.py`, each resource's endpoints in its own mixin
    (auth, spaces, pages, shares); here are the request entry point and the route table that
    dispatches to them."""

    # -- test helpers -----------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        times: int = 1,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next `times` requests with `status` (body: JSON value, or bytes as is)."""
        self._failures.extend([(status, body, headers or {})] * times)

    def count(self, path: str) -> int:
        return sum(1 for call in self.calls if call.path == path)

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
