"""Attributions (seed 6.2–6.3): attribute a module, enter realised hours, close, cancel."""

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from domain import rules
from domain.entities import Attribution, Link, Module, Personne
from domain.rollups import module_hours, personne_capacity
from hub import notifications
from hub.cache import cache_invalidate_formation, cache_invalidate_personne
from hub.errors import ApplicationError, ErrorCode
from hub.ledger import Actor, Writer
from hub.locks import entity_locks
from hub.representations import Hours, num
from hub.services.base import (
    WriteResult,
    enforce,
    formation_of,
    numbers_fit,
    referenced,
    replace_item,
)
from hub.services.formations import formation_close_if_complete_within


@dataclasses.dataclass(frozen=True)
class ModuleRollup:
    module_id: int
    module_nom: str
    statut: str | None
    heures_module: Hours
    heures_deja_attribuees: Hours
    heures_realisees_total: Hours
    heures_restantes: Hours


@dataclasses.dataclass(frozen=True)
class PersonneFormationRollup:
    personne_id: int
    nom_prenom: str
    capacite_formation_h: Hours
    heures_attribuees_formation: Hours
    heures_restantes_formation: Hours


@dataclasses.dataclass(frozen=True)
class AttributionWritten:
    """The seed's section 12 shape: the attribution, its module's and personne's rollups."""

    attribution_id: int  # 0 in a dry run of a creation
    nom: str
    heures_attribuees: Hours
    heures_realisees: Hours
    statut: str | None
    date_debut: date | None
    justification: str
    module: ModuleRollup
    personne: PersonneFormationRollup


def _attribution_written(
    attribution: Attribution,
    module: Module,
    module_attributions: list[Attribution],
    personne: Personne,
    personne_attributions: list[Attribution],
) -> AttributionWritten:
    hours = module_hours(module, module_attributions)
    capacity = personne_capacity(personne, personne_attributions, [])
    return AttributionWritten(
        attribution_id=attribution.id,
        nom=attribution.nom,
        heures_attribuees=num(attribution.heures_attribuees),
        heures_realisees=num(attribution.heures_realisees),
        statut=attribution.statut,
        date_debut=attribution.date_debut,
        justification=attribution.justification,
        module=ModuleRollup(
            module_id=module.id,
            module_nom=module.nom,
            statut=module.statut,
            heures_module=num(module.heures),
            heures_deja_attribuees=num(hours.heures_deja_attribuees),
            heures_realisees_total=num(hours.heures_realisees_total),
            heures_restantes=num(hours.heures_restantes),
        ),
        personne=PersonneFormationRollup(
            personne_id=personne.id,
            nom_prenom=personne.nom_prenom,
            capacite_formation_h=num(personne.capacite_formation_h),
            heures_attribuees_formation=num(capacity.heures_attribuees_formation),
            heures_restantes_formation=num(capacity.heures_restantes_formation),
        ),
    )


def module_attribuer(
    *,
    module_id: int,
    personne_id: int,
    heures: Decimal,
    date_debut: date | None,
    actor: Actor,
    dry_run: bool = False,
) -> WriteResult[AttributionWritten]:
    """POST /modules/{id}/attribuer: RG-06 eligibility, RG-01 module and RG-02 personne capacity."""
    numbers_fit("attribution", heures_attribuees=("heures", heures))
    writer = Writer(actor, dry_run)
    repo = writer.repo
    with entity_locks(f"module:{module_id}", f"personne:{personne_id}"):
        module: Module = repo.get("module", module_id)
        personne: Personne = referenced(repo, "personne", personne_id, "personne_id")
        module_attributions = repo.linked("attribution", "module", [module_id])
        personne_attributions = repo.linked("attribution", "personne", [personne_id])
        enforce(
            rules.check_attribution_eligibility(personne),
            rules.check_module_capacity(module, module_attributions, heures),
            rules.check_personne_capacity(personne, personne_attributions, heures),
        )
        nom = f"{module.nom} — {personne.nom_prenom}"
        values = {
            "nom": nom,
            "module": [module_id],
            "personne": [personne_id],
            "heures_attribuees": heures,
            "heures_realisees": Decimal(0),
            "statut": "prevu",
            "date_debut": date_debut,
            "justification": "",
        }
        if dry_run:
            attribution = Attribution(
                id=0,
                nom=nom,
                module=Link(module.id, module.nom),
                personne=Link(personne.id, personne.nom_prenom),
                heures_attribuees=heures,
                heures_realisees=Decimal(0),
                statut="prevu",
                date_debut=date_debut,
                justification="",
            )
        else:
            attribution = writer.write("attribution", "attribution.create", values)
            if module.statut == "a_attribuer":
                module = writer.write(
                    "module",
                    "module.status",
                    {"statut": "attribue"},
                    before=module,
                    row_id=module.id,
                )
                writer.effects.append(f"module {module.id} → attribue")
            cache_invalidate_personne(personne_id)
            formation_id = formation_of(repo=repo, module=module)
            if formation_id:
                cache_invalidate_formation(formation_id)
            new_id = attribution.id
            writer.on_commit(lambda: notifications.notify_attribution_created.delay(new_id))
        data = _attribution_written(
            attribution,
            module,
            [*module_attributions, attribution],
            personne,
            [*personne_attributions, attribution],
        )
    return WriteResult(data, writer.effects)


def _attribution_change(
    attribution_id: int,
    actor: Actor,
    dry_run: bool,
    check: Callable[[Attribution], list[rules.Violation | None]],
    change: Callable[[Attribution], dict[str, Any]],
    action: str,
    after_write: Callable[[Writer, Module, list[Attribution]], Module] | None = None,
) -> WriteResult[AttributionWritten]:
    writer = Writer(actor, dry_run)
    repo = writer.repo
    # The module's lock too: two attributions of one module closing at once must see each
    # other (OP-07), and a creation on the module must not interleave.
    peek: Attribution = repo.get("attribution", attribution_id)
    module_lock = f"module:{peek.module.id}" if peek.module else f"attribution:{attribution_id}"
    with entity_locks(f"attribution:{attribution_id}", module_lock):
        current: Attribution = repo.get("attribution", attribution_id)
        enforce(*check(current))
        values = change(current)
        if current.module is None or current.personne is None:
            raise ApplicationError(
                ErrorCode.CONFLICT, f"Attribution {attribution_id} has no module or no personne."
            )
        module: Module = repo.get("module", current.module.id)
        personne: Personne = repo.get("personne", current.personne.id)
        module_attributions = repo.linked("attribution", "module", [module.id])
        personne_attributions = repo.linked("attribution", "personne", [personne.id])
        if dry_run:
            updated = dataclasses.replace(current, **values)
        else:
            updated = writer.write("attribution", action, values, before=current, row_id=current.id)
        module_attributions = replace_item(module_attributions, updated)
        personne_attributions = replace_item(personne_attributions, updated)
        if after_write is not None:
            module = after_write(writer, module, module_attributions)
        if not dry_run:
            cache_invalidate_personne(personne.id)
            formation_id = formation_of(repo=repo, module=module)
            if formation_id:
                cache_invalidate_formation(formation_id)
        data = _attribution_written(
            updated, module, module_attributions, personne, personne_attributions
        )
    return WriteResult(data, writer.effects)


def attribution_heures_realisees(
    *, attribution_id: int, heures_realisees: Decimal, actor: Actor, dry_run: bool = False
) -> WriteResult[AttributionWritten]:
    """PATCH /attributions/{id}/heures-realisees: RG-04, RG-03; prevu moves to en_cours."""
    numbers_fit("attribution", heures_realisees=("heures_realisees", heures_realisees))

    def change(current: Attribution) -> dict[str, Any]:
        values: dict[str, Any] = {"heures_realisees": heures_realisees}
        if current.statut == "prevu" and heures_realisees > 0:
            values["statut"] = "en_cours"
        return values

    return _attribution_change(
        attribution_id,
        actor,
        dry_run,
        lambda a: [
            rules.check_modifiable("attribution", a.id, a.statut),
            rules.check_realised_hours(a, heures_realisees),
        ],
        change,
        "attribution.heures_realisees",
    )


def attribution_cloturer(
    *, attribution_id: int, actor: Actor, dry_run: bool = False
) -> WriteResult[AttributionWritten]:
    """POST /attributions/{id}/cloturer: en_cours → realise (RG-04), then OP-07 upwards."""
    return _attribution_change(
        attribution_id,
        actor,
        dry_run,
        lambda a: [rules.check_transition("attribution", a.id, a.statut, "realise")],
        lambda _a: {"statut": "realise"},
        "attribution.close",
        after_write=_close_upwards,
    )


def attribution_annuler(
    *, attribution_id: int, justification: str | None, actor: Actor, dry_run: bool = False
) -> WriteResult[AttributionWritten]:
    """POST /attributions/{id}/annuler: RG-04 (not final), RG-05 (a justification)."""
    return _attribution_change(
        attribution_id,
        actor,
        dry_run,
        lambda a: [
            rules.check_transition("attribution", a.id, a.statut, "annule"),
            rules.check_justification(justification),
        ],
        lambda _a: {"statut": "annule", "justification": (justification or "").strip()},
        "attribution.cancel",
    )


def _close_upwards(writer: Writer, module: Module, attributions: list[Attribution]) -> Module:
    """OP-07: a module whose hours are all realised is realised; then maybe its formation."""
    if module.statut == "realise" or not rules.module_is_complete(module, attributions):
        return module
    repo = writer.repo
    if writer.dry_run:
        module = dataclasses.replace(module, statut="realise")
    else:
        module = writer.write(
            "module", "module.status", {"statut": "realise"}, before=module, row_id=module.id
        )
    writer.effects.append(f"module {module.id} → realise")
    formation_id = formation_of(repo=repo, module=module)
    if formation_id is not None:
        formation_close_if_complete_within(
            writer=writer, formation_id=formation_id, just_realised=module
        )
    return module
