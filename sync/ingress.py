"""Baserow webhook ingress: verify → persist → enqueue on commit → answer 2xx fast.

Baserow does not sign webhooks; it can only send static custom headers. Each webhook carries a
high-entropy secret in `BASEROW_WEBHOOK_HEADER`, compared in constant time with every configured
secret (several at once, for rotation). A wrong or missing secret is 401 and nothing is stored.
Anything authenticated is stored before the answer: a malformed or unexpected payload is stored
as quarantined (once per distinct body) and still answered 2xx, because Baserow retries every
4xx/5xx and deactivates the webhook after the ninth failure. So every field is checked here, at
the door (`sync/payloads.py`), against what Baserow really sends: an event that passes is one the
processing task can read and the database can store.

Two kinds of delivery are answered without an inbox row: Baserow's test calls (`webhook_id`
null, row id 0: a person checking the webhook) and the empty `rows.updated` Baserow sends to a
linked table's webhooks when a linked row changed but no link did (`items: []`): noise, only
counted. Either carries nothing to sync.
"""

import base64
import hashlib
import hmac
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.http import HttpRequest
from prometheus_client import Counter

from hub.models import Alert
from sync import queue
from sync.models import WebhookEvent
from sync.payloads import (
    IGNORED_EVENTS,
    ROW_EVENTS,
    docmost_shape_problem,
    is_noise,
    is_test_call,
    parse_body,
    shape_problem,
)

logger = logging.getLogger("bridge.webhook")

RECEIVED = Counter(
    "webhook_events_received_total",
    "Baserow webhook deliveries, by kind and result (accepted, duplicate, quarantined, ignored, "
    "test: Baserow's test call, noise: an empty linked-table event).",
    ["kind", "result"],
)

# The seed's four kinds plus creation/update feeds for projets and formations, and the tâche and
# client feeds (their rows are shown on projet pages).
KIND_ENTITY = {
    "attribution-changed": "attribution",
    "intervention-changed": "intervention",
    "module-status-changed": "module",
    "projet-status-changed": "projet",
    "projet-changed": "projet",
    "formation-changed": "formation",
    "tache-changed": "tache",
    "client-changed": "client",
}
# Standard Webhooks timestamps are Unix seconds: ASCII digits only (str.isdigit accepts "²"),
# and short enough that int() stays cheap (a 400-digit number is no timestamp).
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
QUARANTINE_PREFIX = "quarantine-"


def _fingerprint(secret: str) -> str:
    """Names a configured secret in rate-limit keys without revealing it."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def webhook_credential(request: HttpRequest) -> str | None:
    """Which configured credential authenticates the request (a fingerprint), or None.

    The shared-secret header, or a valid Standard Webhooks signature. The answer is the
    webhook's own identity for rate limiting: unlike an address, a client cannot choose it.
    """
    presented = request.headers.get(settings.BASEROW_WEBHOOK_HEADER, "").encode()
    matched = None
    for secret in settings.BASEROW_WEBHOOK_SECRETS:  # no early exit: constant work per secret
        if hmac.compare_digest(presented, secret.encode()):
            matched = secret
    if matched is not None:
        return f"header:{_fingerprint(matched)}"
    return standard_signature_credential(request, settings.STANDARD_WEBHOOK_SECRETS)


def standard_signature_credential(request: HttpRequest, secrets: list[str]) -> str | None:
    """Standard Webhooks: `webhook-id`, `webhook-timestamp` (±5 min), `webhook-signature`.

    The fingerprint of the secret whose signature matches, or None. Every header is checked
    before use: a timestamp that is not a short run of ASCII digits is simply not valid.
    """
    message_id = request.headers.get("webhook-id", "")
    timestamp = request.headers.get("webhook-timestamp", "")
    signatures = request.headers.get("webhook-signature", "")
    if not (secrets and message_id and signatures and _TIMESTAMP.fullmatch(timestamp)):
        return None
    if abs(time.time() - int(timestamp)) > settings.STANDARD_WEBHOOK_TOLERANCE_SECONDS:
        return None
    signed = f"{message_id}.{timestamp}.".encode() + request.body
    presented = [
        part.split(",", 1)[1].encode() for part in signatures.split() if part.startswith("v1,")
    ]
    matched = None
    for secret in secrets:
        key = base64.b64decode(secret.removeprefix("whsec_"))
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
        for candidate in presented:  # bytes: compare_digest refuses non-ASCII str
            if hmac.compare_digest(candidate, expected):
                matched = secret
    return f"signature:{_fingerprint(matched)}" if matched is not None else None


@dataclass(frozen=True)
class Received:
    event: WebhookEvent | None  # None: answered without an inbox row (`result` says why)
    duplicate: bool
    result: str = ""


def _not_stored(kind: str, payload: dict[str, Any]) -> Received:
    """A test call or a noise event: answered 200, counted, logged, nothing else."""
    test = is_test_call(payload)
    result = "test" if test else "noise"
    RECEIVED.labels(kind, result).inc()
    logger.info(
        "bridge.webhook.test-call" if test else "bridge.webhook.noise",
        extra={"kind": kind, "event_type": payload["event_type"]},
    )
    return Received(None, duplicate=False, result=result)


# -- storing --------------------------------------------------------------------------------------


def _enqueue(event_id: int) -> None:
    try:
        queue.enqueue(queue.PROCESS_EVENT, event_id)
    except Exception:  # broker down: the row is safe, the relay will enqueue it later
        logger.warning("bridge.webhook.enqueue-failed", extra={"inbox_id": event_id}, exc_info=True)


def _first_delivery(
    exc: IntegrityError, *, webhook_id: int, event_id: str, batch_id: int
) -> WebhookEvent | None:
    """The inbox row a refused insert repeats, or None when the refusal is a fault.

    Only the inbox's uniqueness constraint means "delivered before". PostgreSQL names the
    violated constraint; SQLite (the embedded default) only says "UNIQUE constraint failed", so
    on both the row holding the delivery's key is looked up: there is one only if the key was
    already taken.
    """
    diag = getattr(exc.__cause__, "diag", None)
    if diag is not None and diag.constraint_name != "webhook_delivery_once":
        return None
    return WebhookEvent.objects.filter(
        webhook_id=webhook_id, event_id=event_id, batch_id=batch_id
    ).first()


def _store(*, kind: str, fields: dict[str, Any], body: bytes, key_extra: bytes = b"") -> Received:
    """Insert one inbox row (enqueued on commit when pending); a redelivery finds the first."""
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(kind=kind, **fields)
            if event.status == WebhookEvent.Status.PENDING:
                transaction.on_commit(lambda: _enqueue(event.pk), robust=True)
    except IntegrityError as exc:
        duplicate = _first_delivery(
            exc,
            webhook_id=fields.get("webhook_id", 0),
            event_id=fields["event_id"],
            batch_id=fields.get("batch_id", 0),
        )
        if duplicate is None:
            return _database_refused(kind=kind, body=body, exc=exc, key_extra=key_extra)
        logger.info("bridge.webhook.duplicate", extra={"inbox_id": duplicate.pk})
        RECEIVED.labels(kind, "duplicate").inc()
        return Received(duplicate, duplicate=True)
    except DataError as exc:
        return _database_refused(kind=kind, body=body, exc=exc, key_extra=key_extra)
    RECEIVED.labels(
        kind, "ignored" if event.status == WebhookEvent.Status.SKIPPED else "accepted"
    ).inc()
    logger.info(
        "bridge.webhook.accepted",
        extra={"inbox_id": event.pk, "event_type": event.event_type, "kind": kind},
    )
    return Received(event, duplicate=False)


def _database_refused(*, kind: str, body: bytes, exc: Exception, key_extra: bytes) -> Received:
    """Validation let through something the database refuses: keep it (raw) rather than 500."""
    logger.error("bridge.webhook.database-refused", extra={"kind": kind}, exc_info=True)
    problem = f"the database refused the event ({type(exc).__name__})"
    return _quarantine(kind=kind, body=body, payload=None, problem=problem, key_extra=key_extra)


def receive(kind: str, body: bytes, table_id_expected: int | None) -> Received:
    """Persist one authenticated delivery (committed before the caller answers)."""
    payload, problem = parse_body(body)
    if problem is None:
        problem = shape_problem(payload)
    if problem is None and (is_test_call(payload) or is_noise(payload)):  # before anything else
        return _not_stored(kind, payload)
    if (
        problem is None
        and payload["event_type"] in ROW_EVENTS
        and table_id_expected
        and payload["table_id"] != table_id_expected
    ):
        problem = (
            f"table {payload['table_id']} is not the {KIND_ENTITY[kind]} table "
            f"({table_id_expected}): check the webhook's URL in Baserow"
        )
    if problem is not None:
        return _quarantine(kind=kind, body=body, payload=payload, problem=problem)

    fields: dict[str, Any] = {
        "webhook_id": payload.get("webhook_id") or 0,
        "event_id": payload["event_id"],
        "batch_id": payload.get("batch_id") or 0,
        "event_type": payload["event_type"],
        "table_id": payload.get("table_id"),
        "payload": payload,
    }
    if payload["event_type"] in IGNORED_EVENTS:
        fields.update(status=WebhookEvent.Status.SKIPPED, outcome="schema/view event: ignored")
    return _store(kind=kind, fields=fields, body=body)


def _quarantine(
    *, kind: str, body: bytes, payload: Any, problem: str, key_extra: bytes = b""
) -> Received:
    """Store what cannot be processed, once per distinct delivery, and alert the admins once.

    The row's key is a hash of the kind and the body (plus `key_extra`, e.g. a message id), so
    Baserow's retries of one bad delivery find the first row instead of piling up alerts.
    """
    digest = hashlib.sha256(kind.encode() + b"\n" + key_extra + b"\n" + body).hexdigest()
    event_id = f"{QUARANTINE_PREFIX}{digest[:48]}"
    if isinstance(payload, dict):
        stored = payload
    else:  # the raw text, made storable (bytes → text, no NUL)
        stored = {"raw": body.decode(errors="replace").replace("\x00", "\ufffd")}
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                kind=kind,
                event_id=event_id,
                event_type=str(stored.get("event_type", ""))[:40],  # display only
                payload=stored,
                status=WebhookEvent.Status.QUARANTINED,
                last_error=problem,
            )
            Alert.objects.create(
                kind=Alert.Kind.WEBHOOK_QUARANTINED,
                message=f"Webhook delivery quarantined ({kind}): {problem}.",
                entity="webhook_event",
                entity_id=event.pk,
            )
    except IntegrityError as exc:
        again = _first_delivery(exc, webhook_id=0, event_id=event_id, batch_id=0)
        if again is None:
            raise
        RECEIVED.labels(kind, "duplicate").inc()
        logger.info("bridge.webhook.quarantined-again", extra={"inbox_id": again.pk})
        return Received(again, duplicate=True)
    RECEIVED.labels(kind, "quarantined").inc()
    logger.warning("bridge.webhook.quarantined", extra={"inbox_id": event.pk, "problem": problem})
    return Received(event, duplicate=False)


DOCMOST_KIND = "docmost-page"


def receive_docmost(request: HttpRequest) -> Received:
    """A signed Docmost page event (from a relay a deployment added): same inbox, same task."""
    body = request.body
    message_id = request.headers.get("webhook-id", "")
    payload, problem = parse_body(body)
    if problem is None:
        problem = docmost_shape_problem(payload, message_id)
    key_extra = message_id.encode()
    if problem is not None:
        return _quarantine(
            kind=DOCMOST_KIND, body=body, payload=payload, problem=problem, key_extra=key_extra
        )
    data = payload["data"]
    fields = {
        "event_id": message_id,
        "event_type": payload["type"],
        "payload": {**payload, "page_id": data.get("pageId") or data.get("id")},
    }
    return _store(kind=DOCMOST_KIND, fields=fields, body=body, key_extra=key_extra)
