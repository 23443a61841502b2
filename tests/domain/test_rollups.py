"""Rollups (SPEC section 3) as pure functions: no database, no Baserow."""

from datetime import date
from decimal import Decimal

import pytest

from domain.entities import CANCELLED, Attribution, Intervention, Link, Module, Personne
from domain.rollups import (
    EMPTY_HOURS,
    HoursRollup,
    PersonneCapacity,
    module_hours,
    personne_capacity,
    realised_hours,
    total_hours,
)

D = Decimal
ALICE = Link(1, "Alice Martin")


def personne(formation: str = "750", agence: str = "0") -> Personne:
    return Personne(
        id=ALICE.id,
        nom_prenom=ALICE.value,
        email="alice@example.org",
        slug="alice-martin",
        roles=("formateur",),
        statut="actif",
        capacite_formation_h=D(formation),
        capacite_agence_h=D(agence),
    )


def module(module_id: int = 10, heures: str = "35") -> Module:
    return Module(
        id=module_id,
        nom=f"Module {module_id}",
        bloc=Link(5, "Back-end"),
        heures=D(heures),
        statut="attribue",
    )


_next_id = iter(range(100, 10_000))


def attribution(
    heures: str,
    *,
    realisees: str = "0",
    statut: str | None = "prevu",
    module_id: int | None = 10,
) -> Attribution:
    return Attribution(
        id=next(_next_id),
        nom="attribution",
        module=None if module_id is None else Link(module_id, f"Module {module_id}"),
        personne=ALICE,
        heures_attribuees=D(heures),
        heures_realisees=D(realisees),
        statut=statut,
        date_debut=date(2026, 1, 5),
        justification="",
    )


def intervention(heures: str, *, statut: str | None = "valide", tache_id: int | None = 7):
    return Intervention(
        id=next(_next_id),
        nom="intervention",
        tache=None if tache_id is None else Link(tache_id, f"Tâche {tache_id}"),
        personne=ALICE,
        date=date(2026, 2, 3),
        heures=D(heures),
        notes="",
        statut=statut,
    )


# -- personne_capacity -----------------------------------------------------------------------------


def test_capacity_seed_example_750_capacity_minus_80_attributed_leaves_670():
    capacity = personne_capacity(
        personne("750"), [attribution("35"), attribution("24.5"), attribution("20.5")], []
    )

    assert capacity.heures_attribuees_formation == D("80")
    assert capacity.heures_restantes_formation == D("670")


def test_capacity_ignores_cancelled_attributions():
    attributions = [attribution("80"), attribution("100", statut=CANCELLED)]

    capacity = personne_capacity(personne("750"), attributions, [])

    assert CANCELLED == "annule"
    assert capacity.heures_attribuees_formation == D("80")
    assert capacity.heures_restantes_formation == D("670")


def test_capacity_counts_attributions_without_status():
    capacity = personne_capacity(personne("750"), [attribution("10", statut=None)], [])

    assert capacity.heures_attribuees_formation == D("10")


def test_capacity_agency_hours_from_valid_interventions_only():
    interventions = [
        intervention("3.5"),
        intervention("4"),
        intervention("100", statut=CANCELLED),
    ]

    capacity = personne_capacity(personne("750", agence="200"), [], interventions)

    assert capacity.heures_realisees_agence == D("7.5")
    assert capacity.heures_restantes_agence == D("192.5")


def test_capacity_totals_combine_formation_and_agency():
    capacity = personne_capacity(
        personne("750", agence="250"),
        [attribution("80"), attribution("5", statut=CANCELLED)],
        [intervention("12.25"), intervention("1", statut=CANCELLED)],
    )

    assert capacity == PersonneCapacity(
        heures_attribuees_formation=D("80"),
        heures_restantes_formation=D("670"),
        heures_realisees_agence=D("12.25"),
        heures_restantes_agence=D("237.75"),
        capacite_totale_h=D("1000"),
        heures_engagees_totales=D("92.25"),
        heures_restantes_totales=D("907.75"),
    )


def test_capacity_with_nothing_attributed_is_the_full_capacity_as_decimals():
    capacity = personne_capacity(personne("750", agence="100"), [], [])

    assert capacity.heures_attribuees_formation == D(0)
    assert capacity.heures_restantes_formation == D("750")
    assert capacity.heures_restantes_totales == D("850")
    assert all(isinstance(value, Decimal) for value in vars_of(capacity))


def test_capacity_can_go_negative_when_over_attributed():
    capacity = personne_capacity(personne("50"), [attribution("60")], [])

    assert capacity.heures_restantes_formation == D("-10")


def test_capacity_accepts_generators():
    capacity = personne_capacity(
        personne("750"),
        (a for a in [attribution("80")]),
        (i for i in [intervention("2")]),
    )

    assert capacity.heures_restantes_formation == D("670")
    assert capacity.heures_engagees_totales == D("82")


def vars_of(capacity: PersonneCapacity) -> list[object]:
    return [getattr(capacity, name) for name in capacity.__dataclass_fields__]


# -- module_hours ----------------------------------------------------------------------------------


def test_module_hours_counts_only_this_modules_live_attributions():
    attributions = [
        attribution("10", realisees="4", module_id=10),
        attribution("5", realisees="5", module_id=10, statut="realise"),
        attribution("20", realisees="20", module_id=11),  # another module
        attribution("7", realisees="1", module_id=10, statut=CANCELLED),
        attribution("3", module_id=None),  # not linked to any module
    ]

    rollup = module_hours(module(10, heures="35"), attributions)

    assert rollup == HoursRollup(
        heures=D("35"), heures_deja_attribuees=D("15"), heures_realisees_total=D("9")
    )
    assert rollup.heures_restantes == D("20")


def test_module_hours_without_attributions_leaves_all_hours():
    rollup = module_hours(module(10, heures="21"), [])

    assert rollup.heures_deja_attribuees == D(0)
    assert rollup.heures_realisees_total == D(0)
    assert rollup.heures_restantes == D("21")


# -- total_hours -----------------------------------------------------------------------------------


def test_total_hours_sums_every_component():
    rollups = [
        HoursRollup(D("35"), D("15"), D("9")),
        HoursRollup(D("21"), D("21"), D("0.5")),
        HoursRollup(D("14"), D("0"), D("0")),
    ]

    total = total_hours(rollups)

    assert total == HoursRollup(D("70"), D("36"), D("9.5"))
    assert total.heures_restantes == D("34")


def test_total_hours_of_nothing_is_zero():
    assert total_hours([]) == EMPTY_HOURS == HoursRollup(D(0), D(0), D(0))


def test_total_hours_of_module_rollups_for_a_bloc():
    attributions = [attribution("10", module_id=10), attribution("6", module_id=11)]

    total = total_hours(module_hours(m, attributions) for m in (module(10, "35"), module(11, "14")))

    assert total.heures == D("49")
    assert total.heures_deja_attribuees == D("16")
    assert total.heures_restantes == D("33")


# -- realised_hours --------------------------------------------------------------------------------


def test_realised_hours_without_tache_ids_sums_every_valid_intervention():
    interventions = [
        intervention("2", tache_id=7),
        intervention("3.25", tache_id=8),
        intervention("1", tache_id=None),
        intervention("50", tache_id=7, statut=CANCELLED),
    ]

    assert realised_hours(interventions) == D("6.25")


@pytest.mark.parametrize(
    ("tache_ids", "expected"),
    [
        ({7}, "2"),
        ({8}, "3.25"),
        ({7, 8}, "5.25"),
        ({99}, "0"),
        (set(), "0"),
    ],
    ids=["one-tache", "other-tache", "both", "unknown-tache", "empty-set-means-none"],
)
def test_realised_hours_with_tache_ids_keeps_only_those_taches(tache_ids, expected):
    interventions = [
        intervention("2", tache_id=7),
        intervention("3.25", tache_id=8),
        intervention("1", tache_id=None),
        intervention("50", tache_id=7, statut=CANCELLED),
    ]

    assert realised_hours(interventions, tache_ids=tache_ids) == D(expected)


def test_realised_hours_of_nothing_is_a_decimal_zero():
    result = realised_hours([])

    assert result == D(0)
    assert isinstance(result, Decimal)
