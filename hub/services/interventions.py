"""Interventions (seed 6.4): log, change and cancel agency hours; over-capacity alerts."""

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from prometheus_client import Counter

from domain import rules
from domain.entities import Intervention, Link, Personne
from domain.rollups import personne_capacity
from hub import notifications
from hub.cache import cache_invalidate_personne, cache_invalidate_projet
from hub.errors import ApplicationError, ErrorCode
from hub.ledger import Actor, Writer
from hub.locks import entity_locks
from hub.models import Alert
from hub.representations import Hours, num
from hub.services.base import WriteResult, enforce, numbers_fit, referenced, replace_item

AGENCY_OVERCAPACITY = Counter(
    "bridge_agency_overcapacity_total", "Interventions that pushed a personne over agency capacity."
)


@dataclasses.dataclass(frozen=True)
class TacheRef:
    tache_id: int
    tache_nom: str


@dataclasses.dataclass(frozen=True)
class PersonneAgenceRollup:
    personne_id: int
    nom_prenom: str
    capacite_agence_h: Hours
    heures_realisees_agence: Hours
    heures_restantes_agence: Hours


@dataclasses.dataclass(frozen=True)
class InterventionWritten:
    """The intervention and its personne's agency rollup (over capacity: allowed, alerted)."""

    intervention_id: int  # 0 in a dry run of a creation
    nom: str
    date: date | None
    heures: Hours
    notes: str
    statut: str | None
    tache: TacheRef | None
    personne: PersonneAgenceRollup
    depassement_capacite_agence: bool


def _intervention_written(
    intervention: Intervention, personne: Personne, interventions: list[Intervention]
) -> InterventionWritten:
    capacity = personne_capacity(personne, [], interventions)
    tache = intervention.tache
    return InterventionWritten(
        intervention_id=intervention.id,
        nom=intervention.nom,
        date=intervention.date,
        heures=num(intervention.heures),
        notes=intervention.notes,
        statut=intervention.statut,
        tache=TacheRef(tache.id, tache.value) if tache else None,
        personne=PersonneAgenceRollup(
            personne_id=personne.id,
            nom_prenom=personne.nom_prenom,
            capacite_agence_h=num(personne.capacite_agence_h),
            heures_realisees_agence=num(capacity.heures_realisees_agence),
            heures_restantes_agence=num(capacity.heures_restantes_agence),
        ),
        depassement_capacite_agence=capacity.heures_restantes_agence < 0,
    )


def _after_intervention_write(
    writer: Writer, personne: Personne, interventions: list[Intervention], tache_id: int | None
) -> None:
    """Invalidate, and alert the admins when the personne is now over agency capacity."""
    if writer.dry_run:
        return
    cache_invalidate_personne(personne.id)
    if tache_id is not None:
        tache = writer.repo.get("tache", tache_id)
        if tache.projet is not None:
            cache_invalidate_projet(tache.projet.id)
    alert = alert_if_over_agency_capacity(personne, interventions)
    if alert is not None:
        writer.effects.append(f"alert {alert.pk}: agency over-capacity")


def alert_if_over_agency_capacity(
    personne: Personne, interventions: list[Intervention]
) -> Alert | None:
    """Over agency capacity is allowed, but the admins hear of it (console, email, metric)."""
    capacity = personne_capacity(personne, [], interventions)
    if capacity.heures_restantes_agence >= 0:
        return None
    AGENCY_OVERCAPACITY.inc()
    with transaction.atomic():
        alert = Alert.objects.create(
            kind=Alert.Kind.AGENCY_OVERCAPACITY,
            entity="personne",
            entity_id=personne.id,
            message=(
                f"{personne.nom_prenom} a {num(capacity.heures_realisees_agence)} h "
                f"d'interventions pour une capacité agence de {num(personne.capacite_agence_h)} h "
                f"(dépassement de {num(-capacity.heures_restantes_agence)} h)."
            ),
            details={
                "capacite_agence_h": num(personne.capacite_agence_h),
                "heures_realisees_agence": num(capacity.heures_realisees_agence),
            },
        )
        alert_id = alert.pk
        transaction.on_commit(lambda: notifications.alert_agency_overcapacity.delay(alert_id))
    return alert


def intervention_create(
    *,
    tache_id: int,
    personne_id: int,
    heures: Decimal,
    day: date,
    notes: str,
    actor: Actor,
    dry_run: bool = False,
) -> WriteResult[InterventionWritten]:
    """POST /interventions: RG-06 (active personne, hours in ]0, 24], date not in the future)."""
    numbers_fit("intervention", heures=("heures", heures))
    writer = Writer(actor, dry_run)
    repo = writer.repo
    with entity_locks(f"personne:{personne_id}"):
        tache = referenced(repo, "tache", tache_id, "tache_id")
        personne: Personne = referenced(repo, "personne", personne_id, "personne_id")
        enforce(rules.check_intervention(personne, heures, day, today=timezone.localdate()))
        interventions = repo.linked("intervention", "personne", [personne_id])
        nom = f"{tache.nom} — {personne.nom_prenom} — {day.isoformat()}"
        values = {
            "nom": nom,
            "tache": [tache_id],
            "personne": [personne_id],
            "date": day,
            "heures": heures,
            "notes": notes,
            "statut": "valide",
        }
        if dry_run:
            intervention = Intervention(
                id=0,
                nom=nom,
                tache=Link(tache.id, tache.nom),
                personne=Link(personne.id, personne.nom_prenom),
                date=day,
                heures=heures,
                notes=notes,
                statut="valide",
            )
        else:
            intervention = writer.write("intervention", "intervention.create", values)
        interventions = replace_item(interventions, intervention)
        _after_intervention_write(writer, personne, interventions, tache_id)
        data = _intervention_written(intervention, personne, interventions)
    return WriteResult(data, writer.effects)


def _intervention_change(
    intervention_id: int,
    actor: Actor,
    dry_run: bool,
    check: Callable[[Intervention, Personne], list[rules.Violation | None]],
    change: Callable[[Intervention], dict[str, Any]],
    action: str,
) -> WriteResult[InterventionWritten]:
    writer = Writer(actor, dry_run)
    repo = writer.repo
    with entity_locks(f"intervention:{intervention_id}"):
        current: Intervention = repo.get("intervention", intervention_id)
        if current.personne is None:
            raise ApplicationError(
                ErrorCode.CONFLICT, f"Intervention {intervention_id} has no personne."
            )
        personne: Personne = repo.get("personne", current.personne.id)
        enforce(*check(current, personne))
        values = change(current)
        interventions = repo.linked("intervention", "personne", [personne.id])
        if dry_run:
            updated = dataclasses.replace(current, **values)
        else:
            updated = writer.write(
                "intervention", action, values, before=current, row_id=current.id
            )
        interventions = replace_item(interventions, updated)
        _after_intervention_write(
            writer, personne, interventions, updated.tache.id if updated.tache else None
        )
        data = _intervention_written(updated, personne, interventions)
    return WriteResult(data, writer.effects)


def intervention_update(
    *,
    intervention_id: int,
    changes: dict[str, Any],
    actor: Actor,
    dry_run: bool = False,
) -> WriteResult[InterventionWritten]:
    """PATCH /interventions/{id}: any of heures, date, notes; RG-04 (not cancelled), RG-06."""
    if "heures" in changes:
        numbers_fit("intervention", heures=("heures", changes["heures"]))

    def check(current: Intervention, personne: Personne) -> list[rules.Violation | None]:
        merged = dataclasses.replace(current, **changes)
        violations = [rules.check_modifiable("intervention", current.id, current.statut)]
        if "heures" in changes or "date" in changes:
            violations.append(
                rules.check_intervention(
                    personne,
                    merged.heures,
                    merged.date or timezone.localdate(),
                    today=timezone.localdate(),
                )
            )
        return violations

    return _intervention_change(
        intervention_id, actor, dry_run, check, lambda _c: dict(changes), "intervention.update"
    )


def intervention_annuler(
    *, intervention_id: int, justification: str | None, actor: Actor, dry_run: bool = False
) -> WriteResult[InterventionWritten]:
    """POST /interventions/{id}/annuler: valide → annule (RG-04), with a justification (RG-05)."""

    def change(current: Intervention) -> dict[str, Any]:
        reason = f"Annulée : {(justification or '').strip()}"
        return {"statut": "annule", "notes": f"{current.notes}\n{reason}".strip()}

    return _intervention_change(
        intervention_id,
        actor,
        dry_run,
        lambda current, _p: [
            rules.check_transition("intervention", current.id, current.statut, "annule"),
            rules.check_justification(justification),
        ],
        change,
        "intervention.cancel",
    )
