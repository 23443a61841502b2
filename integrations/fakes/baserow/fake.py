"""An in-process Baserow that follows `shared/contracts/baserow/CONTRACT.md`.

It serves the tests and the demo mode (no BASEROW_URL): `FakeBaserowAdapter` mounts it as the
transport of a `requests` session, so the real client code runs unchanged against it. It keeps
Baserow's observable behaviour: `Token` and `JWT` authentication and which endpoints take which,
the `{"error", "detail"}` error bodies and codes, page size (default 100, max 200, empty page past
the end) and batch (200) limits, `user_field_names`, the `filters` JSON and `filter__…` params,
`order_by`, decimal strings for numbers (validated on their text as Baserow's DecimalField does:
`"2.00"` is refused by a 1-place field, nothing is rounded; a field's new places or sign alter
the stored values as Baserow's ALTER does), `{id, value, color}` selects and `{id, value, order}`
links on read with ids or values on write (both sides of a link: the related field shows it
too), and `send_webhook_events`. Its webhook API (list, create, get, update, delete, test-call)
answers Baserow's objects, defaults, DRF validation errors, 404s, the 20-per-table limit and the
URL check (`webhook_url_reachable`, `webhooks_allow_private_address`).

Its registered webhooks deliver what Baserow 1.35.3 sends, through one mechanism: each change
queues its `WebhookDelivery`s, and once the request that caused it is answered `webhook_sender`
makes each call (`http_webhook_sender` over HTTP as Baserow's worker does; a test's callable
records them). The deliveries: one per webhook, all with the change's event id, rows keyed by
each webhook's `use_user_field_names`, its custom headers, `X-Baserow-Event` (the originating
event) and `X-Baserow-Delivery`; the linked-table `rows.updated` (the related rows whose link
changed, `total_count`, no `old_items`, batches of 200), and the empty ones (`items: []`,
`total_count: 0`) Baserow sends to a linked table's webhooks when the rows still link there but
no link changed; test calls have `webhook_id: null` and row id 0. A failed call (status >= 400
or an `OSError`) is retried at once with the same event id (Baserow waits 2**n s), each attempt
counts in `failed_triggers` (a success resets it), the ninth consecutive failure deactivates the
webhook, and the call log keeps one entry per event and batch (the last 10). `webhook_listener`
hears each change once, whatever webhooks exist (the rows keyed as the request's).

Every request is recorded in `calls`, so tests can assert exactly what the bridge asked for, and
`fail_next()` injects failures.
"""

import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from requests.structures import CaseInsensitiveDict

from integrations.fakes.baserow.auth import AuthMixin
from integrations.fakes.baserow.deliveries import http_webhook_sender
from integrations.fakes.baserow.errors import FakeError
from integrations.fakes.baserow.fields import FieldsMixin
from integrations.fakes.baserow.filters import FILTER_TYPES
from integrations.fakes.baserow.models import (
    COLORS,
    NUMBER_DISPLAY,
    TRUE_STRINGS,
    Call,
    FakeField,
    FakeTable,
    WebhookDelivery,
    WebhookSender,
)
from integrations.fakes.baserow.rows import RowsMixin
from integrations.fakes.baserow.tables import TablesMixin
from integrations.fakes.baserow.validators import (
    DRF_FALSE,
    DRF_TRUE,
    NUMBER_CONTEXT,
    NUMBER_MAX_WHOLE_DIGITS,
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_METHODS,
)
from integrations.fakes.baserow.webhooks import WebhooksMixin

__all__ = [
    "COLORS",
    "DRF_FALSE",
    "DRF_TRUE",
    "FILTER_TYPES",
    "NUMBER_CONTEXT",
    "NUMBER_DISPLAY",
    "NUMBER_MAX_WHOLE_DIGITS",
    "TRUE_STRINGS",
    "WEBHOOK_EVENT_TYPES",
    "WEBHOOK_METHODS",
    "Call",
    "FakeBaserow",
    "FakeError",
    "FakeField",
    "FakeTable",
    "WebhookDelivery",
    "WebhookSender",
    "http_webhook_sender",
]


class FakeBaserow(AuthMixin, TablesMixin, FieldsMixin, RowsMixin, WebhooksMixin):
    """One Baserow workspace with one database, in memory.

    Its state and lookups are in `state.py`, each resource's endpoints in its own mixin (auth,
    tables, fields, rows with their values and filters, webhooks and their deliveries); here are
    the request entry point and the route table that dispatches to them."""

    # -- test helpers -----------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next `times` requests with `status` (body: JSON object, or bytes as is)."""
        self._failures.extend([(status, body, headers or {})] * times)

    def count(self, method: str | None = None, path_prefix: str = "/api/database/rows/") -> int:
        return sum(
            1
            for call in self.calls
            if (method is None or call.method == method) and call.path.startswith(path_prefix)
        )

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
        try:
            return self._handle_locked(method, url, headers, body)
        finally:
            self._send_outbox()

    def _handle_locked(
        self,
        method: str,
        url: str,
        headers: CaseInsensitiveDict[str] | dict[str, str],
        body: bytes | str | None,
    ) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            parts = urlsplit(url)
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            payload: Any = None
            if body:
                try:
                    payload = json.loads(body)
                except ValueError:
                    return self._reply(
                        400, {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": "Invalid JSON."}
                    )
            self.calls.append(Call(method, parts.path, params, payload))
            if self._failures:
                status, failure_body, failure_headers = self._failures.pop(0)
                if isinstance(failure_body, bytes):
                    return status, {"Content-Type": "text/html", **failure_headers}, failure_body
                return self._reply(
                    status, failure_body or {"detail": "Injected failure."}, failure_headers
                )
            try:
                status, result = self._route(method, parts.path, params, payload, headers, parts)
            except FakeError as exc:
                return self._reply(exc.status, exc.body)
            return self._reply(status, result)

    @staticmethod
    def _reply(
        status: int, body: Any, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        if status == 204:
            return 204, dict(headers or {}), b""
        return (
            status,
            {"Content-Type": "application/json", **(headers or {})},
            json.dumps(body).encode(),
        )

    # -- routing ----------------------------------------------------------------------------------

    _ROUTES: tuple[tuple[str, str, str, str], ...] = (
        ("POST", r"/api/user/token-auth/", "_token_auth", "none"),
        ("POST", r"/api/user/token-refresh/", "_token_refresh", "none"),
        ("GET", r"/api/database/tokens/check/", "_token_check", "token"),
        ("GET", r"/api/database/tables/database/(\d+)/", "_list_tables", "jwt"),
        ("GET", r"/api/database/webhooks/table/(\d+)/", "_list_webhooks", "jwt"),
        ("POST", r"/api/database/webhooks/table/(\d+)/", "_create_webhook", "jwt"),
        ("GET", r"/api/database/webhooks/(\d+)/", "_get_webhook", "jwt"),
        ("PATCH", r"/api/database/webhooks/(\d+)/", "_update_webhook", "jwt"),
        ("DELETE", r"/api/database/webhooks/(\d+)/", "_delete_webhook", "jwt"),
        ("POST", r"/api/database/webhooks/table/(\d+)/test-call/", "_test_call", "jwt"),
        ("POST", r"/api/database/tables/database/(\d+)/", "_create_table", "jwt"),
        ("GET", r"/api/database/fields/table/(\d+)/", "_list_fields", "any"),
        ("POST", r"/api/database/fields/table/(\d+)/", "_create_field", "jwt+token-denied"),
        ("PATCH", r"/api/database/fields/(\d+)/", "_update_field", "jwt"),
        ("GET", r"/api/database/rows/table/(\d+)/", "_list_rows", "any"),
        ("POST", r"/api/database/rows/table/(\d+)/", "_create_row", "any"),
        ("POST", r"/api/database/rows/table/(\d+)/batch/", "_batch_create", "any"),
        ("PATCH", r"/api/database/rows/table/(\d+)/batch/", "_batch_update", "any"),
        ("POST", r"/api/database/rows/table/(\d+)/batch-delete/", "_batch_delete", "any"),
        ("GET", r"/api/database/rows/table/(\d+)/(\d+)/", "_get_row", "any"),
        ("PATCH", r"/api/database/rows/table/(\d+)/(\d+)/", "_update_row", "any"),
        ("DELETE", r"/api/database/rows/table/(\d+)/(\d+)/", "_delete_row", "any"),
    )

    def _route(
        self, method: str, path: str, params: dict[str, str], payload: Any, headers: Any, parts: Any
    ) -> tuple[int, Any]:
        path_matched = False
        for route_method, pattern, handler, auth in self._ROUTES:
            match = re.fullmatch(pattern, path)
            if not match:
                continue
            path_matched = True
            if route_method != method:
                continue
            self._authenticate(headers.get("Authorization"), auth)
            args = [int(group) for group in match.groups()]
            result: tuple[int, Any] = getattr(self, handler)(
                *args, params=params, payload=payload, parts=parts
            )
            return result
        if path_matched:
            raise FakeError(405, None, f'Method "{method}" not allowed.')
        raise FakeError(404, "URL_NOT_FOUND", f"The URL {path} was not found.")
