"""Baserow webhook ingress: verify → persist → enqueue on commit → answer 2xx fast.

Baserow does not sign webhooks; it can only send static custom headers. Each webhook carries a
high-entropy secret in `BASEROW_WEBHOOK_HEADER`, compared in constant time with every configured
secret (several at once, for rotation). A wrong or missing secret is 401 and nothing is stored.
Anything authenticated is stored before the answer: a malformed or unexpected payload is stored
as quarantined and still answered 2xx, because Baserow retries every 4xx/5xx and deactivates the
webhook after the ninth failure.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from prometheus_client import Counter

from sync.models import Alert, WebhookEvent

logger = logging.getLogger("bridge.webhook")

RECEIVED = Counter(
    "webhook_events_received_total",
    "Baserow webhook deliveries, by kind and result (accepted, duplicate, quarantined, ignored).",
    ["kind", "result"],
)

# The seed's four kinds plus creation/update feeds for projets and formations.
KIND_ENTITY = {
    "attribution-changed": "attribution",
    "intervention-changed": "intervention",
    "module-status-changed": "module",
    "projet-status-changed": "projet",
    "projet-changed": "projet",
    "formation-changed": "formation",
}
ROW_EVENTS = ("rows.created", "rows.updated", "rows.deleted")
IGNORED_EVENTS = (
    "field.created", "field.updated", "field.deleted",
    "view.created", "view.updated", "view.deleted", "view.rows_entered",
)  # fmt: skip


def secret_is_valid(request: HttpRequest) -> bool:
    """The shared-secret header, or a valid Standard Webhooks signature."""
    presented = request.headers.get(settings.BASEROW_WEBHOOK_HEADER, "")
    valid = False
    for secret in settings.BASEROW_WEBHOOK_SECRETS:  # no early exit: constant work per secret
        valid |= hmac.compare_digest(presented.encode(), secret.encode())
    return valid or standard_signature_is_valid(request, settings.STANDARD_WEBHOOK_SECRETS)


def standard_signature_is_valid(request: HttpRequest, secrets: list[str]) -> bool:
    """Standard Webhooks: `webhook-id`, `webhook-timestamp` (±5 min), `webhook-signature`."""
    message_id = request.headers.get("webhook-id", "")
    timestamp = request.headers.get("webhook-timestamp", "")
    signatures = request.headers.get("webhook-signature", "")
    if not (secrets and message_id and timestamp.isdigit() and signatures):
        return False
    if abs(time.time() - int(timestamp)) > settings.STANDARD_WEBHOOK_TOLERANCE_SECONDS:
        return False
    signed = f"{message_id}.{timestamp}.".encode() + request.body
    presented = [part.split(",", 1)[1] for part in signatures.split() if part.startswith("v1,")]
    valid = False
    for secret in secrets:
        key = base64.b64decode(secret.removeprefix("whsec_"))
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for candidate in presented:
            valid |= hmac.compare_digest(candidate, expected)
    return valid


@dataclass(frozen=True)
class Received:
    event: WebhookEvent
    duplicate: bool


def shape_problem(payload: Any) -> str | None:
    """Why an authenticated payload cannot be processed, or None when it has Baserow's shape."""
    if not isinstance(payload, dict):
        return "the body is not a JSON object"
    event_type = payload.get("event_type")
    if not isinstance(event_type, str):
        return "event_type is missing"
    if not isinstance(payload.get("event_id"), str) or not payload["event_id"]:
        return "event_id is missing"
    if event_type in IGNORED_EVENTS:
        return None
    if event_type not in ROW_EVENTS:
        return f"unknown event_type {event_type!r}"
    if not isinstance(payload.get("table_id"), int):
        return "table_id is missing"
    webhook_id = payload.get("webhook_id")
    if webhook_id is not None and not isinstance(webhook_id, int):
        return "webhook_id is not an integer"
    if event_type == "rows.deleted":
        ids = payload.get("row_ids")
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            return "row_ids must be a list of integers"
        return None
    items = payload.get("items")
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and isinstance(item.get("id"), int) for item in items
    ):
        return "items must be a list of rows with an integer id"
    old_items = payload.get("old_items")
    if old_items is not None and not isinstance(old_items, list):
        return "old_items must be a list"
    return None


def _enqueue(event_id: int) -> None:
    from sync.tasks import process_webhook_event

    try:
        process_webhook_event.delay(event_id)
    except Exception:  # broker down: the row is safe, the relay will enqueue it later
        logger.warning("bridge.webhook.enqueue-failed", extra={"inbox_id": event_id}, exc_info=True)


def receive(kind: str, body: bytes, table_id_expected: int | None) -> Received:
    """Persist one authenticated delivery (committed before the caller answers)."""
    try:
        payload: Any = json.loads(body)
    except ValueError:
        payload = None
        problem: str | None = "the body is not valid JSON"
    else:
        problem = shape_problem(payload)
    if (
        problem is None
        and payload["event_type"] not in IGNORED_EVENTS
        and table_id_expected
        and payload.get("table_id") != table_id_expected
    ):
        problem = (
            f"table {payload.get('table_id')} is not the {KIND_ENTITY[kind]} table "
            f"({table_id_expected}): check the webhook's URL in Baserow"
        )
    if problem is not None:
        return _quarantine(kind, body, payload, problem)

    fields = {
        "kind": kind,
        "webhook_id": payload.get("webhook_id") or 0,
        "event_id": payload["event_id"][:64],
        "batch_id": payload.get("batch_id") or 0,
        "event_type": payload["event_type"],
        "table_id": payload.get("table_id"),
        "payload": payload,
    }
    if payload["event_type"] in IGNORED_EVENTS:
        fields.update(status=WebhookEvent.Status.SKIPPED, outcome="schema/view event: ignored")
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(**fields)
            if event.status == WebhookEvent.Status.PENDING:
                transaction.on_commit(lambda: _enqueue(event.pk), robust=True)
    except IntegrityError:
        duplicate = WebhookEvent.objects.get(
            webhook_id=fields["webhook_id"],
            event_id=fields["event_id"],
            batch_id=fields["batch_id"],
        )
        logger.info("bridge.webhook.duplicate", extra={"inbox_id": duplicate.pk})
        RECEIVED.labels(kind, "duplicate").inc()
        return Received(duplicate, duplicate=True)
    RECEIVED.labels(
        kind, "ignored" if event.status == WebhookEvent.Status.SKIPPED else "accepted"
    ).inc()
    logger.info(
        "bridge.webhook.accepted",
        extra={"inbox_id": event.pk, "event_type": event.event_type, "kind": kind},
    )
    return Received(event, duplicate=False)


def _quarantine(kind: str, body: bytes, payload: Any, problem: str) -> Received:
    stored = (
        payload if isinstance(payload, dict) else {"raw": body[:10000].decode(errors="replace")}
    )
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            kind=kind,
            event_id=f"quarantine-{uuid.uuid4()}",
            event_type=str(stored.get("event_type", ""))[:40],
            payload=stored,
            status=WebhookEvent.Status.QUARANTINED,
            last_error=problem,
        )
        Alert.objects.create(
            kind=Alert.Kind.WEBHOOK_QUARANTINED,
            message=f"A {kind} webhook was quarantined: {problem}.",
            entity="webhook_event",
            entity_id=event.pk,
        )
    RECEIVED.labels(kind, "quarantined").inc()
    logger.warning("bridge.webhook.quarantined", extra={"inbox_id": event.pk, "problem": problem})
    return Received(event, duplicate=False)


DOCMOST_KIND = "docmost-page"


def receive_docmost(request: HttpRequest) -> Received:
    """A signed Docmost page event (from a relay a deployment added): same inbox, same task."""
    try:
        payload: Any = json.loads(request.body)
    except ValueError:
        payload = None
    data = payload.get("data") if isinstance(payload, dict) else None
    page_id = (data.get("pageId") or data.get("id")) if isinstance(data, dict) else None
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str) or not page_id:
        return _quarantine(
            DOCMOST_KIND,
            request.body,
            payload,
            'expected {"type": "page.…", "data": {"pageId": …}}',
        )
    fields = {
        "kind": DOCMOST_KIND,
        "event_id": request.headers.get("webhook-id", "")[:64],
        "event_type": payload["type"][:40],
        "payload": {**payload, "page_id": page_id},
    }
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(**fields)
            transaction.on_commit(lambda: _enqueue(event.pk), robust=True)
    except IntegrityError:
        duplicate = WebhookEvent.objects.get(webhook_id=0, event_id=fields["event_id"], batch_id=0)
        return Received(duplicate, duplicate=True)
    RECEIVED.labels(DOCMOST_KIND, "accepted").inc()
    return Received(event, duplicate=False)
