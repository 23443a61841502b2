"""hub.selectors.rapports: each report holds exactly the read API's representation, and the
extras it adds (formateurs, months, weeks) add up to that representation's totals."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache

from hub.cache import cache_invalidate_formation
from hub.selectors.formations import formation_retrieve
from hub.selectors.personnes import personne_retrieve
from hub.selectors.projets import projet_retrieve
from hub.selectors.rapports import (
    PERIODS_FILLED_MAX,
    formation_rapport,
    personne_rapport,
    projet_rapport,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]

ROWS = "/api/database/rows/"


def forget_cache() -> None:
    """This worker's keys only: `cache.clear()` would flush the whole Redis database, the other
    xdist workers' rate-limit counters and cached rows with it."""
    cache.delete_pattern("*")


def ids_of(demo_baserow, entity: str) -> list[int]:
    table = demo_baserow.fake.tables[demo_baserow.mapping.table(entity).table_id]
    return sorted(table.rows)


def total(values) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


@pytest.fixture
def rows(demo_baserow):
    client = demo_baserow.client

    def create(entity: str, *items: dict) -> list[int]:
        table = demo_baserow.mapping.table(entity).table_id
        return [row["id"] for row in client.batch_create(table, list(items))]

    return create


def test_formation_rapport_holds_the_read_representation(demo_baserow):
    for formation_id in ids_of(demo_baserow, "formation"):
        forget_cache()
        rapport = formation_rapport(formation_id=formation_id)
        forget_cache()
        assert rapport.formation == formation_retrieve(formation_id=formation_id)


def test_personne_rapport_holds_the_read_representation(demo_baserow):
    for personne_id in ids_of(demo_baserow, "personne"):
        forget_cache()
        assert personne_rapport(personne_id=personne_id).personne == personne_retrieve(
            personne_id=personne_id
        )


def test_projet_rapport_holds_the_read_representation(demo_baserow):
    for projet_id in ids_of(demo_baserow, "projet"):
        forget_cache()
        assert projet_rapport(projet_id=projet_id).projet == projet_retrieve(projet_id=projet_id)


def test_report_data_is_cached_with_its_entity_and_dropped_with_it(demo_baserow, fake):
    first = formation_rapport(formation_id=1)
    fake.calls.clear()
    assert formation_rapport(formation_id=1) == first  # warm: no Baserow call
    assert fake.count(path_prefix=ROWS) == 0

    table = demo_baserow.mapping.table("module").table_id
    demo_baserow.client.update_row(table, 1, {"heures": 71})
    cache_invalidate_formation(1)  # what the module webhook's handler does

    changed = formation_rapport(formation_id=1)
    assert changed.formation.heures == first.formation.heures + 1
    assert changed.formation == formation_retrieve(formation_id=1)
    assert changed.empreinte != first.empreinte
    assert len(changed.empreinte) == 64


def test_the_fingerprint_ignores_the_reading_time(demo_baserow):
    first = formation_rapport(formation_id=1)
    cache_invalidate_formation(1)
    again = formation_rapport(formation_id=1)
    assert again.donnees_lues_le > first.donnees_lues_le
    assert again.empreinte == first.empreinte


def test_formation_rapport_costs_four_requests(fake):
    forget_cache()
    fake.calls.clear()
    formation_rapport(formation_id=1)
    assert fake.count(path_prefix=ROWS) == 4


def test_projet_rapport_costs_three_requests(fake):
    forget_cache()
    fake.calls.clear()
    projet_rapport(projet_id=1)
    assert fake.count(path_prefix=ROWS) == 3


def test_formateurs_add_up_to_the_formation_hours(demo_baserow, rows):
    # A cancelled attribution counts nowhere, neither in the rollup nor among the formateurs.
    rows(
        "attribution",
        {"nom": "x", "module": [9], "personne": [3], "heures_attribuees": 35, "statut": "annule"},
    )
    for formation_id in ids_of(demo_baserow, "formation"):
        rapport = formation_rapport(formation_id=formation_id)
        formation = rapport.formation
        assert total(f.heures_attribuees for f in rapport.formateurs) == Decimal(
            str(formation.heures_deja_attribuees)
        )
        assert total(f.heures_realisees for f in rapport.formateurs) == Decimal(
            str(formation.heures_realisees_total)
        )
    rapport = formation_rapport(formation_id=1)
    assert 3 not in {f.personne.personne_id for f in rapport.formateurs}
    assert rapport.formation.heures_deja_attribuees == 315


def test_formation_rapport_extras(demo_baserow):
    rapport = formation_rapport(formation_id=1)
    modules = [m for bloc in rapport.formation.blocs for m in bloc.modules]

    hours = [f.heures_attribuees for f in rapport.formateurs]
    assert hours == sorted(hours, reverse=True)
    assert [m.module_id for m in rapport.modules_a_attribuer] == [
        m.module_id for m in modules if m.heures_restantes > 0
    ]
    assert [m.module_id for m in rapport.modules_a_attribuer] == [4, 7, 9]
    assert [m.module_id for m in rapport.formateurs_par_module] == [m.module_id for m in modules]
    by_module = {
        m.module_id: [p.nom_prenom for p in m.formateurs] for m in rapport.formateurs_par_module
    }
    assert by_module[4] == []
    assert by_module[7] == ["Camille Petit"]
    assert rapport.avancement_pct == 32.8  # 140 / 427


def test_personne_months_add_up_to_the_agency_hours(demo_baserow):
    checked = 0
    for personne_id in ids_of(demo_baserow, "personne"):
        rapport = personne_rapport(personne_id=personne_id)
        months = total(p.heures for p in rapport.interventions_par_mois)
        assert months + Decimal(str(rapport.interventions_sans_date)) == Decimal(
            str(rapport.personne.heures_realisees_agence)
        ), personne_id
        checked += bool(rapport.interventions_par_mois)
    assert checked >= 2


def test_projet_weeks_add_up_to_the_realised_hours(demo_baserow):
    checked = 0
    for projet_id in ids_of(demo_baserow, "projet"):
        rapport = projet_rapport(projet_id=projet_id)
        weeks = total(p.heures for p in rapport.interventions_par_semaine)
        assert weeks + Decimal(str(rapport.interventions_sans_date)) == Decimal(
            str(rapport.projet.heures_realisees)
        ), projet_id
        assert total(p.heures for p in rapport.personnes) == Decimal(
            str(rapport.projet.heures_realisees)
        )
        checked += bool(rapport.interventions_par_semaine)
    assert checked >= 2


def consecutive_months(starts: list[date]) -> bool:
    return all(
        (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1 and b.day == 1
        for a, b in itertools.pairwise(starts)
    )


def test_demo_periods_are_contiguous():
    months = [p.debut for p in personne_rapport(personne_id=4).interventions_par_mois]
    assert months == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    weeks = [p.debut for p in projet_rapport(projet_id=1).interventions_par_semaine]
    assert len(weeks) == 11
    assert all(day.weekday() == 0 for day in weeks)
    assert all(b - a == timedelta(days=7) for a, b in itertools.pairwise(weeks))


@pytest.fixture
def sparse(rows):
    """A personne with valid interventions in January, April and December 2026 (a year-end),
    one cancelled in February, one without a date; on a tâche of a new projet."""
    (personne,) = rows(
        "personne",
        {"nom_prenom": "Sparse", "statut": "actif", "capacite_agence_h": 100},
    )
    (projet,) = rows("projet", {"nom": "Sparse", "statut": "en_cours", "charge_estimee_h": 50})
    (tache,) = rows("tache", {"nom": "t", "projet": [projet], "statut": "en_cours"})
    rows(
        "intervention",
        *[
            {"nom": n, "tache": [tache], "personne": [personne], "date": d, "heures": h}
            | {"statut": s}
            for n, d, h, s in [
                ("a", "2026-01-14", 2.5, "valide"),
                ("b", "2026-02-10", 40, "annule"),
                ("c", "2026-04-30", 1, "valide"),
                ("d", "2026-04-01", 3, "valide"),
                ("e", "2026-12-31", 0.5, "valide"),
                ("f", None, 4, "valide"),
            ]
        ],
    )
    return personne, projet


def test_empty_months_between_are_listed_at_zero(sparse):
    personne_id, _ = sparse
    rapport = personne_rapport(personne_id=personne_id)
    months = {p.debut: p.heures for p in rapport.interventions_par_mois}

    assert list(months) == [date(2026, m, 1) for m in range(1, 13)]
    assert consecutive_months(list(months))
    assert months[date(2026, 1, 1)] == 2.5
    assert months[date(2026, 2, 1)] == 0  # the cancelled one does not count
    assert months[date(2026, 4, 1)] == 4
    assert months[date(2026, 12, 1)] == 0.5
    assert rapport.interventions_sans_date == 4
    assert rapport.personne.heures_realisees_agence == 11


def test_empty_weeks_between_are_listed_at_zero(sparse):
    _, projet_id = sparse
    rapport = projet_rapport(projet_id=projet_id)
    weeks = [p.debut for p in rapport.interventions_par_semaine]

    assert weeks[0] == date(2026, 1, 12)  # the Monday of 14 January
    assert weeks[-1] == date(2026, 12, 28)  # the Monday of 31 December
    assert all(b - a == timedelta(days=7) for a, b in itertools.pairwise(weeks))
    assert len(weeks) == 51
    assert total(p.heures for p in rapport.interventions_par_semaine) == 7
    assert rapport.interventions_sans_date == 4
    assert rapport.projet.heures_realisees == 11


def test_periods_spread_too_far_list_only_the_busy_ones(rows):
    (personne,) = rows("personne", {"nom_prenom": "Far", "statut": "actif"})
    rows(
        "intervention",
        *[
            {"nom": d, "personne": [personne], "date": d, "heures": 1, "statut": "valide"}
            for d in ("0001-01-01", "2026-06-15", "9999-12-31")
        ],
    )
    rapport = personne_rapport(personne_id=personne)

    assert [p.debut for p in rapport.interventions_par_mois] == [
        date(1, 1, 1),
        date(2026, 6, 1),
        date(9999, 12, 1),
    ]
    assert PERIODS_FILLED_MAX < 12 * 2025


def test_periods_at_the_edges_of_the_calendar(rows):
    (personne,) = rows("personne", {"nom_prenom": "Edges", "statut": "actif"})
    (projet,) = rows("projet", {"nom": "Edges", "statut": "en_cours"})
    (tache,) = rows("tache", {"nom": "t", "projet": [projet]})
    rows(
        "intervention",
        *[
            {"nom": d, "tache": [tache], "personne": [personne], "date": d, "heures": 1}
            | {"statut": "valide"}
            for d in ("9999-11-20", "9999-12-31")
        ],
    )

    months = [p.debut for p in personne_rapport(personne_id=personne).interventions_par_mois]
    weeks = [p.debut for p in projet_rapport(projet_id=projet).interventions_par_semaine]

    assert months == [date(9999, 11, 1), date(9999, 12, 1)]
    assert weeks[0] == date(9999, 11, 15)
    assert weeks[-1] == date(9999, 12, 27)
    assert len(weeks) == 7


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234.5, "1\u202f234,5\u00a0h"),
        (70, "70\u00a0h"),
        (-12.25, "-12,25\u00a0h"),
        (0, "0\u00a0h"),
    ],
)
def test_hours_read_the_french_way(value, text):
    from reports.formatting import heures

    assert heures(value) == text
