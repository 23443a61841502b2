"""Business rules on their boundaries, and a property: accepted attributions never overbook."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import rules
from domain.entities import Attribution, Link, Module, Personne

D = Decimal
TODAY = date(2026, 11, 22)


def module(heures="30", statut="attribue", id=17):
    return Module(
        id=id, nom="JS Fondamentaux", bloc=Link(1, "Front"), heures=D(heures), statut=statut
    )


def personne(capacite="750", statut="actif", roles=("formateur",), id=5):
    return Personne(
        id=id, nom_prenom="Pierre Dupont", email="p@x.org", slug="pierre", roles=roles,
        statut=statut, capacite_formation_h=D(capacite), capacite_agence_h=D("100"),
    )  # fmt: skip


def attribution(heures="10", statut="prevu", realisees="0", id=1, module_id=17):
    return Attribution(
        id=id, nom="a", module=Link(module_id, "m"), personne=Link(5, "p"),
        heures_attribuees=D(heures), heures_realisees=D(realisees), statut=statut,
        date_debut=None, justification="",
    )  # fmt: skip


def test_rg01_exactly_at_capacity_passes_one_hour_over_fails():
    existing = [attribution("28", id=1), attribution("50", statut="annule", id=2)]
    assert rules.check_module_capacity(module("30"), existing, D("2")) is None

    violation = rules.check_module_capacity(module("30"), existing, D("3"))

    assert violation is not None
    assert violation.rule == "RG-01"
    assert violation.details == {
        "module_id": 17, "heures_module": 30, "heures_deja_attribuees": 28,
        "heures_demandees": 3, "heures_disponibles": 2,
    }  # fmt: skip
    assert violation.conflict is False


def test_rg01_seed_example_50_hours_on_an_empty_30_hour_module():
    violation = rules.check_module_capacity(module("30"), [], D("50"))
    assert violation is not None
    assert violation.details["heures_deja_attribuees"] == 0
    assert violation.details["heures_demandees"] == 50


def test_rg02_personne_capacity_boundary():
    existing = [
        attribution("700"),
        attribution("40", id=2),
        attribution("10", statut="annule", id=3),
    ]
    assert rules.check_personne_capacity(personne("750"), existing, D("10")) is None
    violation = rules.check_personne_capacity(personne("750"), existing, D("10.5"))
    assert violation is not None
    assert violation.rule == "RG-02"
    assert violation.details["heures_disponibles"] == 10


@pytest.mark.parametrize(
    ("realisees", "ok"),
    [("0", True), ("10", True), ("3.5", True), ("10.01", False), ("-0.5", False)],
)
def test_rg03_realised_hours_between_zero_and_attributed(realisees, ok):
    violation = rules.check_realised_hours(attribution("10"), D(realisees))
    assert (violation is None) is ok
    if not ok:
        assert violation.rule == "RG-03"


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [
        ("prevu", "en_cours", True),
        ("en_cours", "realise", True),
        ("prevu", "annule", True),
        ("en_cours", "annule", True),
        ("prevu", "realise", False),
        ("realise", "annule", False),
        ("annule", "annule", False),
        ("annule", "en_cours", False),
        ("realise", "en_cours", False),
    ],
)
def test_rg04_attribution_lifecycle(current, target, ok):
    violation = rules.check_transition("attribution", 1, current, target)
    assert (violation is None) is ok
    if not ok:
        assert violation.conflict is True
        assert violation.details["statut_actuel"] == current


def test_rg04_intervention_cancel_is_final():
    assert rules.check_transition("intervention", 1, "valide", "annule") is None
    assert rules.check_transition("intervention", 1, "annule", "annule").conflict
    assert rules.check_modifiable("intervention", 1, "annule").conflict
    assert rules.check_modifiable("attribution", 1, "realise").conflict
    assert rules.check_modifiable("attribution", 1, "en_cours") is None


@pytest.mark.parametrize("justification", [None, "", "   ", "\n\t"])
def test_rg05_cancelling_needs_a_justification(justification):
    assert rules.check_justification(justification).rule == "RG-05"


def test_rg05_any_text_is_enough():
    assert rules.check_justification("Formateur malade") is None


@pytest.mark.parametrize(
    ("statut", "roles", "ok"),
    [
        ("actif", ("formateur",), True),
        ("actif", ("developpeur", "formateur"), True),
        ("inactif", ("formateur",), False),
        ("actif", ("developpeur",), False),
        (None, ("formateur",), False),
    ],
)
def test_rg06_attribution_eligibility(statut, roles, ok):
    assert (rules.check_attribution_eligibility(personne(statut=statut, roles=roles)) is None) is ok


@pytest.mark.parametrize(
    ("heures", "day", "statut", "problem"),
    [
        ("24", TODAY, "actif", None),
        ("0.25", date(2026, 1, 1), "actif", None),
        ("0", TODAY, "actif", "heures"),
        ("24.01", TODAY, "actif", "heures"),
        ("2", date(2026, 11, 23), "actif", "date"),
        ("2", TODAY, "inactif", "statut"),
    ],
)
def test_rg06_intervention_hours_date_and_status(heures, day, statut, problem):
    violation = rules.check_intervention(personne(statut=statut), D(heures), day, today=TODAY)
    if problem is None:
        assert violation is None
    else:
        assert violation.rule == "RG-06"
        assert problem in violation.details


def test_op07_formation_closes_only_when_every_module_is_realised():
    assert rules.formation_should_close([module(statut="realise"), module(statut="realise", id=2)])
    assert not rules.formation_should_close(
        [module(statut="realise"), module(statut="en_cours", id=2)]
    )
    assert not rules.formation_should_close([])


def test_module_is_complete_when_fully_attributed_and_all_realised():
    m = module("20")
    assert rules.module_is_complete(
        m, [attribution("20", "realise"), attribution("5", "annule", id=2)]
    )
    assert not rules.module_is_complete(m, [attribution("10", "realise")])  # hours missing
    assert not rules.module_is_complete(
        m, [attribution("10", "realise"), attribution("10", "en_cours", id=2)]
    )
    assert not rules.module_is_complete(m, [])


requests = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # which module
        st.integers(min_value=0, max_value=1),  # which personne
        st.decimals(min_value=D("0.5"), max_value=D("60"), places=1),
        st.booleans(),  # cancel it afterwards?
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(
    requests=requests,
    module_hours=st.lists(st.integers(min_value=1, max_value=80), min_size=3, max_size=3),
    capacities=st.lists(st.integers(min_value=0, max_value=120), min_size=2, max_size=2),
)
def test_no_sequence_of_accepted_attributions_exceeds_any_capacity(
    requests, module_hours, capacities
):
    modules = [module(str(h), id=i) for i, h in enumerate(module_hours)]
    people = [personne(str(c), id=i) for i, c in enumerate(capacities)]
    accepted: list[Attribution] = []
    for n, (m, p, heures, cancel) in enumerate(requests):
        on_module = [a for a in accepted if a.module.id == m]
        on_personne = [a for a in accepted if a.personne.id == p]
        if rules.check_module_capacity(
            modules[m], on_module, heures
        ) or rules.check_personne_capacity(people[p], on_personne, heures):
            continue
        statut = "annule" if cancel else "prevu"
        accepted.append(
            Attribution(n, "a", Link(m, ""), Link(p, ""), heures, D(0), statut, None, "")
        )
    for m in modules:
        assert rules.live_hours(a for a in accepted if a.module.id == m.id) <= m.heures
    for p in people:
        assert (
            rules.live_hours(a for a in accepted if a.personne.id == p.id) <= p.capacite_formation_h
        )
