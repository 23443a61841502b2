"""The webhook API (CONTRACT 6.1; Baserow's TableWebhook*RequestSerializer and WebhookHandler):
list, create, get, update, delete and test-call, with DRF validation and the URL check."""

import functools
import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from integrations.fakes.baserow.deliveries import DeliveriesMixin
from integrations.fakes.baserow.errors import FakeError, _field_error, _Invalid, _validation
from integrations.fakes.baserow.models import FakeTable, _defaults, _now_iso, _response_text
from integrations.fakes.baserow.validators import (
    WEBHOOK_EVENT_TYPES,
    _drf_boolean,
    _drf_choice,
    _drf_string,
    _validated,
    _webhook_event_config,
    _webhook_events,
    _webhook_headers,
    _webhook_method,
)


class WebhooksMixin(DeliveriesMixin):
    def deactivate_webhook(self, webhook_id: int) -> None:
        """What Baserow does after the ninth consecutive failed call (CONTRACT 6.5)."""
        self.webhook(webhook_id).update(active=False, failed_triggers=8)

    def _list_webhooks(self, table_id: int, **_: Any) -> tuple[int, Any]:
        self._table(table_id)
        return 200, [_webhook_repr(webhook) for webhook in self.webhooks.get(table_id, [])]

    def _get_webhook(self, webhook_id: int, **_: Any) -> tuple[int, Any]:
        return 200, _webhook_repr(self._find_webhook(webhook_id)[1])

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
