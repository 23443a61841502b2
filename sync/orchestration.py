"""Sync orchestration (seed section 6.8): force-sync one row, full sync, reconciliation.

A full sync streams Baserow 200 rows at a time (constant memory): per page of projets, one request
for the page, one for their tâches, the Docmost calls each page needs, and one batch write of the
ids back to Baserow, audited in the name of whoever asked for the run. Progress is saved on the
`SyncRun` row after every page, so a crashed run resumes where it stopped. A reconciliation is a
full sync plus: links whose row disappeared are flagged (pages are never deleted), deactivated
Baserow webhooks are detected (an alert: Baserow drops their queue, nothing is replayed), and cached
representations are dropped, healing whatever the missing events would have changed.
"""

import functools
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from domain.errors import NotFound
from hub import notifications
from hub.cache import cache_delete_pattern
from hub.errors import ApplicationError, ErrorCode
from hub.ledger import Actor, docmost_ids_write_back
from hub.locks import entity_locks
from hub.models import Alert
from hub.repository import Repository
from integrations.baserow.client import BaserowError
from integrations.docmost.client import DocmostError
from sync import inbox, pages, queue
from sync.models import EntityLink, SyncRun

logger = logging.getLogger("bridge.sync")
SYNCED_ENTITIES = ("formation", "projet")
WEBHOOK_TABLES = ("projet", "formation", "attribution", "intervention", "module", "tache", "client")
PAGE = 200

Progress = Callable[[SyncRun, int], None]


def force_sync(*, entity: str, row_id: int, actor: Actor) -> str:
    """Sync one projet or formation now, whatever the loop guards say (admin's choice); the ids
    written back are credited to `actor`."""
    Repository().get(entity, row_id)  # 404 for an unknown row
    handler = {"projet": pages.sync_projet, "formation": pages.sync_formation}[entity]
    return handler(row_id, actor=actor)


def sync_run_start(*, kind: str, actor: Actor, enqueue: bool = True) -> SyncRun:
    """A new run of `kind` (one at a time), queued as a task unless the caller runs it. Its
    writes are credited to `actor`, who asked for it."""
    running = SyncRun.objects.filter(status=SyncRun.Status.RUNNING, kind=kind).first()
    if running is not None:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"A {kind} run is already in progress (run {running.pk}); resume or wait for it.",
            details={"run_id": running.pk},
        )
    run = SyncRun.objects.create(
        kind=kind,
        entities=list(SYNCED_ENTITIES),
        requested_by_token_key_id=actor.token_key_id,
        requested_by_token_name=actor.token_name,
        request_id=actor.request_id,
    )
    if enqueue:
        _enqueue(run.pk)
    return run


def _enqueue(run_id: int) -> None:
    transaction.on_commit(lambda: queue.enqueue(queue.EXECUTE_RUN, run_id), robust=True)


def sync_run_resume(*, run_id: int, enqueue: bool = True) -> SyncRun:
    """Continue a stopped run from its cursor, still in the name of whoever started it."""
    run = SyncRun.objects.filter(pk=run_id).first()
    if run is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, f"No sync run {run_id}.")
    if run.status == SyncRun.Status.DONE:
        raise ApplicationError(ErrorCode.CONFLICT, f"Run {run_id} is finished.")
    run.status = SyncRun.Status.RUNNING
    run.save(update_fields=["status", "updated_at"])
    if enqueue:
        _enqueue(run.pk)
    return run


def sync_run_execute(*, run_id: int, progress: Progress | None = None) -> SyncRun:
    """Run (or resume) a full sync or reconciliation from its saved cursor."""
    run = SyncRun.objects.get(pk=run_id)
    if run.status != SyncRun.Status.RUNNING:
        return run
    repo = Repository()
    try:
        start = run.entities.index(run.cursor["entity"]) if run.cursor.get("entity") else 0
        for entity in run.entities[start:]:
            page = run.cursor.get("page", 1) if run.cursor.get("entity") == entity else 1
            while True:
                rows, total = repo.page(entity, page=page, per_page=PAGE)
                if not rows:
                    break
                if entity == "projet":
                    _sync_projets(repo, rows, run, _run_actor(run))
                else:
                    _sync_formations(rows, run, _run_actor(run))
                run.processed += len(rows)
                run.cursor = {"entity": entity, "page": page + 1}
                run.save()
                if progress is not None:
                    progress(run, total)
                if page * PAGE >= total:
                    break
                page += 1
            run.cursor = {"entity": entity, "page": 10**9}  # this entity is done
            run.save(update_fields=["cursor", "updated_at"])
        if run.kind == SyncRun.Kind.RECONCILIATION:
            _reconcile(repo, run)
    except Exception as exc:  # any failure leaves a resumable FAILED run, never a stuck RUNNING
        run.status = SyncRun.Status.FAILED
        run.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        run.save()
        logger.warning(
            "bridge.sync.run-failed",
            extra={"run_id": run.pk, "error": run.last_error},
            exc_info=not isinstance(exc, BaserowError | DocmostError),
        )
        return run
    run.status = SyncRun.Status.DONE
    run.finished_at = timezone.now()
    run.save()
    return run


def _run_actor(run: SyncRun) -> Actor:
    """Who the run's writes are credited to: whoever asked for the run."""
    return Actor(
        token_key_id=run.requested_by_token_key_id,
        token_name=run.requested_by_token_name or f"sync run {run.pk}",
        request_id=run.request_id,
    )


def _sync_projets(repo: Repository, projets: list[Any], run: SyncRun, actor: Actor) -> None:
    taches: dict[int, list[Any]] = defaultdict(list)
    for tache in repo.linked("tache", "projet", [p.id for p in projets]):
        if tache.projet is not None:
            taches[tache.projet.id].append(tache)
    write_backs: list[dict[str, Any]] = []
    for projet in projets:
        try:
            with entity_locks(f"sync:projet:{projet.id}"):
                outcome = pages.projet_page_ensure(projet, taches[projet.id])
        except (DocmostError, ApplicationError) as exc:
            run.errors += 1
            run.last_error = f"projet {projet.id}: {exc}"[:2000]
            continue
        if outcome.action in ("page created", "page adopted"):
            run.created += 1
        elif outcome.action == "page updated":
            run.updated += 1
        if outcome.write_back:
            write_backs.append({"id": projet.id, "docmost_page_id": outcome.link.docmost_page_id})
        if outcome.delivered:
            transaction.on_commit(
                functools.partial(notifications.notify_projet_delivered.delay, projet.id)
            )
    # One batch for the page: no webhooks, echo ledger, an audit entry per row.
    docmost_ids_write_back(entity="projet", items=write_backs, actor=actor)


def _sync_formations(formations: list[Any], run: SyncRun, actor: Actor) -> None:
    for formation in formations:
        try:
            outcome = pages.sync_formation(formation.id, actor=actor)
        except (DocmostError, ApplicationError, NotFound) as exc:
            run.errors += 1
            run.last_error = f"formation {formation.id}: {exc}"[:2000]
            continue
        if "space created" in outcome:
            run.created += 1
        elif "renamed" in outcome:
            run.updated += 1


def _reconcile(repo: Repository, run: SyncRun) -> None:
    for entity in SYNCED_ENTITIES:
        table_id = repo.mapping.table(entity).table_id
        alive = {row["id"] for row in repo.client.iter_rows(table_id)}  # ids only are kept
        gone = EntityLink.objects.filter(entity=entity, source_deleted_at__isnull=True).exclude(
            row_id__in=alive
        )
        run.flagged += gone.update(source_deleted_at=timezone.now())
    run.last_error = "; ".join(filter(None, [run.last_error, check_webhooks(repo)]))
    for pattern in ("personne:*", "projet:*", "formation:*"):  # drop what lost events changed
        cache_delete_pattern(pattern)


def check_webhooks(repo: Repository) -> str:
    """Alert on deactivated Baserow webhooks; returns a note when the check could not run."""
    if not (settings.BASEROW_URL and settings.BASEROW_EMAIL) and not repo.connection.is_demo:
        return "webhook check skipped: set BASEROW_EMAIL and BASEROW_PASSWORD (JWT needed)"
    try:
        for entity in WEBHOOK_TABLES:
            for webhook in repo.client.list_webhooks(repo.mapping.table(entity).table_id):
                if webhook.get("active", True):
                    continue
                failures = webhook.get("failed_triggers", "?")
                message = (
                    f"Baserow webhook {webhook.get('name')!r} on the {entity} table is "
                    f"deactivated ({failures} failed calls). Re-activate it in Baserow; "
                    "this reconciliation healed the events it dropped."
                )
                Alert.objects.get_or_create(
                    kind=Alert.Kind.WEBHOOK_DEACTIVATED,
                    entity=entity,
                    entity_id=webhook.get("id"),
                    acknowledged_at=None,
                    defaults={"message": message},
                )
    except BaserowError as exc:
        return f"webhook check failed: {exc}"
    return ""


@dataclass(frozen=True)
class SyncRunSummary:
    run_id: int
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    processed: int
    created: int
    updated: int
    flagged: int
    error_count: int
    last_error: str


def sync_run_summary(run: SyncRun) -> SyncRunSummary:
    return SyncRunSummary(
        run_id=run.pk,
        kind=run.kind,
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        processed=run.processed,
        created=run.created,
        updated=run.updated,
        flagged=run.flagged,
        error_count=run.errors,
        last_error=run.last_error,
    )


@dataclass(frozen=True)
class SyncStatus:
    """The inbox by status, its failures of the last 24 h and oldest pending event, the Celery
    queue's depth (None when unreadable) and the last runs."""

    counts: dict[str, int]
    failed_last_24h: int
    oldest_pending_at: datetime | None
    queue_depth: int | None
    last_runs: list[SyncRunSummary]


def sync_status(*, last_runs: int = 5) -> SyncStatus:
    return SyncStatus(
        **inbox.sync_overview(),
        queue_depth=queue_depth(),
        last_runs=[sync_run_summary(run) for run in SyncRun.objects.all()[:last_runs]],
    )


def queue_depth() -> int | None:
    """Messages waiting in the Celery queue (Redis broker), None when it cannot be read."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        return None
    try:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=0.5)
        return int(client.llen("celery"))
    except Exception:  # the status page must answer even when the broker does not
        return None
