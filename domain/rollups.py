"""Rollups (SPEC section 3), as pure functions over domain objects.

Cancelled attributions and interventions never count. Example from the seeds: a capacity of
750 h with 80 h attributed leaves 670 h.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from domain.entities import CANCELLED, Attribution, Intervention, Module, Personne

ZERO = Decimal(0)


def _live(items: Iterable[Attribution | Intervention]) -> list[Attribution | Intervention]:
    return [item for item in items if item.statut != CANCELLED]


@dataclass(frozen=True)
class PersonneCapacity:
    heures_attribuees_formation: Decimal
    heures_restantes_formation: Decimal
    heures_realisees_agence: Decimal
    heures_restantes_agence: Decimal
    capacite_totale_h: Decimal
    heures_engagees_totales: Decimal
    heures_restantes_totales: Decimal


def personne_capacity(
    personne: Personne,
    attributions: Iterable[Attribution],
    interventions: Iterable[Intervention],
) -> PersonneCapacity:
    attribuees = sum((a.heures_attribuees for a in attributions if a.statut != CANCELLED), ZERO)
    realisees = sum((i.heures for i in interventions if i.statut != CANCELLED), ZERO)
    total = personne.capacite_formation_h + personne.capacite_agence_h
    return PersonneCapacity(
        heures_attribuees_formation=attribuees,
        heures_restantes_formation=personne.capacite_formation_h - attribuees,
        heures_realisees_agence=realisees,
        heures_restantes_agence=personne.capacite_agence_h - realisees,
        capacite_totale_h=total,
        heures_engagees_totales=attribuees + realisees,
        heures_restantes_totales=total - attribuees - realisees,
    )


@dataclass(frozen=True)
class HoursRollup:
    """Hours of a module, or summed over the modules of a bloc or a formation."""

    heures: Decimal
    heures_deja_attribuees: Decimal
    heures_realisees_total: Decimal

    @property
    def heures_restantes(self) -> Decimal:
        return self.heures - self.heures_deja_attribuees

    def __add__(self, other: "HoursRollup") -> "HoursRollup":
        return HoursRollup(
            self.heures + other.heures,
            self.heures_deja_attribuees + other.heures_deja_attribuees,
            self.heures_realisees_total + other.heures_realisees_total,
        )


EMPTY_HOURS = HoursRollup(ZERO, ZERO, ZERO)


def module_hours(module: Module, attributions: Iterable[Attribution]) -> HoursRollup:
    """`attributions` may hold other modules' attributions: only this module's count."""
    own = [a for a in attributions if a.module is not None and a.module.id == module.id]
    live = [a for a in own if a.statut != CANCELLED]
    return HoursRollup(
        heures=module.heures,
        heures_deja_attribuees=sum((a.heures_attribuees for a in live), ZERO),
        heures_realisees_total=sum((a.heures_realisees for a in live), ZERO),
    )


def total_hours(rollups: Iterable[HoursRollup]) -> HoursRollup:
    return sum(rollups, EMPTY_HOURS)


def realised_hours(
    interventions: Iterable[Intervention], *, tache_ids: set[int] | None = None
) -> Decimal:
    """Hours of valid interventions, optionally only those on the given tâches."""
    return sum(
        (
            i.heures
            for i in interventions
            if i.statut != CANCELLED
            and (tache_ids is None or (i.tache is not None and i.tache.id in tache_ids))
        ),
        ZERO,
    )
