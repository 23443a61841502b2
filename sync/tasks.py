"""Celery tasks of the sync: process one inbox event; relay the ones left pending; full sync and
reconciliation runs; poll Docmost; prune."""

import logging

from celery import shared_task
from prometheus_client import Counter

from hub.ledger import Actor
from sync import inbox
from sync.polling import poll_docmost

logger = logging.getLogger("bridge.sync")
RECONCILE_ACTOR = "sync (scheduled reconciliation)"

PROCESSED = Counter(
    "webhook_events_processed_total",
    "Inbox events processed, by kind and outcome (done, skipped, pending: deferred, retry, "
    "failed).",
    ["type", "outcome"],
)


@shared_task(name="sync.process_webhook_event", acks_late=True, reject_on_worker_lost=True)
def process_webhook_event(event_id: int) -> str:
    """Process one inbox event. Failures are recorded on the row and retried by the relay."""
    event = inbox.event_claim(event_id)
    if event is None:
        return "not pending"
    try:
        with inbox.event_lease_kept(event):
            inbox.event_process(event)
    except Exception as exc:  # any failure is recorded; the attempt counter bounds retries
        dead = inbox.event_fail(event, exc)
        PROCESSED.labels(event.kind, "failed" if dead else "retry").inc()
        logger.warning(
            "bridge.sync.event-failed",
            extra={"inbox_id": event.pk, "attempts": event.attempts, "dead_letter": dead},
            exc_info=not isinstance(exc, inbox.TRANSIENT),
        )
        return "dead-lettered" if dead else "will retry"
    PROCESSED.labels(event.kind, event.status).inc()
    return event.status


@shared_task(name="sync.relay_pending_events")
def relay_pending_events() -> int:
    """Beat task: re-enqueue due events (retries, broker outages at commit, vanished workers)."""
    due = inbox.events_due()
    for event_id in due:
        process_webhook_event.delay(event_id)
    if due:
        logger.info("bridge.sync.relayed", extra={"count": len(due)})
    return len(due)


@shared_task(name="sync.execute_sync_run", acks_late=True, reject_on_worker_lost=True)
def execute_sync_run(run_id: int) -> str:
    """A full sync or reconciliation; redelivered after a crash, it resumes from its cursor."""
    from sync.orchestration import sync_run_execute

    return sync_run_execute(run_id=run_id).status


@shared_task(name="sync.reconcile")
def reconcile() -> int | None:
    """Beat task: start a reconciliation unless one is running."""
    from hub.errors import ApplicationError
    from sync.models import SyncRun
    from sync.orchestration import sync_run_start

    try:
        return sync_run_start(
            kind=SyncRun.Kind.RECONCILIATION, actor=Actor.for_process(RECONCILE_ACTOR)
        ).pk
    except ApplicationError:
        return None


@shared_task(name="sync.prune")
def prune() -> dict[str, int]:
    """Beat task (daily): delete records past their retention age (sync/retention.py)."""
    from sync.retention import retention_prune

    return retention_prune().as_dict()


@shared_task(name="sync.poll_docmost")
def poll_docmost_task() -> dict[str, int]:
    """Beat task: poll Docmost for new or changed comptes rendus (sync/polling.py)."""
    return poll_docmost().as_dict()
