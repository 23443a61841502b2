"""Processing of inbox events: decide from current Baserow state, act once, never loop.

An event is claimed (attempt counted in the database, a short lease renewed while the worker
works), then each of its rows is handled:
- no-op `rows.updated` (the row exactly as before) and echoes of the bridge's own writes (echo
  ledger) are skipped;
- at most one sync per row state in 5 minutes: the state is the whole row Baserow sent, its
  links included, so a linked-table `rows.updated` (a tâche added to a projet) is a new state;
- more than SYNC_LOOP_THRESHOLD echoes for a row in a minute open its circuit (loop suspected,
  the admins are alerted): while it is open that row's events are deferred to its closing time,
  never dropped, and then applied from Baserow's current state;
- the handler re-reads the row from Baserow: the payload is only a hint, so out-of-order, late
  and duplicate deliveries converge on the current state, and a deleted row is never resurrected.
Failures leave the event pending with a capped, jittered backoff (`next_attempt_at`) for the relay;
after SYNC_MAX_ATTEMPTS it is dead-lettered (`failed`) with its error and an alert.
"""

import hashlib
import json
import logging
import random
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.dispatch import receiver
from django.utils import timezone

from domain.errors import NotFound
from domain.rollups import personne_capacity
from hub import notifications
from hub.cache import cache_invalidate_formation, cache_invalidate_personne, cache_invalidate_projet
from hub.echo import echo_matches
from hub.errors import ApplicationError, ErrorCode
from hub.ledger import Actor, docmost_ids_write_back
from hub.locks import entity_locks
from hub.models import Alert
from hub.repository import Repository
from hub.services.formations import formation_close_if_complete
from hub.services.interventions import alert_if_over_agency_capacity
from hub.services.projets import projet_statut_changed
from integrations.baserow.client import BaserowUnavailable
from integrations.baserow.connection import baserow
from integrations.docmost.client import DocmostError, DocmostUnavailable
from integrations.docmost.connection import docmost
from sync.ingress import KIND_ENTITY, is_noise, is_test_call
from sync.models import EntityLink, WebhookEvent

logger = logging.getLogger("bridge.sync")
SYNC_ACTOR = Actor(token_name="sync (Baserow webhook)")  # noqa: S106 - a label, not a secret
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


class Deferred(Exception):
    """A row of the event has its circuit open: the event waits until it closes."""

    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(reason)
        self.until = until


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
    from sync.tasks import process_webhook_event

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
    transaction.on_commit(lambda: process_webhook_event.delay(event_pk), robust=True)
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


# -- handling -------------------------------------------------------------------------------------


def _logical(entity: str, item: dict[str, Any]) -> dict[str, Any]:
    """A webhook row with the bridge's field names (only the mapped fields it carries)."""
    from integrations.baserow.schema import SCHEMA

    table = baserow().mapping.table(entity)
    return {name: item[table.name(name)] for name in SCHEMA[entity] if table.name(name) in item}


def row_state_digest(item: dict[str, Any]) -> str:
    """The row as Baserow sent it, every field and link (names and values shown) but its
    position: what the bridge may show of it, whatever the mapping names."""
    state = {key: value for key, value in item.items() if key != "order"}
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def _circuit_key(entity: str, row_id: int) -> str:
    return f"sync:{entity}:{row_id}:circuit"


def circuit_open_until(entity: str, row_id: int) -> datetime | None:
    """When the row's circuit closes, or None when it is closed."""
    until = caches["ratelimit"].get(_circuit_key(entity, row_id))
    if until is None or until <= time.time():
        return None
    return datetime.fromtimestamp(until, tz=timezone.get_current_timezone())


def echo_counted(entity: str, row_id: int) -> None:
    """One more echo of the bridge's own write for the row; past the threshold within a minute
    its circuit opens (once, with an alert): a loop is suspected somewhere."""
    counters = caches["ratelimit"]
    minute_key = f"sync:{entity}:{row_id}:echoes"
    counters.add(minute_key, 0, 60)
    try:
        seen = counters.incr(minute_key)
    except ValueError:  # expired between add and incr
        seen = 1
    if seen <= settings.SYNC_LOOP_THRESHOLD:
        return
    seconds = settings.SYNC_CIRCUIT_OPEN_SECONDS
    if counters.add(_circuit_key(entity, row_id), time.time() + seconds, seconds):
        Alert.objects.create(
            kind=Alert.Kind.LOOP_SUSPECTED,
            entity=entity,
            entity_id=row_id,
            message=f"{seen} echoes of the bridge's own writes for {entity} {row_id} within a "
            f"minute: its changes are held for {seconds // 60} min, then applied.",
        )


def _recently_synced(entity: str, row_id: int, digest: str) -> bool:
    return bool(caches["ratelimit"].get(f"sync:{entity}:{row_id}:last-synced") == digest)


def _mark_synced(entity: str, row_id: int, digest: str) -> None:
    """The row's last synced state: the same state again within the window is not re-synced
    (A → B → A still syncs the last A, since B came in between)."""
    caches["ratelimit"].set(
        f"sync:{entity}:{row_id}:last-synced", digest, settings.SYNC_IDENTICAL_WINDOW_SECONDS
    )


def handle(event: WebhookEvent) -> list[str]:
    if event.kind == "docmost-page":  # a signed Docmost page event
        from sync.polling import sync_docmost_page

        return [sync_docmost_page(str(event.payload["page_id"]))]
    payload = event.payload
    if is_test_call(payload):  # stored by an older bridge: nothing to do, whatever its type
        return ["Baserow test call: skipped"]
    if is_noise(payload):
        return ["no row (linked-table event): skipped"]
    entity = KIND_ENTITY[event.kind]
    if event.event_type == "rows.deleted":
        return [row_deleted(entity, row_id) for row_id in payload["row_ids"]]
    before = {item["id"]: item for item in payload.get("old_items") or [] if isinstance(item, dict)}
    lines: dict[int, str] = {}
    live: list[tuple[int, str]] = []
    for item in payload["items"]:
        row_id = item["id"]
        digest = row_state_digest(item)
        previous = before.get(row_id)
        if previous is not None and row_state_digest(previous) == digest:
            lines[row_id] = f"{entity} {row_id}: no change, skipped"
        elif echo_matches(
            entity=entity,
            row_id=row_id,
            item=_logical(entity, item),
            before=_logical(entity, previous) if previous is not None else None,
        ):
            if event.attempts <= 1:  # retries of one event are not a loop
                echo_counted(entity, row_id)
            lines[row_id] = f"{entity} {row_id}: echo of the bridge's own write, skipped"
        else:
            live.append((row_id, digest))
    for row_id, _digest in live:  # nothing is done while any of its rows is held
        until = circuit_open_until(entity, row_id)
        if until is not None:
            raise Deferred(until, f"{entity} {row_id}: circuit open (loop suspected)")
    for row_id, digest in live:
        if _recently_synced(entity, row_id, digest):
            lines[row_id] = f"{entity} {row_id}: identical sync within the last 5 minutes, skipped"
            continue
        created = event.event_type == "rows.created"
        if entity == "tache" and row_id in before:  # unlinked projets are told of nothing else
            old = _logical("tache", before[row_id]).get("projet") or []
            lines[row_id] = tache_changed(row_id, created, previous_projets=_link_ids(old))
        else:
            lines[row_id] = HANDLERS[entity](row_id, created)
        _mark_synced(entity, row_id, digest)
    return [lines[item["id"]] for item in payload["items"]]


def row_deleted(entity: str, row_id: int) -> str:
    """Nothing is deleted in Docmost: the link is flagged for an admin to decide."""
    updated = EntityLink.objects.filter(
        entity=entity, row_id=row_id, source_deleted_at__isnull=True
    ).update(source_deleted_at=timezone.now())
    if entity == "projet":
        cache_invalidate_projet(row_id)
    elif entity == "formation":
        cache_invalidate_formation(row_id)
    elif entity in ("attribution", "intervention"):
        cache_delete_pattern("personne:*")
    return f"{entity} {row_id}: deleted in Baserow" + (", page kept and flagged" if updated else "")


# -- per entity -----------------------------------------------------------------------------------


def _agency_space_id() -> str:
    link, _ = EntityLink.objects.get_or_create(entity="agency_space", row_id=0)
    if link.docmost_space_id:
        return link.docmost_space_id
    client = docmost().client
    try:
        space = client.create_space(
            name=settings.DOCMOST_AGENCY_SPACE_NAME, slug=settings.DOCMOST_AGENCY_SPACE_SLUG
        )
    except Exception:  # already there (created earlier, or by a person): adopt it
        space = client.get_space(settings.DOCMOST_AGENCY_SPACE_SLUG)
    link.docmost_space_id = space["id"]
    link.title = space.get("name", "")
    link.save(update_fields=["docmost_space_id", "title", "updated_at"])
    return link.docmost_space_id


# Every ASCII punctuation character: CommonMark (and Docmost's parser) reads each one
# backslash-escaped as itself, so no value can open a link, an image, emphasis or raw HTML.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(value: Any) -> str:
    """A Baserow value as literal text inside a Markdown line: whitespace (line breaks
    included) collapsed to single spaces, so it cannot start a block; punctuation escaped, so a
    `nom` such as `[x](javascript:…)` or `<img src=x onerror=…>` stays text in the page. Not for
    page titles: Docmost titles are plain text, escapes would show."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(value).split()))


def projet_markdown(projet: Any, client_name: str, taches: list[Any]) -> str:
    from hub.representations import num

    text = markdown_text
    lines = [
        f"# Projet {text(projet.nom)}",
        "",
        f"- **Client :** {text(client_name)}",
        f"- **Statut :** {text(projet.statut or '—')}",
        f"- **Charge estimée :** {num(projet.charge_estimee_h)} h",
        "",
        "## Tâches",
        "",
    ]
    for tache in sorted(taches, key=lambda t: t.id):
        done = "x" if tache.statut == "terminee" else " "
        lines.append(
            f"- [{done}] {text(tache.nom)} ({text(tache.statut or '—')}, "
            f"{num(tache.estimation_h)} h)"
        )
    if not taches:
        lines.append("Aucune tâche pour l'instant.")
    return "\n".join(lines) + "\n"


def _adopt_or_create_page(
    link: EntityLink, space_id: str, title: str, markdown: str
) -> tuple[str, bool]:
    """Create the page once, even if a previous attempt died after Docmost created it.
    Returns the page id and whether it was adopted (found, made by an attempt that died)."""
    client = docmost().client
    if link.state.get("creating"):
        for page in client.iter_recent_pages(space_id=space_id):
            if page.get("title") == title:
                # Its content may never have taken (a failed read-back): write it, verified.
                client.update_page(page_id=str(page["id"]), title=title, markdown=markdown)
                return str(page["id"]), True
    link.state = {**link.state, "creating": True}
    link.save(update_fields=["state", "updated_at"])  # committed before Docmost is called
    page = client.create_page(space_id=space_id, title=title, markdown=markdown)
    return str(page["id"]), False


@dataclass
class ProjetSyncOutcome:
    link: EntityLink
    action: str  # page created / page adopted / page updated / page already current
    write_back: bool  # Baserow's docmost_page_id differs from the page
    delivered: bool  # the projet just became livre


def projet_page_ensure(projet: Any, taches: list[Any]) -> ProjetSyncOutcome:
    """Create or refresh the projet's page from already fetched rows (no Baserow call here)."""
    client_name = projet.client.value if projet.client else "sans client"
    title = f"Projet {projet.nom} - {client_name}"
    markdown = projet_markdown(projet, client_name, taches)
    content_hash = hashlib.sha256(f"{title}\n{markdown}".encode()).hexdigest()
    link, _ = EntityLink.objects.get_or_create(entity="projet", row_id=projet.id)
    space_id = _agency_space_id()
    if not link.docmost_page_id:
        link.docmost_page_id, adopted = _adopt_or_create_page(link, space_id, title, markdown)
        link.docmost_space_id = space_id
        action = "page adopted" if adopted else "page created"
    elif link.state.get("hash") != content_hash:
        docmost().client.update_page(page_id=link.docmost_page_id, title=title, markdown=markdown)
        action = "page updated"
    else:
        action = "page already current"
    delivered = projet.statut == "livre" and link.state.get("statut") != "livre"
    link.title = title
    link.source_deleted_at = None
    link.state = {"statut": projet.statut, "hash": content_hash}
    link.save()
    return ProjetSyncOutcome(
        link=link,
        action=action,
        write_back=projet.docmost_page_id != link.docmost_page_id,
        delivered=delivered,
    )


def sync_projet(row_id: int, created: bool = False) -> str:
    """The projet's page in the agency space: created once, title and content kept current."""
    repo = Repository()
    with entity_locks(f"sync:projet:{row_id}"):
        try:
            projet = repo.get("projet", row_id)
        except NotFound:
            return row_deleted("projet", row_id) + " (not resurrected)"
        outcome = projet_page_ensure(projet, repo.linked("tache", "projet", [row_id]))
        if outcome.delivered:  # queued before anything else can fail: link.state says it is sent
            transaction.on_commit(lambda: notifications.notify_projet_delivered.delay(row_id))
        if outcome.write_back:
            docmost_ids_write_back(
                entity="projet",
                row_id=row_id,
                values={"docmost_page_id": outcome.link.docmost_page_id},
                actor=SYNC_ACTOR,
            )
        action = outcome.action + (", billing notice sent" if outcome.delivered else "")
        cache_invalidate_projet(row_id)
    return f"projet {row_id}: {action}"


def sync_formation(row_id: int, created: bool = False) -> str:
    """A Docmost space "[CFA] <nom>" per formation, with one page per bloc."""
    repo = Repository()
    client = docmost().client
    with entity_locks(f"sync:formation:{row_id}"):
        try:
            formation = repo.get("formation", row_id)
        except NotFound:
            return row_deleted("formation", row_id) + " (not resurrected)"
        name = f"[CFA] {formation.nom}"[:100]
        link, _ = EntityLink.objects.get_or_create(entity="formation", row_id=row_id)
        slug = f"cfa-{row_id}"
        if not link.docmost_space_id:
            try:
                space = client.create_space(name=name, slug=slug)
            except Exception:  # created by an attempt that died before saving: adopt it
                space = client.get_space(slug)
            link.docmost_space_id = space["id"]
            action = "space created"
        elif link.title != name:
            client.update_space(space_id=link.docmost_space_id, name=name)
            action = "space renamed"
        else:
            action = "space already current"
        link.title = name
        link.source_deleted_at = None
        link.save()
        blocs = repo.linked("bloc", "formation", [row_id])
        created_pages = 0
        for bloc in sorted(blocs, key=lambda b: (b.ordre, b.id)):
            bloc_link, _ = EntityLink.objects.get_or_create(entity="bloc", row_id=bloc.id)
            if not bloc_link.docmost_page_id:
                bloc_link.docmost_page_id, _adopted = _adopt_or_create_page(
                    bloc_link, link.docmost_space_id, bloc.nom, f"# {markdown_text(bloc.nom)}\n"
                )
                bloc_link.docmost_space_id = link.docmost_space_id
                created_pages += 1
            elif bloc_link.title != bloc.nom:
                client.update_page(page_id=bloc_link.docmost_page_id, title=bloc.nom)
            bloc_link.title = bloc.nom
            bloc_link.state = {}
            bloc_link.save()
            if bloc.docmost_page_id != bloc_link.docmost_page_id:
                docmost_ids_write_back(
                    entity="bloc",
                    row_id=bloc.id,
                    values={"docmost_page_id": bloc_link.docmost_page_id},
                    actor=SYNC_ACTOR,
                )
        if formation.docmost_space_id != link.docmost_space_id:
            docmost_ids_write_back(
                entity="formation",
                row_id=row_id,
                values={"docmost_space_id": link.docmost_space_id},
                actor=SYNC_ACTOR,
            )
        cache_invalidate_formation(row_id)
    return f"formation {row_id}: {action}, {created_pages} bloc page(s) created"


def attribution_changed(row_id: int, created: bool = False) -> str:
    """Caches, a capacity check (edits in Baserow bypass RG-02) and, if new, the formateur."""
    repo = Repository()
    try:
        attribution = repo.get("attribution", row_id)
    except NotFound:
        return row_deleted("attribution", row_id)
    notes = []
    if attribution.personne is not None:
        personne = repo.get("personne", attribution.personne.id)
        cache_invalidate_personne(personne.id)
        attributions = repo.linked("attribution", "personne", [personne.id])
        capacity = personne_capacity(personne, attributions, [])
        if capacity.heures_restantes_formation < 0:
            Alert.objects.create(
                kind=Alert.Kind.FORMATION_OVERCAPACITY,
                entity="personne",
                entity_id=personne.id,
                message=f"{personne.nom_prenom} dépasse sa capacité de formation de "
                f"{-capacity.heures_restantes_formation} h (modification faite dans Baserow).",
            )
            notes.append("formation over-capacity alert")
    if attribution.module is not None:
        module = repo.get("module", attribution.module.id)
        if module.bloc is not None:
            bloc = repo.get("bloc", module.bloc.id)
            if bloc.formation is not None:
                cache_invalidate_formation(bloc.formation.id)
    if created:
        transaction.on_commit(lambda: notifications.notify_attribution_created.delay(row_id))
        notes.append("formateur notified")
    return f"attribution {row_id}: caches invalidated" + "".join(f", {n}" for n in notes)


def intervention_changed(row_id: int, created: bool = False) -> str:
    repo = Repository()
    try:
        intervention = repo.get("intervention", row_id)
    except NotFound:
        return row_deleted("intervention", row_id)
    note = ""
    if intervention.personne is not None:
        personne = repo.get("personne", intervention.personne.id)
        cache_invalidate_personne(personne.id)
        interventions = repo.linked("intervention", "personne", [personne.id])
        if alert_if_over_agency_capacity(personne, interventions):
            note = ", agency over-capacity alert"
    if intervention.tache is not None:
        tache = repo.get("tache", intervention.tache.id)
        if tache.projet is not None:
            cache_invalidate_projet(tache.projet.id)
    return f"intervention {row_id}: caches invalidated{note}"


def _link_ids(value: Any) -> list[int]:
    return [item["id"] if isinstance(item, dict) else int(item) for item in value or []]


def tache_changed(
    row_id: int, created: bool = False, previous_projets: list[int] | None = None
) -> str:
    """A tâche is shown on its projet's page: re-sync that page, and the page of the projet it
    left (`previous_projets`, from `old_items`): Baserow tells a projet's webhooks of a tâche
    moved to it or deleted, never of a tâche unlinked from it."""
    try:
        tache = Repository().get("tache", row_id)
    except NotFound:
        return f"tache {row_id}: deleted in Baserow"
    projets = [tache.projet.id] if tache.projet is not None else []
    projets += [p for p in previous_projets or [] if p not in projets]
    if not projets:
        return f"tache {row_id}: no projet"
    return f"tache {row_id}: " + "; ".join(sync_projet(p) for p in projets)


def client_changed(row_id: int, created: bool = False) -> str:
    """A client's name is shown on its projets' pages (title and content): re-sync them. Baserow
    tells the projet webhooks only with empty events."""
    projets = Repository().linked("projet", "client", [row_id])
    if not projets:
        return f"client {row_id}: no projet"
    return f"client {row_id}: " + "; ".join(sync_projet(p.id) for p in projets)


def module_changed(row_id: int, created: bool = False) -> str:
    """OP-07: a module realised in Baserow may close its formation."""
    repo = Repository()
    try:
        module = repo.get("module", row_id)
    except NotFound:
        return f"module {row_id}: deleted in Baserow"
    if module.bloc is None:
        return f"module {row_id}: no bloc"
    bloc = repo.get("bloc", module.bloc.id)
    if bloc.formation is None:
        return f"module {row_id}: no formation"
    cache_invalidate_formation(bloc.formation.id)
    closed = formation_close_if_complete(formation_id=bloc.formation.id, actor=SYNC_ACTOR)
    return f"module {row_id}: " + (closed or "formation still open")


HANDLERS = {
    "projet": sync_projet,
    "formation": sync_formation,
    "attribution": attribution_changed,
    "intervention": intervention_changed,
    "module": module_changed,
    "tache": tache_changed,
    "client": client_changed,
}


def cache_delete_pattern(pattern: str) -> None:
    """Drop cached representations by pattern (Redis); other caches are cleared whole."""
    cache = caches["default"]
    delete_pattern = getattr(cache, "delete_pattern", None)
    if delete_pattern is not None:
        delete_pattern(pattern)
    else:  # the in-process cache of the zero-configuration mode, or no cache at all
        cache.clear()


@receiver(projet_statut_changed)
def projet_page_refresh(sender: Any, *, projet_id: int, **kwargs: Any) -> str:
    """The projet page shows its new statut. Baserow is already right: a Docmost failure here is
    reported as an outcome (the next reconciliation, or a force sync, refreshes the page), not as
    an error that would invite a retry of a write that happened."""
    try:
        return sync_projet(projet_id)
    except (DocmostError, ApplicationError) as exc:
        return f"page refresh pending ({exc}); a force sync or the reconciliation will do it"
