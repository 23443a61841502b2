"""Formations: OP-07, a formation closes itself when all of its modules are realised."""

from domain import rules
from domain.entities import Module
from hub.cache import cache_invalidate_formation
from hub.ledger import Actor, Writer
from hub.locks import entity_locks
from hub.services.base import replace_item


def formation_close_if_complete_within(
    *, writer: Writer, formation_id: int, just_realised: Module | None = None
) -> str | None:
    """OP-07: close the formation when every one of its modules is realised (`just_realised`
    stands in for its stored version, which a dry run has not written)."""
    repo = writer.repo
    blocs = repo.linked("bloc", "formation", [formation_id])
    modules = repo.linked("module", "bloc", [b.id for b in blocs])
    if just_realised is not None:
        modules = replace_item(modules, just_realised)
    if not rules.formation_should_close(modules):
        return None
    formation = repo.get("formation", formation_id)
    if formation.statut == "cloturee":
        return None
    if not writer.dry_run:
        writer.write(
            "formation",
            "formation.auto_close",
            {"statut": "cloturee"},
            before=formation,
            row_id=formation_id,
        )
        cache_invalidate_formation(formation_id)
    effect = f"formation {formation_id} → cloturee (OP-07)"
    writer.effects.append(effect)
    return effect


def formation_close_if_complete(*, formation_id: int, actor: Actor) -> str | None:
    """OP-07 when a module's statut changed outside the bridge (a Baserow webhook)."""
    writer = Writer(actor, dry_run=False)
    with entity_locks(f"formation:{formation_id}"):
        return formation_close_if_complete_within(writer=writer, formation_id=formation_id)
