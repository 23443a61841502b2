"""Retention: pruning the bridge's operational records (ages in config/settings/retention.py).

One service for the `sync.prune` beat task and `manage.py prune`. What is kept on purpose:
- dead letters (failed inbox events) and quarantined events, until an admin acknowledges their
  alert (the admin's *Acknowledge* action): the acknowledgement is the decision that nothing
  more will be done with them, so they then age like processed events, from that moment;
- an alert about an inbox event, while that event exists (it carries the acknowledgement);
- unacknowledged alerts, audit entries and sync runs, always.
"""

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from hub.models import Alert, EchoLedgerEntry, IdempotencyRecord
from sync.models import WebhookEvent

logger = logging.getLogger("bridge.sync")

EVENT_ALERTS = "webhook_event"  # Alert.entity of the alerts about an inbox event


@dataclass
class PruneResult:
    """Rows deleted (or, in a dry run, that would be), per kind of record."""

    processed_events: int = 0
    dead_letters: int = 0
    echo_ledger: int = 0
    idempotency_records: int = 0
    alerts: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def delete_in_batches(*, queryset: QuerySet[Model], batch_size: int, dry_run: bool = False) -> int:
    """Delete what `queryset` selects, `batch_size` rows per statement (each its own short
    transaction), so a large backlog never locks a table for long. Returns the rows deleted."""
    if dry_run:
        return queryset.count()
    model = queryset.model
    deleted = 0
    while True:
        batch = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not batch:
            return deleted
        count, _ = model._default_manager.filter(pk__in=batch).delete()
        deleted += count
        if len(batch) < batch_size:
            return deleted


def _event_alerts() -> QuerySet[Alert]:
    return Alert.objects.filter(entity=EVENT_ALERTS, entity_id=OuterRef("pk"))


def prunable_processed_events(*, now: datetime) -> QuerySet[WebhookEvent]:
    cutoff = now - timedelta(days=settings.RETENTION_DONE_EVENTS_DAYS)
    return WebhookEvent.objects.filter(
        status__in=[WebhookEvent.Status.DONE, WebhookEvent.Status.SKIPPED],
        received_at__lt=cutoff,
    )


def prunable_dead_letters(*, now: datetime) -> QuerySet[WebhookEvent]:
    """Failed and quarantined events whose alerts were all acknowledged, long enough ago."""
    cutoff = now - timedelta(days=settings.RETENTION_DONE_EVENTS_DAYS)
    alerts = _event_alerts()
    return WebhookEvent.objects.filter(
        Q(status__in=[WebhookEvent.Status.FAILED, WebhookEvent.Status.QUARANTINED]),
        Exists(alerts.filter(acknowledged_at__lt=cutoff)),
        ~Exists(alerts.filter(Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=cutoff))),
    )


def prunable_alerts(*, now: datetime) -> QuerySet[Alert]:
    cutoff = now - timedelta(days=settings.RETENTION_RESOLVED_ALERTS_DAYS)
    event_exists = WebhookEvent.objects.filter(pk=OuterRef("entity_id"))
    return Alert.objects.filter(acknowledged_at__lt=cutoff).exclude(
        Q(entity=EVENT_ALERTS) & Exists(event_exists)
    )


def retention_prune(*, now: datetime | None = None, dry_run: bool = False) -> PruneResult:
    """Prune everything past its retention age (see the module docstring)."""
    now = now or timezone.now()
    batch = settings.RETENTION_BATCH_SIZE
    echo_cutoff = now - timedelta(days=settings.RETENTION_ECHO_LEDGER_DAYS)
    idempotency_cutoff = now - timedelta(hours=settings.RETENTION_IDEMPOTENCY_HOURS)
    targets: dict[str, QuerySet[Model]] = {
        "processed_events": prunable_processed_events(now=now),
        "dead_letters": prunable_dead_letters(now=now),
        "echo_ledger": EchoLedgerEntry.objects.filter(created_at__lt=echo_cutoff),
        "idempotency_records": IdempotencyRecord.objects.filter(created_at__lt=idempotency_cutoff),
        # Last: alerts whose dead letter was just pruned may go in the same run.
        "alerts": prunable_alerts(now=now),
    }
    result = PruneResult(
        **{
            name: delete_in_batches(queryset=queryset, batch_size=batch, dry_run=dry_run)
            for name, queryset in targets.items()
        }
    )
    logger.info(
        "bridge.sync.pruned",
        extra={
            "dry_run": dry_run,
            "pruned_processed_events": result.processed_events,
            "pruned_dead_letters": result.dead_letters,
            "pruned_echo_ledger": result.echo_ledger,
            "pruned_idempotency_records": result.idempotency_records,
            "pruned_alerts": result.alerts,
        },
    )
    return result
