"""Baserow: rows of every field type both ways, batches and the error bodies the bridge parses
(CONTRACT §3, §4, errata 1 and 8)."""

from datetime import date
from typing import Any

import pytest

from integrations.baserow.client import BaserowNotFound, BaserowRequestError
from tests.contract.helpers import error_of
from tests.contract.targets import BaserowTarget, Table


def _number(name: str, places: int, negative: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "type": "number",
        "number_decimal_places": places,
        "number_negative": negative,
    }


def _select(name: str, kind: str, *options: str) -> dict[str, Any]:
    colors = ("blue", "green", "red")
    return {
        "name": name,
        "type": kind,
        "select_options": [{"value": v, "color": colors[i % 3]} for i, v in enumerate(options)],
    }


@pytest.fixture
def tables(baserow_target: BaserowTarget) -> tuple[Table, Table]:
    """`cible` (a primary text) and `types`, with one field of each type the bridge uses."""
    cible = baserow_target.table("cible", [])
    types = baserow_target.table(
        "types",
        [
            {"name": "texte", "type": "long_text"},
            {"name": "courriel", "type": "email"},
            _number("h0", 0),
            _number("h1", 1),
            _number("h2", 2),
            {"name": "debut", "type": "date", "date_format": "ISO", "date_include_time": False},
            {"name": "actif", "type": "boolean"},
            _select("statut", "single_select", "prevu", "realise"),
            _select("roles", "multiple_select", "formateur", "admin"),
            {"name": "lien", "type": "link_row", "link_row_table_id": cible.id},
        ],
    )
    return cible, types


def test_every_type_is_written_by_value_and_read_in_baserows_shapes(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    cible, types = tables
    client = baserow_target.client
    target_row = client.create_row(cible.id, {"nom": "Cible A"})
    row = client.create_row(
        types.id,
        {
            "nom": "Ligne",
            "texte": "deux\nlignes",
            "courriel": "a@example.org",
            "h0": 3,
            "h1": "2.5",
            "h2": "1.25",
            "debut": "2026-11-02",
            "actif": True,
            "statut": "prevu",
            "roles": ["formateur", "admin"],
            "lien": [target_row["id"]],
        },
    )
    assert {"id", "order"} <= row.keys()
    assert row["order"] == f"{row['id']}.00000000000000000000"
    assert (row["h0"], row["h1"], row["h2"]) == ("3", "2.5", "1.25")
    assert row["debut"] == "2026-11-02"
    assert row["actif"] is True
    assert row["texte"] == "deux\nlignes"
    assert row["statut"]["value"] == "prevu"
    assert set(row["statut"]) == {"id", "value", "color"}
    assert [o["value"] for o in row["roles"]] == ["formateur", "admin"]
    assert row["lien"] == [
        {"id": target_row["id"], "value": "Cible A", "order": target_row["order"]}
    ]
    assert client.get_row(types.id, row["id"]) == row


def test_selects_are_written_by_id_and_links_by_primary_text(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    cible, types = tables
    client = baserow_target.client
    client.create_row(cible.id, {"nom": "Cible B"})
    statut = types.option_id("statut", "realise")
    admin = types.option_id("roles", "admin")
    row = client.create_row(
        types.id, {"nom": "Par id", "statut": statut, "roles": [admin], "lien": ["Cible B"]}
    )
    assert row["statut"]["id"] == statut
    assert [o["id"] for o in row["roles"]] == [admin]
    assert [link["value"] for link in row["lien"]] == ["Cible B"]


def test_empty_cells_read_as_null_false_or_empty_lists(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    _cible, types = tables
    row = baserow_target.client.create_row(types.id, {})
    assert {key: row[key] for key in row if key not in ("id", "order")} == {
        "nom": None,
        "texte": None,
        "courriel": "",  # email, url and phone_number store "" for empty; text stores null
        "h0": None,
        "h1": None,
        "h2": None,
        "debut": None,
        "actif": False,
        "statut": None,
        "roles": [],
        "lien": [],
    }


def test_an_update_returns_the_full_row_and_null_clears(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    _cible, types = tables
    client = baserow_target.client
    row = client.create_row(types.id, {"nom": "A", "h2": "4", "statut": "prevu", "debut": None})
    updated = client.update_row(types.id, row["id"], {"h2": None, "statut": None, "roles": []})
    assert updated.keys() == row.keys()
    assert (updated["nom"], updated["h2"], updated["statut"]) == ("A", None, None)
    date.fromisoformat(client.update_row(types.id, row["id"], {"debut": "2026-01-31"})["debut"])


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"h0": "abc"}, "h0"),
        ({"h0": -1}, "h0"),
        ({"debut": "31/01/2026"}, "debut"),
        ({"lien": [{"id": 1}]}, "lien"),
    ],
)
def test_an_invalid_value_is_a_400_naming_the_field(
    baserow_target: BaserowTarget, tables: tuple[Table, Table], values: Any, field: str
) -> None:
    _cible, types = tables
    with pytest.raises(BaserowRequestError) as caught:
        baserow_target.client.create_row(types.id, values)
    assert (caught.value.status, caught.value.code) == (400, "ERROR_REQUEST_BODY_VALIDATION")
    assert list(caught.value.detail) == [field]
    assert {"error", "code"} <= caught.value.detail[field][0].keys()


@pytest.mark.parametrize(
    ("values", "detail"),
    [
        (
            {"statut": "inconnu"},
            "The provided select option value 'inconnu' is not a valid select option.",
        ),
        (
            {"statut": 999999},
            "The provided select option value '999999' is not a valid select option.",
        ),
        (
            {"lien": ["Personne"]},
            "The provided text value 'Personne' doesn't match any row in the linked table.",
        ),
    ],
)
def test_an_unknown_option_or_link_text_is_a_400_with_a_text_detail(
    baserow_target: BaserowTarget, tables: tuple[Table, Table], values: Any, detail: str
) -> None:
    _cible, types = tables
    with pytest.raises(BaserowRequestError) as caught:
        baserow_target.client.create_row(types.id, values)
    assert (caught.value.code, caught.value.detail) == ("ERROR_REQUEST_BODY_VALIDATION", detail)
    with pytest.raises(BaserowRequestError) as caught:
        baserow_target.client.batch_create(types.id, [{}, values])
    assert caught.value.detail == detail  # the same in a batch: not keyed by item


def test_a_link_to_a_row_id_that_does_not_exist_is_dropped(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    cible, types = tables
    kept = baserow_target.client.create_row(cible.id, {"nom": "K"})
    row = baserow_target.client.create_row(types.id, {"lien": [999999, kept["id"]]})
    assert [link["id"] for link in row["lien"]] == [kept["id"]]


# -- numbers with 0, 1, 2 places (issue 10 §7; the fake's validation is fixed in another branch) --


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [("h0", 2, "2"), ("h1", "2.0", "2.0"), ("h1", 2, "2.0"), ("h2", "2.5", "2.50")],
)
def test_numbers_within_the_fields_places_are_accepted(
    baserow_target: BaserowTarget, tables: tuple[Table, Table], field: str, value: Any, shown: str
) -> None:
    _cible, types = tables
    assert baserow_target.client.create_row(types.id, {field: value})[field] == shown


@pytest.mark.parametrize(("field", "value"), [("h0", "2.0"), ("h1", "2.00"), ("h2", "1.125")])
def test_a_number_more_precise_than_the_field_is_refused(
    request: pytest.FixtureRequest,
    baserow_target: BaserowTarget,
    tables: tuple[Table, Table],
    field: str,
    value: str,
) -> None:
    _cible, types = tables
    with pytest.raises(BaserowRequestError) as caught:
        baserow_target.client.create_row(types.id, {field: value})
    assert caught.value.code == "ERROR_REQUEST_BODY_VALIDATION"
    assert caught.value.detail[field][0]["code"] == "max_decimal_places"


# -- batches ---------------------------------------------------------------------------------------


def test_batches_create_update_and_delete(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    _cible, types = tables
    client = baserow_target.client
    created = client.batch_create(types.id, [{"nom": f"r{i}", "h0": i} for i in range(3)])
    assert [row["nom"] for row in created] == ["r0", "r1", "r2"]
    updated = client.batch_update(types.id, [{"id": row["id"], "h0": 9} for row in created])
    assert [row["h0"] for row in updated] == ["9", "9", "9"]
    assert [row["nom"] for row in updated] == ["r0", "r1", "r2"]
    client.batch_delete(types.id, [created[0]["id"], created[1]["id"]])
    assert [row["id"] for row in client.iter_rows(types.id)] == [created[2]["id"]]


def test_a_batch_item_error_is_keyed_by_its_index(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    _cible, types = tables
    response = baserow_target.http.post(
        baserow_target.url(f"/api/database/rows/table/{types.id}/batch/"),
        params={"user_field_names": "true"},
        json={"items": [{"h0": 1}, {"h0": "x"}]},
        headers={"Authorization": baserow_target.token()},
    )
    status, code, detail = error_of(response)
    assert (status, code) == (400, "ERROR_REQUEST_BODY_VALIDATION")
    assert list(detail["items"]) == ["1"]
    assert list(detail["items"]["1"]) == ["h0"]
    assert baserow_target.client.list_rows(types.id).count == 0  # all or nothing


def test_a_batch_of_201_items_is_refused(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    _cible, types = tables
    response = baserow_target.http.post(
        baserow_target.url(f"/api/database/rows/table/{types.id}/batch/"),
        json={"items": [{}] * 201},
        headers={"Authorization": baserow_target.token()},
    )
    status, code, detail = error_of(response)
    assert (status, code) == (400, "ERROR_REQUEST_BODY_VALIDATION")
    assert detail["items"][0]["code"] == "max_length"


def test_duplicate_ids_in_a_batch_are_refused(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    _cible, types = tables
    row = baserow_target.client.create_row(types.id, {})
    with pytest.raises(BaserowRequestError) as caught:
        baserow_target.client.batch_update(types.id, [{"id": row["id"]}, {"id": row["id"]}])
    assert (caught.value.status, caught.value.code) == (400, "ERROR_ROW_IDS_NOT_UNIQUE")


# -- 404s ------------------------------------------------------------------------------------------


def test_a_missing_row_is_a_404_naming_it(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    _cible, types = tables
    """Baserow prints the list it has: ids taken from the URL are strings on get and delete."""
    with pytest.raises(BaserowNotFound) as caught:
        baserow_target.client.get_row(types.id, 999999)
    assert caught.value.code == "ERROR_ROW_DOES_NOT_EXIST"
    assert caught.value.detail == "The rows ['999999'] do not exist."
    with pytest.raises(BaserowNotFound) as caught:
        baserow_target.client.delete_row(types.id, 999999)
    assert caught.value.detail == "The rows ['999999'] do not exist."
    with pytest.raises(BaserowNotFound) as caught:
        baserow_target.client.update_row(types.id, 999999, {"nom": "x"})
    assert caught.value.detail == "The rows [999999] do not exist."


def test_missing_rows_in_a_batch_are_listed_as_numbers(
    baserow_target: BaserowTarget, tables: tuple[Table, Table]
) -> None:
    _cible, types = tables
    row = baserow_target.client.create_row(types.id, {})
    with pytest.raises(BaserowNotFound) as caught:
        baserow_target.client.batch_update(types.id, [{"id": row["id"]}, {"id": 999999}])
    assert caught.value.code == "ERROR_ROW_DOES_NOT_EXIST"
    assert caught.value.detail == "The rows [999999] do not exist."
    with pytest.raises(BaserowNotFound) as caught:
        baserow_target.client.batch_delete(types.id, [999998])
    assert caught.value.detail == "The rows [999998] do not exist."


def test_a_missing_table_is_a_404(baserow_target: BaserowTarget) -> None:
    with pytest.raises(BaserowNotFound) as caught:
        baserow_target.client.list_rows(99999999)
    assert caught.value.code == "ERROR_TABLE_DOES_NOT_EXIST"
    assert caught.value.detail == "The requested table does not exist."
