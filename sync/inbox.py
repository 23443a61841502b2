"""The inbox lifecycle: claim an event, keep its lease, process, defer, fail, replay, relay.

An event is claimed (attempt counted in the database, a short lease renewed while the worker
works), then handed to `sync.handlers.handle`. Failures leave the event pending with a capped,
jittered backoff (`next_attempt_at`) for the relay; after SYNC_MAX_ATTEMPTS it is dead-lettered
(`failed`) with its error and an alert. A row whose circuit is open defers the event to its
closing time, which is not a failed attempt.
"""

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from hub.errors import ApplicationError, ErrorCode
from hub.models import Alert
from integrations.baserow.client import BaserowUnavailable
from integrations.baserow.connection import baserow
from integrations.docmost.client import DocmostUnavailable
from sync import queue
from sync.handlers import Deferred, handle
from sync.ingress import KIND_ENTITY
from sync.models import WebhookEvent

# Failures expected to go away by themselves (logged without a traceback).
TRANSIENT: tuple[type[BaseException], ...] = (
    BaserowUnavailable,
    DocmostUnavailable,
    ApplicationError,
)


def lease() -> timedelta:
    """A claimed event not renewed for this long is relayed again (its worker vanished)."""
    return timedelta(seconds=settings.SYNC_LEASE_SECONDS)


def expected_table_id(kind: str) -> int | None:
    try:
        return baserow().mapping.table(KIND_ENTITY[kind]).table_id
    except Exception:  # mapping not loadable: the event is still stored and processed later
        return None


# -- lifecycle of an inbox event ------------------------------------------------------------------


def event_claim(event_id: int) -> WebhookEvent | None:
    """Take the event for processing (one worker at a time), counting the attempt."""
    with transaction.atomic():
        event = (
            WebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id)
            .filter(
                Q(status=WebhookEvent.Status.PENDING)
                | Q(status=WebhookEvent.Status.PROCESSING, next_attempt_at__lte=timezone.now())
            )
            .first()
        )
        if event is None:
            return None
        event.status = WebhookEvent.Status.PROCESSING
        event.attempts += 1
        event.next_attempt_at = timezone.now() + lease()
        event.save(update_fields=["status", "attempts", "next_attempt_at"])
    return event


def event_lease_renew(event: WebhookEvent) -> bool:
    """Extend the claim while its worker is alive; False once the claim is no longer its own."""
    return bool(
        WebhookEvent.objects.filter(
            pk=event.pk, status=WebhookEvent.Status.PROCESSING, attempts=event.attempts
        ).update(next_attempt_at=timezone.now() + lease())
    )


@contextmanager
def event_lease_kept(event: WebhookEvent) -> Iterator[None]:
    """Renew the event's lease from a heartbeat thread while the block runs: a slow event keeps
    its claim, a killed worker's claim lapses after one short lease."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.SYNC_LEASE_SECONDS / 4):
                if not event_lease_renew(event):
                    return
        finally:
            connection.close()  # this thread's own database connection

    heart = threading.Thread(target=beat, name=f"lease:{event.pk}", daemon=True)
    heart.start()
    try:
        yield
    finally:
        stop.set()
        heart.join()


def backoff_seconds(attempts: int) -> float:
    """Capped exponential backoff with jitter (half to full of the capped delay)."""
    capped = min(settings.CELERY_RETRY_BACKOFF_MAX, 15 * 2 ** max(0, attempts - 1))
    return capped * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security


def event_process(event: WebhookEvent) -> None:
    try:
        lines = handle(event)
    except Deferred as deferred:
        event_defer(event, deferred)
        return
    skipped = all(line.endswith("skipped") for line in lines)
    event.status = WebhookEvent.Status.SKIPPED if skipped else WebhookEvent.Status.DONE
    event.outcome = "\n".join(lines)
    event.processed_at = timezone.now()
    event.last_error = ""
    event.next_attempt_at = None
    event.save(update_fields=["status", "outcome", "processed_at", "last_error", "next_attempt_at"])


def event_defer(event: WebhookEvent, deferred: Deferred) -> None:
    """Back to pending until the circuit closes; a deferral is not a failed attempt."""
    event.status = WebhookEvent.Status.PENDING
    event.attempts = max(0, event.attempts - 1)
    event.next_attempt_at = deferred.until
    event.outcome = f"deferred until {deferred.until:%H:%M:%S}: {deferred}"
    event.save(update_fields=["status", "attempts", "next_attempt_at", "outcome"])


def event_fail(event: WebhookEvent, error: BaseException) -> bool:
    """Record a failed attempt; returns True when the event is now dead-lettered."""
    event.last_error = f"{type(error).__name__}: {error}"[:2000]
    final = event.attempts >= settings.SYNC_MAX_ATTEMPTS
    if final:
        event.status = WebhookEvent.Status.FAILED
        event.next_attempt_at = None
        Alert.objects.create(
            kind=Alert.Kind.SYNC_FAILED,
            entity="webhook_event",
            entity_id=event.pk,
            message=f"Inbox event {event.pk} ({event.kind}) failed {event.attempts} times: "
            f"{event.last_error}",
        )
    else:
        event.status = WebhookEvent.Status.PENDING
        event.next_attempt_at = timezone.now() + timedelta(seconds=backoff_seconds(event.attempts))
    event.save(update_fields=["last_error", "status", "next_attempt_at"])
    return final


def event_replay(*, event_id: int) -> WebhookEvent:
    """Back in the queue with a fresh attempt budget (admin action and API). Idempotent."""
    event = WebhookEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, f"No inbox event {event_id}.")
    if event.status == WebhookEvent.Status.QUARANTINED:
        raise ApplicationError(
            ErrorCode.CONFLICT, "A quarantined event cannot be replayed: its payload is malformed."
        )
    event.status = WebhookEvent.Status.PENDING
    event.attempts = 0
    event.next_attempt_at = None
    event.save(update_fields=["status", "attempts", "next_attempt_at"])
    event_pk = event.pk
    transaction.on_commit(lambda: queue.enqueue(queue.PROCESS_EVENT, event_pk), robust=True)
    return event


def events_due(now: Any = None) -> list[int]:
    """Pending events whose time has come, and claimed ones whose worker vanished."""
    now = now or timezone.now()
    fresh_limit = now - timedelta(seconds=settings.SYNC_RELAY_AFTER_SECONDS)
    pending = WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING)
    due = pending.filter(next_attempt_at__lte=now) | pending.filter(
        next_attempt_at__isnull=True, received_at__lte=fresh_limit
    )
    stuck = WebhookEvent.objects.filter(
        status=WebhookEvent.Status.PROCESSING, next_attempt_at__lte=now
    )
    return list((due | stuck).order_by("received_at").values_list("pk", flat=True)[:1000])


def sync_overview() -> dict[str, Any]:
    counts = dict(WebhookEvent.objects.values_list("status").annotate(n=Count("pk")))
    day_ago = timezone.now() - timedelta(hours=24)
    oldest = WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING).aggregate(
        oldest=Min("received_at")
    )["oldest"]
    return {
        "counts": {status: counts.get(status, 0) for status in WebhookEvent.Status.values},
        "failed_last_24h": WebhookEvent.objects.filter(
            status=WebhookEvent.Status.FAILED, received_at__gte=day_ago
        ).count(),
        "oldest_pending_at": oldest,
    }
