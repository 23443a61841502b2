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

import functools
import itertools
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from requests.structures import CaseInsensitiveDict

from integrations.fakes.baserow.errors import (
    FakeError,
    _field_error,
    _Invalid,
    _required,
    _rows_missing,
    _validation,
)
from integrations.fakes.baserow.models import (
    NUMBER_DISPLAY,
    TRUE_STRINGS,
    Call,
    FakeField,
    FakeTable,
    WebhookDelivery,
    WebhookSender,
    _defaults,
    _now_iso,
    _response_text,
    _user_field_names,
)
from integrations.fakes.baserow.validators import (
    NUMBER_CONTEXT,
    WEBHOOK_EVENT_TYPES,
    _drf_boolean,
    _drf_choice,
    _drf_number,
    _drf_string,
    _validated,
    _webhook_event_config,
    _webhook_events,
    _webhook_headers,
    _webhook_method,
)

# A compiled filter tree: (OR?, [(column, filter type, value)], [subtrees]).
_Compiled = tuple[bool, list[tuple["FakeField", Any, str]], list[Any]]


class FakeBaserow:
    """One Baserow workspace with one database, in memory."""

    def __init__(
        self,
        *,
        database_token: str = "fake-database-token-0123456789ab",  # noqa: S107 - a fake, not a secret
        email: str = "bridge@example.org",
        password: str = "fake-password",  # noqa: S107 - a fake, not a secret
        database_id: int = 1,
        base_url: str = "http://baserow.test",
    ) -> None:
        self.database_token = database_token
        self.email = email
        self.password = password
        self.database_id = database_id
        self.base_url = base_url
        self.tables: dict[int, FakeTable] = {}
        self.calls: list[Call] = []
        self.access_lifetime = 600.0
        self.latency = 0.0  # seconds added to every request (concurrency tests)
        self._access_tokens: dict[str, float] = {}
        self._refresh_tokens: set[str] = set()
        self._failures: list[tuple[int, Any, dict[str, str]]] = []
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self.webhook_listener: Callable[[dict[str, Any]], None] | None = None
        # Makes each call of the registered webhooks and answers its HTTP status (None: 200) or
        # raises OSError; None sends nothing (the listener above still hears every change).
        # Retries follow at once (Baserow waits 2**n s between them, CONTRACT 6.5).
        self.webhook_sender: WebhookSender | None = None
        self._outbox: list[WebhookDelivery] = []  # sent once the current request is answered
        self._call_ids = itertools.count(1)
        self.workspace_id = 1
        self.webhooks: dict[int, list[dict[str, Any]]] = {}  # table id -> webhook objects
        # BASEROW_WEBHOOKS_ALLOW_PRIVATE_ADDRESS: when set, webhook URLs are not validated at all.
        self.webhooks_allow_private_address = False
        # Whether Baserow could open a TCP connection to a webhook URL's host right now (it
        # checks at create/update time unless private addresses are allowed).
        self.webhook_url_reachable: Callable[[str], bool] = lambda _url: True
        self.webhooks_max_per_table = 20  # BASEROW_WEBHOOKS_MAX_PER_TABLE
        self.webhooks_max_retries = 8  # BASEROW_WEBHOOKS_MAX_RETRIES_PER_CALL
        self.webhooks_max_failures = 8  # BASEROW_WEBHOOKS_MAX_CONSECUTIVE_TRIGGER_FAILURES

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

    def snapshot(self) -> Any:
        """The stored data, to `restore()` later (tests build a data set once, reuse it often)."""
        import copy

        return copy.deepcopy((self.tables, self._ids, self.webhooks))

    def restore(self, state: Any) -> None:
        import copy

        self.tables, self._ids, self.webhooks = copy.deepcopy(state)
        self.calls.clear()
        self._failures.clear()
        self.latency = 0.0
        self.webhook_listener = None
        self.webhook_sender = None
        self._outbox.clear()

    def expire_jwts(self) -> None:
        self._access_tokens.clear()

    def table_by_name(self, name: str) -> FakeTable:
        return next(table for table in self.tables.values() if table.name == name)

    def webhook(self, webhook_id: int) -> dict[str, Any]:
        """The stored webhook object (tests read and change it directly)."""
        try:
            return self._find_webhook(webhook_id)[1]
        except FakeError:
            raise KeyError(webhook_id) from None

    def deactivate_webhook(self, webhook_id: int) -> None:
        """What Baserow does after the ninth consecutive failed call (CONTRACT 6.5)."""
        self.webhook(webhook_id).update(active=False, failed_triggers=8)

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

    def _send_outbox(self) -> None:
        """Deliver what the request queued, outside the lock (Baserow calls from its worker):
        an event's later batches only once its earlier ones went through."""
        with self._lock:
            outbox, self._outbox = self._outbox, []
        given_up: set[tuple[int | None, str]] = set()
        for delivery in outbox:
            key = (delivery.webhook_id, delivery.body["event_id"])
            if key not in given_up and not self._call_webhook(delivery):
                given_up.add(key)

    def _call_webhook(self, delivery: WebhookDelivery) -> bool:
        """One delivery and its retries (Baserow's tasks.call_webhook): each attempt first finds
        the webhook active (deleted or deactivated: nothing more is sent), is logged, and counts
        in `failed_triggers`; a success resets it, a failure once it reached the maximum
        deactivates the webhook. Whether the call finally went through."""
        if self.webhook_sender is None:
            return True
        for _attempt in range(self.webhooks_max_retries + 1):
            with self._lock:
                try:
                    webhook = self.webhook(delivery.webhook_id or 0)
                except KeyError:
                    return False
                if not webhook.get("active", True):
                    return False
            status, error = self._send(delivery)
            with self._lock:
                self._log_webhook_call(webhook, delivery, status, error)
                if status is not None and status < 400:
                    webhook["failed_triggers"] = 0
                    return True
                if webhook.get("failed_triggers", 0) < self.webhooks_max_failures:
                    webhook["failed_triggers"] = webhook.get("failed_triggers", 0) + 1
                else:
                    webhook["active"] = False
                    return False
        return False

    def _send(self, delivery: WebhookDelivery) -> tuple[int | None, str]:
        """(HTTP status, "") of one call, or (None, the error) when it could not be made."""
        assert self.webhook_sender is not None
        try:
            return self.webhook_sender(delivery) or 200, ""
        except OSError as exc:  # requests' errors included
            return None, str(exc)

    def _log_webhook_call(
        self, webhook: dict[str, Any], delivery: WebhookDelivery, status: int | None, error: str
    ) -> None:
        """One entry per event and batch, overwritten by its retries; the last 10 (errata 3)."""
        event_id, batch_id = delivery.body["event_id"], delivery.body.get("batch_id")
        calls = [
            call
            for call in webhook.setdefault("calls", [])
            if (call["event_id"], call.get("batch_id")) != (event_id, batch_id)
        ]
        calls.insert(
            0,
            {
                "id": next(self._call_ids),
                "event_id": event_id,
                "batch_id": batch_id,
                "event_type": delivery.headers["X-Baserow-Event"],
                "called_time": _now_iso(),
                "called_url": delivery.url,
                "request": delivery.request_text(),
                "response": _response_text(status),
                "response_status": status,
                "error": error,
            },
        )
        webhook["calls"] = calls[:10]

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

    def _authenticate(self, header: str | None, accepted: str) -> None:
        if accepted == "none":
            return
        words = (header or "").split()
        keyword = words[0].lower() if words else ""
        # A view that only has token authentication has no `WWW-Authenticate` to offer, so DRF
        # answers its authentication failures with 403 (tokens/check); the others with 401.
        status = 403 if accepted == "token" else 401
        if keyword == "token" and accepted in ("any", "token", "jwt+token-denied"):
            if len(words) != 2:
                detail = (
                    "Invalid token header. No token provided."
                    if len(words) < 2
                    else "Invalid token header. Token string should not contain spaces."
                )
                raise FakeError(status, "ERROR_INVALID_TOKEN_HEADER", detail)
            if not secrets.compare_digest(words[1], self.database_token):
                raise FakeError(
                    status, "ERROR_TOKEN_DOES_NOT_EXIST", "The provided token does not exist."
                )
            if accepted == "jwt+token-denied":  # field create checks a permission no token has
                raise FakeError(
                    401,
                    "ERROR_NO_PERMISSION_TO_TABLE",
                    "The token does not have permissions to the table.",
                )
            return
        # Token-only endpoints (tokens/check) do not recognise a JWT.
        if keyword == "jwt" and len(words) == 2 and accepted != "token":
            expires = self._access_tokens.get(words[1])
            if expires is None or expires < time.monotonic():
                raise FakeError(
                    401, "ERROR_INVALID_ACCESS_TOKEN", "Access token is expired or invalid."
                )
            return
        # No credentials this endpoint accepts (e.g. a Token on a JWT-only endpoint).
        raise FakeError(status, None, "Authentication credentials were not provided.")

    # -- auth endpoints ---------------------------------------------------------------------------

    def _issue_access(self) -> str:
        access = secrets.token_urlsafe(24)
        self._access_tokens[access] = time.monotonic() + self.access_lifetime
        return access

    def _token_auth(self, *, payload: Any, **_: Any) -> tuple[int, Any]:
        payload = payload or {}
        if payload.get("email") != self.email or payload.get("password") != self.password:
            raise FakeError(401, "ERROR_INVALID_CREDENTIALS", "Invalid e-mail address or password.")
        access, refresh = self._issue_access(), secrets.token_urlsafe(24)
        self._refresh_tokens.add(refresh)
        user = {"id": 1, "username": self.email, "first_name": "Bridge"}
        return 200, {
            "access_token": access,
            "refresh_token": refresh,
            "token": access,
            "user": user,
        }

    def _token_check(self, **_: Any) -> tuple[int, Any]:
        return 200, {"token": "OK"}

    def _token_refresh(self, *, payload: Any, **_: Any) -> tuple[int, Any]:
        if (payload or {}).get("refresh_token") not in self._refresh_tokens:
            raise FakeError(
                401, "ERROR_INVALID_REFRESH_TOKEN", "Refresh token is expired or invalid."
            )
        access = self._issue_access()
        return 200, {"access_token": access, "token": access}

    # -- tables and fields ------------------------------------------------------------------------

    def _database(self, database_id: int) -> None:
        if database_id != self.database_id:
            raise FakeError(
                404,
                "ERROR_APPLICATION_DOES_NOT_EXIST",
                f"The application {database_id} does not exist.",
            )

    def _table(self, table_id: int) -> FakeTable:
        table = self.tables.get(table_id)
        if table is None:
            raise FakeError(
                404, "ERROR_TABLE_DOES_NOT_EXIST", "The requested table does not exist."
            )
        return table

    def _list_tables(self, database_id: int, **_: Any) -> tuple[int, Any]:
        self._database(database_id)
        return 200, [
            {"id": t.id, "name": t.name, "order": i, "database_id": t.database_id}
            for i, t in enumerate(self.tables.values())
        ]

    def _create_table(self, database_id: int, *, payload: Any, **_: Any) -> tuple[int, Any]:
        self._database(database_id)
        payload = payload or {}
        name = payload.get("name")
        if not isinstance(name, str) or not name:
            raise _validation({"name": _required()})
        table = FakeTable(id=next(self._ids), name=name, database_id=database_id)
        self.tables[table.id] = table
        data = payload.get("data")
        if data and payload.get("first_row_header"):
            header = data[0]
            for index, column in enumerate(header):
                table.fields.append(
                    FakeField(
                        next(self._ids),
                        table.id,
                        str(column),
                        "text",
                        primary=index == 0,
                        order=index,
                    )
                )
        else:  # Baserow's example content
            table.fields += [
                FakeField(next(self._ids), table.id, "Name", "text", primary=True),
                FakeField(next(self._ids), table.id, "Notes", "long_text", order=1),
                FakeField(next(self._ids), table.id, "Active", "boolean", order=2),
            ]
            for _row in range(2):
                self._insert(table, {})
        return 200, {
            "id": table.id,
            "name": table.name,
            "order": len(self.tables),
            "database_id": database_id,
            "data_sync": None,
        }

    # -- webhooks (CONTRACT 6.1; Baserow's TableWebhook*RequestSerializer and WebhookHandler) -----

    def _list_webhooks(self, table_id: int, **_: Any) -> tuple[int, Any]:
        self._table(table_id)
        return 200, [_webhook_repr(webhook) for webhook in self.webhooks.get(table_id, [])]

    def _get_webhook(self, webhook_id: int, **_: Any) -> tuple[int, Any]:
        return 200, _webhook_repr(self._find_webhook(webhook_id)[1])

    def _find_webhook(self, webhook_id: int) -> tuple[int, dict[str, Any]]:
        for table_id, webhooks in self.webhooks.items():
            for webhook in webhooks:
                if webhook.get("id") == webhook_id:
                    return table_id, webhook
        raise FakeError(
            404, "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST", "The requested table webhook does not exist."
        )

    def _create_webhook(self, table_id: int, *, payload: Any, **_: Any) -> tuple[int, Any]:
        table = self._table(table_id)
        values = self._webhook_values(payload, create=True)
        if len(self.webhooks.get(table_id, [])) >= self.webhooks_max_per_table:
            raise FakeError(
                400,
                "ERROR_TABLE_WEBHOOK_MAX_LIMIT_EXCEEDED",
                "The maximally allowed webhooks per table has been exceeded. You can create a "
                f"maximum of {self.webhooks_max_per_table} webhooks.",
            )
        include_all = values.get("include_all_events", True)
        now = _now_iso()
        webhook: dict[str, Any] = {
            "id": next(self._ids),
            "events": [],
            "event_config": [],
            "headers": values.get("headers", {}),
            "calls": [],
            "created_on": now,
            "updated_on": now,
            "use_user_field_names": values.get("use_user_field_names", True),
            "url": values["url"],
            "request_method": values.get("request_method", "POST"),
            "name": values["name"],
            "include_all_events": include_all,
            "failed_triggers": 0,
            "active": True,
        }
        if not values.get("include_all_events"):  # Baserow's own test (errata 4: true → [])
            self._set_webhook_events(table, webhook, values.get("events"), values)
        self.webhooks.setdefault(table_id, []).append(webhook)
        return 200, _webhook_repr(webhook)

    def _update_webhook(self, webhook_id: int, *, payload: Any, **_: Any) -> tuple[int, Any]:
        table_id, webhook = self._find_webhook(webhook_id)
        table = self._table(table_id)
        values = self._webhook_values(payload, create=False)
        if not webhook.get("active", True) and values.get("active", False):
            webhook["failed_triggers"] = 0  # re-activating resets the failure counter
        old_include_all = webhook.get("include_all_events", True)
        for key in ("use_user_field_names", "url", "request_method", "name", "active"):
            if key in values:
                webhook[key] = values[key]
        if "include_all_events" in values:
            webhook["include_all_events"] = values["include_all_events"]
        if values.get("include_all_events", False) and not old_include_all:
            webhook["events"], webhook["event_config"] = [], []
        else:
            self._set_webhook_events(table, webhook, values.get("events"), values)
        if "headers" in values:  # the whole set is replaced
            webhook["headers"] = values["headers"]
        webhook["updated_on"] = _now_iso()
        return 200, _webhook_repr(webhook)

    def _delete_webhook(self, webhook_id: int, **_: Any) -> tuple[int, Any]:
        table_id, webhook = self._find_webhook(webhook_id)
        self.webhooks[table_id].remove(webhook)
        return 204, None

    def _set_webhook_events(
        self,
        table: FakeTable,
        webhook: dict[str, Any],
        events: list[str] | None,
        values: dict[str, Any],
    ) -> None:
        """Events keep their order; removed ones go, new ones are appended; field filters from
        `event_config` apply to the events the webhook has."""
        if events is not None:
            kept = [e for e in webhook.get("events", []) if e in events]
            webhook["events"] = kept + [e for e in events if e not in kept]
        filters = {
            c["event_type"]: c["fields"]
            for c in webhook.get("event_config", [])
            if c.get("fields") and c["event_type"] in webhook["events"]
        }
        field_ids = {f.id for f in table.fields}
        for config in values.get("event_config") or []:
            if config["event_type"] not in webhook["events"]:
                continue
            if "fields" not in config:  # Baserow reads config["fields"] unconditionally
                raise FakeError(500, None, "Server Error (500)")
            for field_id in config["fields"]:
                if field_id not in field_ids:
                    raise FakeError(
                        400,
                        "ERROR_TABLE_WEBHOOK_EVENT_CONFIG_FIELD_NOT_IN_TABLE",
                        f"The field {field_id} does not belong to the table.",
                    )
            filters[config["event_type"]] = list(config["fields"])
        webhook["event_config"] = [
            {"event_type": e, **({"fields": filters[e]} if filters.get(e) else {})}
            for e in webhook["events"]
        ]

    def _webhook_values(self, payload: Any, *, create: bool) -> dict[str, Any]:
        """The serializer's validation: every field's errors at once, unknown keys dropped."""
        if not isinstance(payload, dict):
            raise _validation(
                {
                    "non_field_errors": _field_error(
                        f"Invalid data. Expected a dictionary, but got {type(payload).__name__}."
                    )
                }
            )
        checks: tuple[tuple[str, Callable[[Any], Any]], ...] = (
            ("url", self._webhook_url),
            ("name", functools.partial(_drf_string, max_length=255)),
            ("request_method", _webhook_method),
            ("include_all_events", _drf_boolean),
            ("use_user_field_names", _drf_boolean),
            ("events", _webhook_events),
            ("event_config", _webhook_event_config),
            ("headers", _webhook_headers),
        ) + ((("active", _drf_boolean),) if not create else ())
        return _validated(payload, checks, required=("url", "name") if create else ())

    def _webhook_url(self, value: Any) -> str:
        url = _drf_string(value, max_length=2000)
        if self.webhooks_allow_private_address:
            return url
        from django.core.exceptions import ValidationError
        from django.core.validators import URLValidator

        try:
            URLValidator(code="invalid_url")(url)
        except ValidationError as exc:
            raise _Invalid(_field_error(str(exc.message), "invalid_url")) from None
        if not self.webhook_url_reachable(url):  # DNS, connection or private address refused
            raise _Invalid(_field_error("Invalid URL", "invalid_url"))
        return url

    def _test_call(self, table_id: int, *, payload: Any, **_: Any) -> tuple[int, Any]:
        """An unsaved webhook called once with a placeholder row (id 0), `webhook_id` null."""
        table = self._table(table_id)
        checks: tuple[tuple[str, Callable[[Any], Any]], ...] = (
            ("url", self._webhook_url),
            ("event_type", functools.partial(_drf_choice, choices=WEBHOOK_EVENT_TYPES)),
            ("request_method", _webhook_method),
            ("headers", _webhook_headers),
            ("use_user_field_names", _drf_boolean),
        )
        values = _validated(
            payload if isinstance(payload, dict) else {}, checks, required=("url", "event_type")
        )
        webhook = {
            "id": None,
            "url": values["url"],
            "request_method": values.get("request_method", "POST"),
            "headers": values.get("headers", {}),
            "use_user_field_names": values.get("use_user_field_names", True),
        }
        event_type, event_id = values["event_type"], str(uuid.uuid4())
        body = self._webhook_body(table, webhook, event_id, event_type)
        if event_type == "rows.deleted":
            body["row_ids"] = [0]
        elif event_type in ("rows.created", "rows.updated"):
            placeholder = self._serialize_values(
                table, 0, _defaults(table), webhook["use_user_field_names"]
            )
            placeholder["order"] = f"{Decimal(0):.20f}"
            body["items"] = [placeholder]
            if event_type == "rows.updated":
                body["old_items"] = [dict(placeholder)]
        delivery = self._delivery(webhook, event_type, event_id, body)
        status, _error = self._send(delivery) if self.webhook_sender else (200, "")
        return 200, {
            "request": delivery.request_text(),
            "response": _response_text(status) or "",
            "status_code": status,
            "is_unreachable": status is None,
        }

    # -- webhook deliveries (Baserow's rows/webhook_event_types.py and webhooks/tasks.py) ---------

    def _webhook_body(
        self, table: FakeTable, webhook: dict[str, Any], event_id: str, event_type: str
    ) -> dict[str, Any]:
        return {
            "table_id": table.id,
            "database_id": table.database_id,
            "workspace_id": self.workspace_id,
            "webhook_id": webhook["id"],
            "event_id": event_id,
            "event_type": event_type,
        }

    @staticmethod
    def _delivery(
        webhook: dict[str, Any], event_type: str, event_id: str, body: dict[str, Any]
    ) -> WebhookDelivery:
        headers = {
            **webhook.get("headers", {}),
            "Content-type": "application/json",
            "X-Baserow-Event": event_type,  # the originating event, even on a linked table
            "X-Baserow-Delivery": event_id,
        }
        return WebhookDelivery(
            webhook_id=webhook["id"],
            url=webhook["url"],
            method=webhook.get("request_method", "POST"),
            headers=headers,
            body=body,
        )

    @staticmethod
    def _webhook_wants(
        webhook: dict[str, Any], event_type: str, field_ids: set[int] | None
    ) -> bool:
        """Whether an active webhook is called for `event_type` (rows.updated: a field filter
        must meet the updated fields; a linked table's webhook: its related field)."""
        if not webhook.get("active", True):
            return False
        if webhook.get("include_all_events", True):
            return True
        if event_type not in webhook.get("events", []):
            return False
        config: dict[str, Any] = next(
            (c for c in webhook.get("event_config", []) if c["event_type"] == event_type), {}
        )
        fields = config.get("fields") or []
        return not fields or field_ids is None or bool(set(fields) & field_ids)

    def _serialize_values(
        self, table: FakeTable, row_id: int, values: dict[int, Any], user_field_names: bool
    ) -> dict[str, Any]:
        """A row as the API shows it, from stored values (a deleted row's too)."""
        data: dict[str, Any] = {"id": row_id, "order": f"{table.orders.get(row_id, 0):.20f}"}
        for column in table.fields:
            key = column.name if user_field_names else f"field_{column.id}"
            data[key] = self._read_value(column, values.get(column.id))
        return data

    def _queue_webhooks(
        self,
        table: FakeTable,
        event_type: str,
        params: dict[str, str],
        rows: dict[int, dict[int, Any]],
        *,
        old: dict[int, dict[int, Any]] | None = None,
        updated_field_ids: set[int] | None = None,
    ) -> None:
        """Queue the deliveries one change causes: the table's own webhooks, then the linked
        tables' (`rows`: the rows' current values, or a deleted row's last ones)."""
        if params.get("send_webhook_events", "true").lower() not in TRUE_STRINGS | {""}:
            return
        if self.webhook_listener is not None:
            change = self._event_rows(table, event_type, rows, old, _user_field_names(params))
            self.webhook_listener(
                {
                    "table_id": table.id,
                    "database_id": table.database_id,
                    "event_type": event_type,
                    **change,
                }
            )
        event_id = str(uuid.uuid4())
        for webhook in self.webhooks.get(table.id, []):
            if not self._webhook_wants(webhook, event_type, updated_field_ids):
                continue
            ufn = webhook.get("use_user_field_names", True)
            body = self._webhook_body(table, webhook, event_id, event_type)
            body |= self._event_rows(table, event_type, rows, old, ufn)
            self._outbox.append(self._delivery(webhook, event_type, event_id, body))
        self._queue_linked(table, event_type, event_id, rows, old)

    def _event_rows(
        self,
        table: FakeTable,
        event_type: str,
        rows: dict[int, dict[int, Any]],
        old: dict[int, dict[int, Any]] | None,
        user_field_names: bool,
    ) -> dict[str, Any]:
        """The rows of a change's body: `row_ids` of deleted rows, else `items` (and the
        updated rows' `old_items`)."""
        if event_type == "rows.deleted":
            return {"row_ids": list(rows)}
        change: dict[str, Any] = {
            "items": [
                self._serialize_values(table, i, v, user_field_names) for i, v in rows.items()
            ]
        }
        if old is not None:
            change["old_items"] = [
                self._serialize_values(table, i, v, user_field_names) for i, v in old.items()
            ]
        return change

    def _queue_linked(
        self,
        table: FakeTable,
        event_type: str,
        event_id: str,
        rows: dict[int, dict[int, Any]],
        old: dict[int, dict[int, Any]] | None,
    ) -> None:
        """Baserow picks a linked table's webhooks when the rows link there now (it compares
        with no previous value, and ignores which fields changed), then sends the related rows
        whose link really changed: often none, hence `items: []` with `total_count: 0`."""
        links: dict[int, list[FakeField]] = {}
        for column in table.fields:
            if (
                column.type == "link_row"
                and column.related_field_id is not None
                and column.link_table_id not in (None, table.id)
            ):
                links.setdefault(column.link_table_id or 0, []).append(column)
        for target_id, columns in links.items():
            if not any(values.get(c.id) for values in rows.values() for c in columns):
                continue
            target = self.tables[target_id]
            changed: set[int] = set()
            for row_id, values in rows.items():
                before = (old or {}).get(row_id, {})
                for column in columns:
                    changed |= set(values.get(column.id) or []) ^ set(before.get(column.id) or [])
            ids = sorted(
                (i for i in changed if i in target.rows), key=lambda i: (target.orders[i], i)
            )
            related = {c.related_field_id for c in columns if c.related_field_id is not None}
            for webhook in self.webhooks.get(target_id, []):
                if self._webhook_wants(webhook, "rows.updated", related):
                    self._queue_linked_batches(target, webhook, event_type, event_id, ids)

    def _queue_linked_batches(
        self,
        target: FakeTable,
        webhook: dict[str, Any],
        event_type: str,
        event_id: str,
        ids: list[int],
    ) -> None:
        ufn = webhook.get("use_user_field_names", True)
        batches = [ids[start : start + 200] for start in range(0, len(ids), 200)] or [[]]
        for number, chunk in enumerate(batches, start=1):
            body = self._webhook_body(target, webhook, event_id, "rows.updated")
            body["total_count"] = len(ids)
            if len(chunk) < len(ids):
                body |= {"offset": (number - 1) * 200, "batch_size": len(chunk)}
            body["items"] = [self._serialize_values(target, i, target.rows[i], ufn) for i in chunk]
            if len(batches) > 1:
                body["batch_id"] = number
            self._outbox.append(self._delivery(webhook, event_type, event_id, body))

    def _list_fields(self, table_id: int, **_: Any) -> tuple[int, Any]:
        return 200, [f.serialize() for f in self._table(table_id).fields]

    def _find_field(self, field_id: int) -> FakeField:
        for table in self.tables.values():
            for candidate in table.fields:
                if candidate.id == field_id:
                    return candidate
        raise FakeError(404, "ERROR_FIELD_DOES_NOT_EXIST", f"The field {field_id} does not exist.")

    def _apply_field_props(self, target: FakeField, payload: dict[str, Any]) -> None:
        if "number_decimal_places" in payload:
            target.decimals = int(payload["number_decimal_places"])
        if "number_negative" in payload:
            target.negative = bool(payload["number_negative"])
        for key in NUMBER_DISPLAY.keys() & payload.keys():
            target.number_display[key] = payload[key]
        if target.type == "number" and {"number_decimal_places", "number_negative"} & set(payload):
            self._alter_numbers(target)
        if "select_options" in payload:
            missing = [
                {} if "color" in o else {"color": _required()} for o in payload["select_options"]
            ]
            if any(missing):
                raise _validation({"select_options": missing})
            options = []
            for option in payload["select_options"]:
                option_id = option.get("id") or next(self._ids)
                options.append(
                    {
                        "id": option_id,
                        "value": option["value"],
                        "color": option["color"],
                    }
                )
            target.options = options

    def _alter_numbers(self, target: FakeField) -> None:
        """Baserow's ALTER COLUMN of a number field: `round(v, places)` (half away from zero),
        and `greatest(…, 0)` when negatives are no longer allowed: existing values are changed,
        silently (2.25 → 2.3 at 1 place, -1 → 0)."""
        table = self.tables.get(target.table_id)
        exponent = Decimal(1).scaleb(-target.decimals)
        for row in table.rows.values() if table else ():
            value = row.get(target.id)
            if isinstance(value, Decimal):
                value = value.quantize(exponent, rounding=ROUND_HALF_UP, context=NUMBER_CONTEXT)
                if value < 0 and not target.negative:
                    value = Decimal(0).quantize(exponent)
                row[target.id] = value

    def _create_field(self, table_id: int, *, payload: Any, **_: Any) -> tuple[int, Any]:
        table = self._table(table_id)
        payload = payload or {}
        name, field_type = payload.get("name"), payload.get("type")
        if not name or not field_type:
            raise _validation({"name": _required()})
        if any(f.name == name for f in table.fields):
            raise FakeError(
                400,
                "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS",
                "A field with that name already exists.",
            )
        new = FakeField(next(self._ids), table.id, name, field_type, order=len(table.fields))
        self._apply_field_props(new, payload)
        related: list[dict[str, Any]] = []
        if field_type == "link_row":
            target = self._table(int(payload.get("link_row_table_id") or 0))
            new.link_table_id = target.id
            if payload.get("has_related_field", True) and target.id != table.id:
                reverse_name = table.name
                while any(f.name == reverse_name for f in target.fields):
                    reverse_name += " - " + name
                reverse = FakeField(
                    next(self._ids),
                    target.id,
                    reverse_name,
                    "link_row",
                    order=len(target.fields),
                    link_table_id=table.id,
                    related_field_id=new.id,
                )
                new.related_field_id = reverse.id
                target.fields.append(reverse)
                related.append(reverse.serialize())
        table.fields.append(new)
        return 200, {**new.serialize(), "related_fields": related}

    def _update_field(self, field_id: int, *, payload: Any, **_: Any) -> tuple[int, Any]:
        target = self._find_field(field_id)
        payload = payload or {}
        if "name" in payload:
            target.name = payload["name"]
        if "type" in payload and payload["type"] != target.type:
            target.type = payload["type"]
        self._apply_field_props(target, payload)
        return 200, {**target.serialize(), "related_fields": []}

    # -- value representations --------------------------------------------------------------------

    def _read_value(self, column: FakeField, value: Any) -> Any:
        if column.type in ("email", "url", "phone_number"):
            return value or ""  # these columns store "" for empty, unlike text
        if column.type == "number":
            return None if value is None else f"{value:.{column.decimals}f}"
        if column.type == "boolean":
            return bool(value)
        if column.type == "date":
            return value.isoformat() if value else None
        if column.type == "single_select":
            return next((dict(o) for o in column.options if o["id"] == value), None)
        if column.type == "multiple_select":
            return [dict(o) for o in column.options if o["id"] in (value or [])]
        if column.type == "link_row":
            target = self.tables[column.link_table_id or 0]
            primary = next(f for f in target.fields if f.primary)
            links = []
            for row_id in value or []:
                if row_id in target.rows:
                    shown = self._read_value(primary, target.rows[row_id].get(primary.id))
                    links.append(
                        {
                            "id": row_id,
                            "value": "" if shown is None else str(shown),
                            "order": f"{target.orders[row_id]:.20f}",
                        }
                    )
            return links
        return value

    def _serialize_row(
        self, table: FakeTable, row_id: int, user_field_names: bool
    ) -> dict[str, Any]:
        row = table.rows[row_id]
        data: dict[str, Any] = {"id": row_id, "order": f"{table.orders[row_id]:.20f}"}
        for column in table.fields:
            key = column.name if user_field_names else f"field_{column.id}"
            data[key] = self._read_value(column, row.get(column.id))
        return data

    def _write_value(self, column: FakeField, raw: Any) -> Any:  # one branch per type
        if column.type in ("text", "long_text", "email", "phone_number", "url"):
            if raw is not None and not isinstance(raw, str):
                raise ValueError("Not a valid string.")
            return raw
        if column.type == "number":
            return _drf_number(raw, places=column.decimals, negative=column.negative)
        if column.type == "boolean":
            if isinstance(raw, bool):
                return raw
            return str(raw).lower() in TRUE_STRINGS | {"checked"}
        if column.type == "date":
            if raw in (None, ""):
                return None
            try:
                return date.fromisoformat(str(raw)[:10])
            except ValueError:
                raise ValueError(
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ) from None
        if column.type == "single_select":
            if raw is None:
                return None
            return self._option_id(column, raw)
        if column.type == "multiple_select":
            values = raw.split(",") if isinstance(raw, str) else (raw or [])
            return [self._option_id(column, v) for v in values]
        if column.type == "link_row":
            return self._link_ids(column, raw)
        return raw

    @staticmethod
    def _option_id(column: FakeField, raw: Any) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise ValueError("The provided value should be a valid integer or string")
        for option in column.options:
            if (
                isinstance(raw, int) and not isinstance(raw, bool) and option["id"] == raw
            ) or option["value"] == raw:
                return int(option["id"])
        # Raised past the serializer: the whole detail is this string, not a per-field list.
        raise _validation(f"The provided select option value '{raw}' is not a valid select option.")

    def _link_ids(self, column: FakeField, raw: Any) -> list[int]:
        if raw is None:
            return []
        values = [v.strip() for v in raw.split(",")] if isinstance(raw, str) else raw
        if not isinstance(values, list):
            raise ValueError("Expected a list of items but got type.")
        target = self.tables[column.link_table_id or 0]
        primary = next(f for f in target.fields if f.primary)
        ids: list[int] = []
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError("The provided value must be a list of valid integer or string.")
            if isinstance(value, int) or value.isdigit():
                row_id = int(value)
                if row_id in target.rows:  # an id that is not there is dropped silently
                    ids.append(row_id)
            else:
                found = [
                    rid for rid, row in target.rows.items() if str(row.get(primary.id)) == value
                ]
                if not found:
                    raise _validation(
                        f"The provided text value '{value}' doesn't match any row in the "
                        "linked table."
                    )
                ids.append(found[0])
        return ids

    def _resolve_values(
        self, table: FakeTable, values: Any, user_field_names: bool
    ) -> dict[int, Any]:
        if not isinstance(values, dict):
            raise _validation(
                {"non_field_errors": _field_error("Invalid data. Expected a dictionary.")}
            )
        by_key = {(f.name if user_field_names else f"field_{f.id}"): f for f in table.fields}
        resolved: dict[int, Any] = {}
        errors: dict[str, Any] = {}
        for key, raw in values.items():
            column = by_key.get(key)
            if column is None:
                continue  # unknown keys are ignored, as the DRF serializer does
            try:
                resolved[column.id] = self._write_value(column, raw)
            except ValueError as exc:
                errors[key] = _field_error(str(exc), getattr(exc, "code", "invalid"))
        if errors:  # DRF reports the fields in the serializer's (the table's) field order
            order = list(by_key)
            raise _validation(dict(sorted(errors.items(), key=lambda item: order.index(item[0]))))
        return resolved

    def _insert(self, table: FakeTable, values: dict[int, Any]) -> int:
        row_id = table.next_row_id
        table.next_row_id += 1
        table.rows[row_id] = _defaults(table)
        table.orders[row_id] = Decimal(row_id)
        self._write(table, row_id, values)
        return row_id

    def _write(self, table: FakeTable, row_id: int, values: dict[int, Any]) -> None:
        """Store values; a link is one relation seen from both tables, so the related field of
        each row linked or unlinked changes with it."""
        row = table.rows[row_id]
        for column in table.fields:
            if column.id not in values or column.type != "link_row":
                continue
            target = self.tables.get(column.link_table_id or 0)
            if target is None or column.related_field_id is None or target.id == table.id:
                continue
            before, after = set(row.get(column.id) or []), set(values[column.id] or [])
            for other in before - after:
                if other in target.rows:
                    linked = target.rows[other].get(column.related_field_id) or []
                    target.rows[other][column.related_field_id] = [i for i in linked if i != row_id]
            for other in sorted(after - before):
                if other in target.rows:
                    linked = target.rows[other].get(column.related_field_id) or []
                    if row_id not in linked:
                        target.rows[other][column.related_field_id] = [*linked, row_id]
        row.update(values)

    # -- filters and sorting ----------------------------------------------------------------------

    def _column(self, table: FakeTable, ref: Any, user_field_names: bool, error: str) -> FakeField:
        for column in table.fields:
            if str(ref) in (
                column.name if user_field_names else "",
                str(column.id),
                f"field_{column.id}",
            ):
                return column
        raise FakeError(400, error, f"The field {ref} was not found in the table.")

    def _compile(self, table: FakeTable, tree: dict[str, Any], ufn: bool) -> "_Compiled":
        """Resolve the filter tree's fields once, not once per row."""
        conditions = [
            (
                self._column(table, c.get("field"), ufn, "ERROR_FILTER_FIELD_NOT_FOUND"),
                c.get("type"),
                str(c.get("value", "")),
            )
            for c in tree.get("filters", [])
        ]
        groups = [self._compile(table, group, ufn) for group in tree.get("groups", [])]
        return str(tree.get("filter_type", "AND")).upper() == "OR", conditions, groups

    def _matches(self, row: dict[int, Any], compiled: "_Compiled") -> bool:
        is_or, conditions, groups = compiled
        if not conditions and not groups:
            return True
        results = itertools.chain(
            (self._condition(row, *condition) for condition in conditions),
            (self._matches(row, group) for group in groups),
        )
        return any(results) if is_or else all(results)

    def _check_filters(self, table: FakeTable, tree: Any, ufn: bool) -> None:
        """Baserow validates every filter up front, not only when a row is compared."""
        for condition in tree.get("filters", []):
            self._column(table, condition.get("field"), ufn, "ERROR_FILTER_FIELD_NOT_FOUND")
            kind = condition.get("type")
            if kind not in FILTER_TYPES:
                raise FakeError(
                    400,
                    "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
                    f"The view filter type {kind} doesn't exist.",
                )
        for group in tree.get("groups", []):
            self._check_filters(table, group, ufn)

    def _condition(self, row: dict[int, Any], column: FakeField, kind: Any, value: str) -> bool:
        cell = row.get(column.id)
        if kind in ("empty", "not_empty"):
            is_empty = self._read_value(column, cell) in (None, "", [], False)
            return is_empty if kind == "empty" else not is_empty
        if kind not in FILTER_TYPES:
            raise FakeError(
                400,
                "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
                f"The view filter type {kind} doesn't exist.",
            )
        if value == "" and kind != "boolean":
            return True  # Baserow ignores a filter without a value
        if kind in ("link_row_has", "link_row_has_not"):
            has = value.isdigit() and int(value) in (cell or [])
            return has if kind == "link_row_has" else not has
        if kind in ("single_select_equal", "single_select_not_equal"):
            equal = value.isdigit() and cell == int(value)
            return equal if kind == "single_select_equal" else not equal
        if kind == "single_select_is_any_of":
            return cell in {int(v) for v in value.split(",") if v.strip().isdigit()}
        if kind in ("multiple_select_has", "multiple_select_has_not"):
            has = value.isdigit() and int(value) in (cell or [])
            return has if kind == "multiple_select_has" else not has
        if kind == "boolean":
            return bool(cell) == (value.lower() in TRUE_STRINGS)
        if kind in ("higher_than", "lower_than", "higher_than_or_equal", "lower_than_or_equal"):
            if cell is None:
                return False
            try:
                bound = Decimal(value)
            except InvalidOperation:
                return False
            return {
                "higher_than": cell > bound,
                "lower_than": cell < bound,
                "higher_than_or_equal": cell >= bound,
                "lower_than_or_equal": cell <= bound,
            }[kind]
        if column.type == "number" and kind in ("equal", "not_equal"):
            try:
                equal = cell is not None and cell == Decimal(value)
            except InvalidOperation:
                equal = False
            return equal if kind == "equal" else not equal
        text = _text_of(self._read_value(column, cell))
        if kind == "equal":
            return text == value
        if kind == "not_equal":
            return text != value
        if kind == "contains":
            return value.lower() in text.lower()
        if kind == "contains_not":
            return value.lower() not in text.lower()
        raise FakeError(
            400, "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD", f"{kind} is not supported here."
        )

    def _filter_tree(self, params: dict[str, str]) -> dict[str, Any]:
        if "filters" in params:
            try:
                tree = json.loads(params["filters"])
            except ValueError:
                raise FakeError(
                    400,
                    "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
                    "The filters parameter is not valid JSON.",
                ) from None
            if not isinstance(tree, dict):
                raise FakeError(
                    400,
                    "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
                    "The filters parameter must be an object.",
                )
            return tree
        conditions = []
        for key, value in params.items():
            match = re.fullmatch(r"filter__(.+)__([a-z_]+)", key)
            if match:
                conditions.append({"field": match.group(1), "type": match.group(2), "value": value})
        return {
            "filter_type": params.get("filter_type", "AND"),
            "filters": conditions,
            "groups": [],
        }

    def _sort_key(self, table: FakeTable, column: FakeField, row_id: int) -> tuple[int, Any]:
        cell = table.rows[row_id].get(column.id)
        shown = self._read_value(column, cell)
        if shown in (None, "", []):
            return (0, "")
        if column.type == "number":
            return (1, cell)
        return (1, _text_of(shown).lower())

    # -- rows -------------------------------------------------------------------------------------

    def _list_rows(
        self, table_id: int, *, params: dict[str, str], parts: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ufn = _user_field_names(params)
        size_raw = params.get("size", "100")
        size = int(size_raw) if size_raw.isdigit() and int(size_raw) > 0 else 100
        if size > 200:
            raise FakeError(400, "ERROR_PAGE_SIZE_LIMIT", "The page size is limited to 200.")
        page_raw = params.get("page", "1")
        page = int(page_raw) if page_raw.isdigit() and int(page_raw) > 0 else 1
        tree = self._filter_tree(params)
        self._check_filters(table, tree, ufn)
        compiled = self._compile(table, tree, ufn)
        ids = [
            rid
            for rid in sorted(table.rows, key=lambda r: (table.orders[r], r))
            if self._matches(table.rows[rid], compiled)
        ]
        for ref in reversed([r for r in params.get("order_by", "").split(",") if r]):
            descending = ref.startswith("-")
            column = self._column(table, ref.lstrip("-+"), ufn, "ERROR_ORDER_BY_FIELD_NOT_FOUND")
            ids.sort(key=functools.partial(self._sort_key, table, column), reverse=descending)
        start = (page - 1) * size
        chunk = ids[start : start + size]
        base = f"{parts.scheme}://{parts.netloc}{parts.path}"

        def link(number: int) -> str:
            query = {k: v for k, v in params.items() if k != "page"} | {"page": str(number)}
            return f"{base}?{urlencode(sorted(query.items()))}"

        return 200, {
            "count": len(ids),
            "next": link(page + 1) if start + size < len(ids) else None,
            "previous": link(page - 1) if page > 1 and start < len(ids) + size else None,
            "results": [self._serialize_row(table, rid, ufn) for rid in chunk],
        }

    def _get_row(
        self, table_id: int, row_id: int, *, params: dict[str, str], **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        if row_id not in table.rows:
            raise _rows_missing([str(row_id)])
        return 200, self._serialize_row(table, row_id, _user_field_names(params))

    def _create_row(
        self, table_id: int, *, params: dict[str, str], payload: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ufn = _user_field_names(params)
        row_id = self._insert(table, self._resolve_values(table, payload or {}, ufn))
        row = self._serialize_row(table, row_id, ufn)
        self._queue_webhooks(table, "rows.created", params, {row_id: table.rows[row_id]})
        return 200, row

    def _update_row(
        self, table_id: int, row_id: int, *, params: dict[str, str], payload: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ufn = _user_field_names(params)
        values = self._resolve_values(table, payload or {}, ufn)  # the body first, then the row
        if row_id not in table.rows:
            raise _rows_missing([row_id])
        old = {row_id: dict(table.rows[row_id])}
        self._write(table, row_id, values)
        row = self._serialize_row(table, row_id, ufn)
        self._queue_webhooks(
            table,
            "rows.updated",
            params,
            {row_id: table.rows[row_id]},
            old=old,
            updated_field_ids=set(values),
        )
        return 200, row

    def _delete_row(
        self, table_id: int, row_id: int, *, params: dict[str, str], **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        removed = table.rows.pop(row_id, None)
        if removed is None:
            raise _rows_missing([str(row_id)])
        self._queue_webhooks(table, "rows.deleted", params, {row_id: removed})
        return 204, None

    @staticmethod
    def _batch_items(payload: Any) -> list[Any]:
        items = (payload or {}).get("items") if isinstance(payload, dict) else None
        if not isinstance(items, list) or not items:
            raise _validation({"items": _required()})
        if len(items) > 200:
            raise _validation(
                {
                    "items": _field_error(
                        "Ensure this field has no more than 200 elements.", "max_length"
                    )
                }
            )
        return items

    def _batch_create(
        self, table_id: int, *, params: dict[str, str], payload: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ufn = _user_field_names(params)
        resolved, errors = [], {}
        for index, item in enumerate(self._batch_items(payload)):
            try:
                resolved.append(self._resolve_values(table, item, ufn))
            except FakeError as exc:
                if isinstance(exc.body["detail"], str):
                    raise
                errors[str(index)] = exc.body["detail"]
        if errors:
            raise _validation({"items": errors})
        ids = [self._insert(table, values) for values in resolved]
        rows = [self._serialize_row(table, row_id, ufn) for row_id in ids]
        self._queue_webhooks(table, "rows.created", params, {i: table.rows[i] for i in ids})
        return 200, {"items": rows}

    def _checked_ids(self, table: FakeTable, ids: list[Any]) -> list[int]:
        if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
            raise _validation({"items": _field_error("A valid integer is required.")})
        if len(set(ids)) != len(ids):
            raise FakeError(400, "ERROR_ROW_IDS_NOT_UNIQUE", "The provided row ids are not unique.")
        missing = [i for i in ids if i not in table.rows]
        if missing:
            raise _rows_missing(missing)
        return ids

    def _batch_update(
        self, table_id: int, *, params: dict[str, str], payload: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ufn = _user_field_names(params)
        items = self._batch_items(payload)
        resolved, errors = [], {}
        for index, item in enumerate(items):
            try:
                values = (
                    {k: v for k, v in item.items() if k != "id"} if isinstance(item, dict) else item
                )
                resolved.append(self._resolve_values(table, values, ufn))
            except FakeError as exc:
                if isinstance(exc.body["detail"], str):
                    raise
                errors[str(index)] = exc.body["detail"]
        if errors:  # the body is validated before the rows are looked up
            raise _validation({"items": errors})
        ids = self._checked_ids(
            table, [item.get("id") if isinstance(item, dict) else None for item in items]
        )
        old = {i: dict(table.rows[i]) for i in ids}
        for row_id, values in zip(ids, resolved, strict=True):
            self._write(table, row_id, values)
        rows = [self._serialize_row(table, i, ufn) for i in ids]
        self._queue_webhooks(
            table,
            "rows.updated",
            params,
            {i: table.rows[i] for i in ids},
            old=old,
            updated_field_ids={f for values in resolved for f in values},
        )
        return 200, {"items": rows}

    def _batch_delete(
        self, table_id: int, *, params: dict[str, str], payload: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ids = self._checked_ids(table, self._batch_items(payload))
        removed = {row_id: table.rows.pop(row_id) for row_id in ids}
        self._queue_webhooks(table, "rows.deleted", params, removed)
        return 204, None


def http_webhook_sender(delivery: WebhookDelivery) -> int:
    """Make a webhook call over HTTP as Baserow's worker does (timeout 5 s, redirects followed)."""
    import requests

    return requests.request(
        delivery.method, delivery.url, headers=delivery.headers, json=delivery.body, timeout=5
    ).status_code


FILTER_TYPES = frozenset(
    {
        "equal", "not_equal", "contains", "contains_not", "link_row_has", "link_row_has_not",
        "single_select_equal", "single_select_not_equal", "single_select_is_any_of",
        "multiple_select_has", "multiple_select_has_not", "boolean", "higher_than", "lower_than",
        "higher_than_or_equal", "lower_than_or_equal", "empty", "not_empty",
    }
)  # fmt: skip


def _webhook_repr(webhook: dict[str, Any]) -> dict[str, Any]:
    """The API's webhook object; objects a test stored by hand get Baserow's defaults."""
    defaults: dict[str, Any] = {
        "events": [],
        "event_config": [],
        "headers": {},
        "calls": [],
        "use_user_field_names": True,
        "url": "",
        "request_method": "POST",
        "name": "",
        "include_all_events": True,
        "failed_triggers": 0,
        "active": True,
    }
    shown: dict[str, Any] = json.loads(json.dumps(defaults | webhook))  # callers never alias it
    for call in shown["calls"]:
        call.pop("batch_id", None)  # the log's key, not shown by the API
    return shown


def _text_of(shown: Any) -> str:
    if shown is None:
        return ""
    if isinstance(shown, dict):
        return str(shown.get("value", ""))
    if isinstance(shown, list):
        return ", ".join(_text_of(item) for item in shown)
    return str(shown)
