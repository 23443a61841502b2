"""Webhook deliveries (Baserow's rows/webhook_event_types.py and webhooks/tasks.py): what each
change queues for the table's and the linked tables' webhooks, and how the queue is sent once the
request is answered (retries, `failed_triggers`, deactivation, the call log)."""

import uuid
from typing import Any

from integrations.fakes.baserow.models import (
    TRUE_STRINGS,
    FakeField,
    FakeTable,
    WebhookDelivery,
    _now_iso,
    _response_text,
    _user_field_names,
)
from integrations.fakes.baserow.values import ValuesMixin


class DeliveriesMixin(ValuesMixin):
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


def http_webhook_sender(delivery: WebhookDelivery) -> int:
    """Make a webhook call over HTTP as Baserow's worker does (timeout 5 s, redirects followed)."""
    import requests

    return requests.request(
        delivery.method, delivery.url, headers=delivery.headers, json=delivery.body, timeout=5
    ).status_code
