"""Handling of one inbox event: decide from current Baserow state, act once, never loop.

Each row of the event is handled:
- no-op `rows.updated` (the row exactly as before) and echoes of the bridge's own writes (echo
  ledger) are skipped;
- at most one sync per row state in 5 minutes: the state is the whole row Baserow sent, its
  links included, so a linked-table `rows.updated` (a tâche added to a projet) is a new state;
- more than SYNC_LOOP_THRESHOLD echoes for a row in a minute open its circuit (loop suspected,
  the admins are alerted): while it is open that row's events are deferred to its closing time,
  never dropped, and then applied from Baserow's current state;
- the handler re-reads the row from Baserow: the payload is only a hint, so out-of-order, late
  and duplicate deliveries converge on the current state, and a deleted row is never resurrected.
"""

import hashlib
import json
import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from domain.errors import NotFound
from domain.rollups import personne_capacity
from hub import notifications
from hub.cache import cache_invalidate_formation, cache_invalidate_personne, cache_invalidate_projet
from hub.echo import echo_matches
from hub.models import Alert
from hub.repository import Repository
from hub.services.formations import formation_close_if_complete
from hub.services.interventions import alert_if_over_agency_capacity
from integrations.baserow.connection import baserow
from sync.ingress import KIND_ENTITY
from sync.models import WebhookEvent
from sync.pages import SYNC_ACTOR, row_deleted, sync_formation, sync_projet
from sync.payloads import is_noise, is_test_call
from sync.polling import sync_docmost_page


class Deferred(Exception):
    """A row of the event has its circuit open: the event waits until it closes."""

    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(reason)
        self.until = until


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
