"""Baserow row representations → domain objects (CONTRACT section 4), on real payload shapes."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from domain.entities import Attribution, Intervention, Link, Personne
from integrations.baserow.parsing import (
    RowParseError,
    parse_date,
    parse_decimal,
    parse_links,
    parse_row,
    parse_select,
    parse_text,
)
from integrations.baserow.schema import SCHEMA, TableMapping

# Copies of shared/contracts/baserow/fixtures (real payloads from Baserow 1.35.3), kept in the
# repository so the tests do not depend on what sits beside the checkout.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "baserow"


def load(name: str) -> dict[str, Any]:
    path = FIXTURES / name
    assert path.is_file(), f"contract fixture missing: {path}"
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def created_item() -> dict[str, Any]:
    """The "every field type" row of Baserow's own serializer test."""
    return load("webhook_rows_created.json")["items"][0]


def test_contract_fixtures_are_reachable_from_the_repo():
    assert FIXTURES.is_dir(), f"contract fixtures not found at {FIXTURES}"
    for name in ("list_rows_response.json", "webhook_rows_created.json"):
        assert (FIXTURES / name).is_file()


# -- individual parsers on the contract's shapes ---------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("50", Decimal("50")),
        ("1.2", Decimal("1.2")),
        ("-1", Decimal("-1")),
        ("33.3333333333", Decimal("33.3333333333")),
        (None, Decimal(0)),
        ("", Decimal(0)),
    ],
    ids=["int-string", "decimal-string", "negative", "formula-decimal", "null", "empty"],
)
def test_parse_decimal_reads_baserow_decimal_strings(raw, expected):
    value = parse_decimal(raw)

    assert value == expected
    assert isinstance(value, Decimal)


def test_parse_decimal_keeps_precision_of_the_string():
    assert str(parse_decimal("33.3333333333")) == "33.3333333333"
    assert str(parse_decimal("1.20")) == "1.20"


def test_parse_decimal_on_fixture_number_values(created_item):
    assert parse_decimal(created_item["positive_decimal"]) == Decimal("1.2")
    assert parse_decimal(created_item["negative_int"]) == Decimal("-1")
    assert parse_decimal(created_item["formula_decimal"]) == Decimal("33.3333333333")
    assert parse_decimal(created_item["rollup"]) == Decimal("-122.222")
    listed = load("list_rows_response.json")["results"]
    assert [parse_decimal(row["field_5102"]) for row in listed] == [Decimal(50), Decimal(100)]


@pytest.mark.parametrize(
    "raw",
    ["abc", "1,5", "NaN", "Infinity", "-inf", True, False, [], {"value": "1"}, object()],
    ids=[
        "letters", "comma-decimal", "nan", "infinity", "negative-inf", "true", "false",
        "list", "dict", "object",
    ],
)  # fmt: skip
def test_parse_decimal_rejects_non_numbers(raw):
    with pytest.raises(ValueError, match="number"):
        parse_decimal(raw)


def test_parse_links_on_fixture_link_row(created_item):
    links = parse_links(created_item["link_row"])

    assert links == (
        Link(1, "linked_row_1"),
        Link(2, "linked_row_2"),
        Link(3, ""),
    )


@pytest.mark.parametrize(
    ("field_name", "expected_values"),
    [
        ("decimal_link_row", ["1.234", "-123.456", ""]),
        ("file_link_row", ["name.txt", ""]),
        ("self_link_row", [""]),
        ("link_row_without_related", ["linked_row_1", "linked_row_2"]),
    ],
)
def test_parse_links_keeps_primary_values_as_strings(created_item, field_name, expected_values):
    links = parse_links(created_item[field_name])

    assert [link.value for link in links] == expected_values
    assert [link.id for link in links] == [item["id"] for item in created_item[field_name]]


def test_parse_links_on_webhook_updated_link():
    item = load("webhook_rows_updated.json")["items"][0]

    assert parse_links(item["Link"]) == (Link(1, "Lookup 1"),)


def test_parse_links_null_and_empty_are_no_links():
    assert parse_links(None) == ()
    assert parse_links([]) == ()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"id": 1, "value": "x"}, "not a list of links"),
        ("1,2", "not a list of links"),
        (1, "not a list of links"),
        ([1, 2], "malformed link"),
        ([{"value": "x"}], "malformed link"),
        ([{"id": "1", "value": "x"}], "malformed link"),
        ([None], "malformed link"),
    ],
    ids=["object", "comma-string", "int", "ids-only", "no-id", "string-id", "null-item"],
)
def test_parse_links_rejects_malformed(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_links(raw)


def test_parse_select_on_fixture_single_select(created_item):
    assert created_item["single_select"] == {"color": "red", "id": 1, "value": "A"}

    assert parse_select(created_item["single_select"], ("A", "B")) == "A"
    assert parse_select(created_item["single_select_with_default"], ("AA", "BB")) == "BB"
    assert parse_select(None, ("A",)) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"color": "red", "id": 1, "value": "Z"}, "unknown option 'Z'"),
        ("A", "not a select option object"),
        (1, "not a select option object"),
        ({"id": 1, "color": "red"}, "not a select option object"),
        ({"id": 1, "value": 1}, "not a select option object"),
    ],
    ids=["unknown-option", "bare-value", "bare-id", "no-value", "non-string-value"],
)
def test_parse_select_rejects(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_select(raw, ("A", "B"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-02-01", date(2020, 2, 1)),
        ("2020-02-01T01:23:00Z", date(2020, 2, 1)),
        ("2020-02-01T01:23:00.123456Z", date(2020, 2, 1)),
        (None, None),
        ("", None),
    ],
    ids=["date", "datetime-utc", "datetime-microseconds", "null", "empty"],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


def test_parse_date_on_fixture_dates(created_item):
    assert parse_date(created_item["date_eu"]) == date(2020, 2, 1)
    assert parse_date(created_item["datetime_us"]) == date(2020, 2, 1)
    assert parse_date(created_item["created_on_date_us"]) == date(2021, 1, 2)


@pytest.mark.parametrize(
    "raw",
    ["01/02/2020", "2020-13-01", "yesterday", 20200201, ["2020-02-01"]],
    ids=["eu-format", "month-13", "word", "int", "list"],
)
def test_parse_date_rejects(raw):
    with pytest.raises(ValueError, match="not an ISO date"):
        parse_date(raw)


def test_parse_text(created_item):
    assert parse_text(created_item["long_text"]) == "long_text"
    assert parse_text(created_item["email"]) == "test@example.com"
    assert parse_text(None) == ""
    with pytest.raises(ValueError, match="not text"):
        parse_text(42)


# -- parse_row on bridge-shaped rows ---------------------------------------------------------------


def link(row_id: int, value: str) -> dict[str, Any]:
    return {"id": row_id, "value": value, "order": f"{row_id}.00000000000000000000"}


def personne_row(**overrides: Any) -> dict[str, Any]:
    row = {
        "id": 3,
        "order": "3.00000000000000000000",
        "nom_prenom": "Alice Martin",
        "email": "alice@example.org",
        "slug": "alice-martin",
        "roles": [
            {"id": 11, "value": "formateur", "color": "blue"},
            {"id": 13, "value": "admin", "color": "orange"},
        ],
        "statut": {"id": 21, "value": "actif", "color": "blue"},
        "capacite_formation_h": "750.00",
        "capacite_agence_h": "120.50",
    }
    return row | overrides


def attribution_row(**overrides: Any) -> dict[str, Any]:
    row = {
        "id": 8,
        "order": "8.00000000000000000000",
        "nom": "Django — Alice Martin",
        "module": [link(4, "Django")],
        "personne": [link(3, "Alice Martin")],
        "heures_attribuees": "35.00",
        "heures_realisees": "12.50",
        "statut": {"id": 31, "value": "en_cours", "color": "green"},
        "date_debut": "2026-01-05",
        "justification": None,
    }
    return row | overrides


def intervention_row(**overrides: Any) -> dict[str, Any]:
    row = {
        "id": 15,
        "order": "15.00000000000000000000",
        "nom": "Maquettes — Alice",
        "tache": [link(6, "Maquettes")],
        "personne": [link(3, "Alice Martin")],
        "date": "2026-02-03",
        "heures": "3.25",
        "notes": "Revue avec le client",
        "statut": {"id": 41, "value": "annule", "color": "red"},
    }
    return row | overrides


def test_hand_built_rows_cover_every_schema_field():
    for entity, row in (
        ("personne", personne_row()),
        ("attribution", attribution_row()),
        ("intervention", intervention_row()),
    ):
        assert set(SCHEMA[entity]) <= set(row), entity


def test_parse_row_personne():
    parsed = parse_row("personne", personne_row(), TableMapping(table_id=1))

    assert parsed == Personne(
        id=3,
        nom_prenom="Alice Martin",
        email="alice@example.org",
        slug="alice-martin",
        roles=("formateur", "admin"),
        statut="actif",
        capacite_formation_h=Decimal("750.00"),
        capacite_agence_h=Decimal("120.50"),
    )


def test_parse_row_attribution():
    parsed = parse_row("attribution", attribution_row(), TableMapping(table_id=2))

    assert parsed == Attribution(
        id=8,
        nom="Django — Alice Martin",
        module=Link(4, "Django"),
        personne=Link(3, "Alice Martin"),
        heures_attribuees=Decimal("35"),
        heures_realisees=Decimal("12.5"),
        statut="en_cours",
        date_debut=date(2026, 1, 5),
        justification="",
    )


def test_parse_row_intervention():
    parsed = parse_row("intervention", intervention_row(), TableMapping(table_id=3))

    assert parsed == Intervention(
        id=15,
        nom="Maquettes — Alice",
        tache=Link(6, "Maquettes"),
        personne=Link(3, "Alice Martin"),
        date=date(2026, 2, 3),
        heures=Decimal("3.25"),
        notes="Revue avec le client",
        statut="annule",
    )


def test_parse_row_with_empty_cells():
    row = attribution_row(
        module=[],
        personne=None,
        heures_attribuees=None,
        heures_realisees="",
        statut=None,
        date_debut=None,
    )

    parsed = parse_row("attribution", row, TableMapping(table_id=2))

    assert parsed.module is None
    assert parsed.personne is None
    assert parsed.heures_attribuees == Decimal(0)
    assert parsed.heures_realisees == Decimal(0)
    assert parsed.statut is None
    assert parsed.date_debut is None


def test_parse_row_takes_the_first_of_several_links():
    row = intervention_row(tache=[link(6, "Maquettes"), link(9, "Recette")])

    assert parse_row("intervention", row, TableMapping(table_id=3)).tache == Link(6, "Maquettes")


def test_parse_row_reads_mapped_field_names():
    mapping = TableMapping(table_id=2, fields={"heures_attribuees": "Heures attribuées"})
    row = attribution_row()
    row["Heures attribuées"] = row.pop("heures_attribuees")

    assert parse_row("attribution", row, mapping).heures_attribuees == Decimal("35")


def test_parse_row_ignores_extra_baserow_fields():
    row = personne_row(**{"Interventions": [link(15, "x")], "Notes": "extra"})

    assert parse_row("personne", row, TableMapping(table_id=1)).id == 3


# -- malformed rows: RowParseError names the Baserow field and what is wrong -----------------------


@pytest.mark.parametrize(
    ("entity", "row", "field", "message"),
    [
        ("attribution", attribution_row(heures_attribuees="abc"), "heures_attribuees", "abc"),
        ("attribution", attribution_row(heures_realisees=True), "heures_realisees", "number"),
        ("intervention", intervention_row(heures="NaN"), "heures", "finite number"),
        ("personne", personne_row(capacite_formation_h=[]), "capacite_formation_h", "number"),
        (
            "attribution",
            attribution_row(statut={"id": 99, "value": "perdu", "color": "red"}),
            "statut",
            "unknown option 'perdu'",
        ),
        ("intervention", intervention_row(statut="valide"), "statut", "select option object"),
        ("intervention", intervention_row(statut=41), "statut", "select option object"),
        (
            "personne",
            personne_row(roles=[{"id": 1, "value": "stagiaire", "color": "red"}]),
            "roles",
            "unknown option 'stagiaire'",
        ),
        ("personne", personne_row(roles="formateur"), "roles", "not a list of options"),
        ("attribution", attribution_row(module={"id": 4, "value": "Django"}), "module", "list"),
        ("attribution", attribution_row(personne=3), "personne", "not a list of links"),
        ("intervention", intervention_row(tache="Maquettes"), "tache", "not a list of links"),
        ("intervention", intervention_row(tache=[6]), "tache", "malformed link"),
        ("intervention", intervention_row(date="03/02/2026"), "date", "not an ISO date"),
        ("attribution", attribution_row(date_debut=20260105), "date_debut", "not an ISO date"),
        ("personne", personne_row(email=42), "email", "not text"),
        ("intervention", intervention_row(notes=["x"]), "notes", "not text"),
    ],
    ids=[
        "hours-abc",
        "hours-bool",
        "hours-nan",
        "capacity-list",
        "unknown-select-option",
        "select-as-bare-value",
        "select-as-bare-id",
        "unknown-multiple-select-option",
        "multiple-select-not-a-list",
        "link-as-object",
        "link-as-int",
        "link-as-string",
        "link-ids-only",
        "date-eu-format",
        "date-as-int",
        "email-not-text",
        "long-text-list",
    ],
)
def test_parse_row_rejects_malformed_values(entity, row, field, message):
    with pytest.raises(RowParseError) as caught:
        parse_row(entity, row, TableMapping(table_id=1))

    error = caught.value
    assert isinstance(error, ValueError)
    assert error.field == field
    assert error.entity == entity
    assert error.row_id == row["id"]
    assert message in str(error)
    assert repr(field) in str(error)
    assert str(row["id"]) in str(error)


def test_parse_row_error_names_the_mapped_baserow_field():
    mapping = TableMapping(table_id=2, fields={"heures_attribuees": "Heures attribuées"})
    row = attribution_row()
    del row["heures_attribuees"]
    row["Heures attribuées"] = "abc"

    with pytest.raises(RowParseError) as caught:
        parse_row("attribution", row, mapping)

    assert caught.value.field == "Heures attribuées"
    assert "'abc'" in caught.value.problem


@pytest.mark.parametrize(
    ("entity", "row", "missing"),
    [
        ("personne", personne_row(), "capacite_agence_h"),
        ("attribution", attribution_row(), "statut"),
        ("intervention", intervention_row(), "personne"),
    ],
)
def test_parse_row_missing_field_names_it(entity, row, missing):
    del row[missing]

    with pytest.raises(RowParseError) as caught:
        parse_row(entity, row, TableMapping(table_id=1))

    assert caught.value.field == missing
    assert "missing" in str(caught.value)


def test_parse_row_missing_mapped_field_names_the_baserow_name():
    mapping = TableMapping(table_id=1, fields={"slug": "Identifiant"})

    with pytest.raises(RowParseError) as caught:
        parse_row("personne", personne_row(), mapping)

    assert caught.value.field == "Identifiant"
    assert "check the mapping" in str(caught.value)


@pytest.mark.parametrize(
    "row",
    [
        {k: v for k, v in personne_row().items() if k != "id"},
        personne_row(id=None),
        personne_row(id="3"),
        None,
        [personne_row()],
        "personne",
    ],
    ids=["no-id", "null-id", "string-id", "none", "list", "string"],
)
def test_parse_row_without_a_valid_id(row):
    with pytest.raises(RowParseError) as caught:
        parse_row("personne", row, TableMapping(table_id=1))

    assert caught.value.field == "id"
    assert "not a Baserow row" in str(caught.value)
