"""Projets: the "Clôturer projet" button (statut → cloture), then its Docmost page."""

import dataclasses

from django.dispatch import Signal

from domain import rules
from hub.cache import cache_invalidate_projet
from hub.ledger import Actor, Writer
from hub.locks import entity_locks
from hub.services.base import WriteResult, enforce

# Sent after a projet's statut was written, so its Docmost page shows it. Receivers (sync/, which
# owns the pages) return a short outcome for `effects`; hub/ knows nothing of Docmost pages.
projet_statut_changed = Signal()


@dataclasses.dataclass(frozen=True)
class ProjetCloture:
    projet_id: int
    nom: str
    statut: str | None
    docmost_page_id: str


def projet_cloturer(
    *, projet_id: int, actor: Actor, dry_run: bool = False
) -> WriteResult[ProjetCloture]:
    """The "Clôturer projet" button: statut → cloture (from en_cours or livre), then the page.

    Idempotent: a projet already closed answers the same, without writing.
    """
    writer = Writer(actor, dry_run)
    repo = writer.repo
    with entity_locks(f"projet:{projet_id}"):
        projet = repo.get("projet", projet_id)
        if projet.statut == "cloture":
            writer.effects.append("already closed")
            if not dry_run:
                writer.effects.append(_refresh_projet_page(projet_id))
        else:
            enforce(rules.check_transition("projet", projet.id, projet.statut, "cloture"))
            if dry_run:
                projet = dataclasses.replace(projet, statut="cloture")
            else:
                projet = writer.write(
                    "projet", "projet.close", {"statut": "cloture"}, before=projet, row_id=projet_id
                )
                cache_invalidate_projet(projet_id)
                writer.effects.append(_refresh_projet_page(projet_id))
    return WriteResult(
        ProjetCloture(projet.id, projet.nom, projet.statut, projet.docmost_page_id),
        writer.effects,
    )


def _refresh_projet_page(projet_id: int) -> str:
    """The page shows the new statut. Baserow is already right: a Docmost failure here is
    reported as an effect (the next reconciliation, or a force sync, refreshes the page), not as
    an error that would invite a retry of a write that happened."""
    outcomes = projet_statut_changed.send(sender=None, projet_id=projet_id)
    return "; ".join(str(outcome) for _receiver, outcome in outcomes) or "no page to refresh"
