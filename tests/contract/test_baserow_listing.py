"""Baserow: list pagination, page-size limits, and each filter and sort the bridge's selectors
use (hub/selectors/, hub/queries.py, hub/repository.py; CONTRACT §3)."""

from typing import Any

import pytest

from integrations.baserow.client import BaserowRequestError, Condition, Filters
from tests.contract.helpers import error_of
from tests.contract.targets import BaserowTarget, Table


@pytest.fixture
def world(baserow_target: BaserowTarget) -> dict[str, Any]:
    """Five `module` rows linked to two `bloc` rows, with a status, roles and hours."""
    bloc = baserow_target.table("bloc", [])
    module = baserow_target.table(
        "module",
        [
            {"name": "bloc", "type": "link_row", "link_row_table_id": bloc.id},
            {"name": "heures", "type": "number", "number_decimal_places": 2},
            {
                "name": "statut",
                "type": "single_select",
                "select_options": [
                    {"value": "a_attribuer", "color": "blue"},
                    {"value": "realise", "color": "green"},
                ],
            },
            {
                "name": "roles",
                "type": "multiple_select",
                "select_options": [
                    {"value": "formateur", "color": "blue"},
                    {"value": "admin", "color": "red"},
                ],
            },
        ],
    )
    client = baserow_target.client
    b1, b2 = client.batch_create(bloc.id, [{"nom": "B1"}, {"nom": "B2"}])
    rows = client.batch_create(
        module.id,
        [
            {"nom": "delta", "bloc": [b1["id"]], "heures": "7.5", "statut": "realise"},
            {"nom": "alpha", "bloc": [b2["id"]], "heures": "3", "roles": ["admin"]},
            {"nom": "echo", "bloc": [b1["id"], b2["id"]], "heures": "12", "statut": "realise"},
            {"nom": "charlie", "bloc": [], "heures": "7.5", "roles": ["formateur", "admin"]},
            {"nom": "bravo", "bloc": [b2["id"]], "heures": None, "statut": "a_attribuer"},
        ],
    )
    return {"module": module, "b1": b1["id"], "b2": b2["id"], "rows": rows}


def _names(target: BaserowTarget, table: Table, **kwargs: Any) -> list[str]:
    return [row["nom"] for row in target.client.iter_rows(table.id, **kwargs)]


def test_pages_count_everything_and_past_the_end_is_empty(
    baserow_target: BaserowTarget, world: dict[str, Any]
) -> None:
    module = world["module"]
    first = module.rows(size=2, page=1).json()
    assert first["count"] == 5
    assert [row["nom"] for row in first["results"]] == ["delta", "alpha"]
    assert first["previous"] is None
    assert "page=2" in first["next"]
    last = module.rows(size=2, page=3).json()
    assert [row["nom"] for row in last["results"]] == ["bravo"]
    assert last["next"] is None
    past = module.rows(size=2, page=4)
    assert past.status_code == 200
    assert past.json()["results"] == []


def test_the_page_size_is_at_most_200(baserow_target: BaserowTarget, world: dict[str, Any]) -> None:
    module = world["module"]
    assert error_of(module.rows(size=201)) == (
        400,
        "ERROR_PAGE_SIZE_LIMIT",
        "The page size is limited to 200.",
    )
    assert len(module.rows(size=200).json()["results"]) == 5
    assert len(module.rows(size=0).json()["results"]) == 5  # falls back to 100


def test_default_order_is_creation_and_order_by_sorts(
    baserow_target: BaserowTarget, world: dict[str, Any]
) -> None:
    module = world["module"]
    assert _names(baserow_target, module) == ["delta", "alpha", "echo", "charlie", "bravo"]
    assert _names(baserow_target, module, order_by=["nom"]) == [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
    ]
    assert _names(baserow_target, module, order_by=["-nom"])[0] == "echo"
    # Numbers sort as numbers (12 after 7.5), empty first ascending; ties keep the id order.
    assert _names(baserow_target, module, order_by=["heures"]) == [
        "bravo",
        "alpha",
        "delta",
        "charlie",
        "echo",
    ]
    assert _names(baserow_target, module, order_by=["-heures", "nom"])[:3] == [
        "echo",
        "charlie",
        "delta",
    ]


def test_filters_the_selectors_use(baserow_target: BaserowTarget, world: dict[str, Any]) -> None:
    module: Table = world["module"]
    realise = module.option_id("statut", "realise")
    admin = module.option_id("roles", "admin")

    def names(*conditions: Condition, filter_type: str = "AND") -> list[str]:
        filters = Filters(conditions=conditions, filter_type=filter_type)
        return sorted(_names(baserow_target, module, filters=filters))

    assert names(Condition("nom", "equal", "alpha")) == ["alpha"]
    assert names(Condition("heures", "equal", "7.5")) == ["charlie", "delta"]
    assert names(Condition("statut", "single_select_equal", realise)) == ["delta", "echo"]
    assert names(Condition("statut", "single_select_equal", 0)) == []  # an option not there
    assert names(Condition("roles", "multiple_select_has", admin)) == ["alpha", "charlie"]
    assert names(Condition("bloc", "link_row_has", world["b1"])) == ["delta", "echo"]
    assert names(
        Condition("bloc", "link_row_has", world["b2"]),
        Condition("statut", "single_select_equal", realise),
    ) == ["echo"]
    any_bloc = Filters.any_of("bloc", "link_row_has", [world["b1"], world["b2"]])
    assert sorted(_names(baserow_target, module, filters=any_bloc)) == [
        "alpha",
        "bravo",
        "delta",
        "echo",
    ]
    assert sorted(
        _names(baserow_target, module, filters=Filters.any_of("nom", "equal", ["alpha", "echo"]))
    ) == ["alpha", "echo"]


def test_an_unknown_filter_field_or_type_or_sort_is_a_400(
    baserow_target: BaserowTarget, world: dict[str, Any]
) -> None:
    module = world["module"]
    client = baserow_target.client
    cases: list[tuple[dict[str, Any], str]] = [
        ({"filters": Filters(conditions=(Condition("nope", "equal", "x"),))}, "FILTER_FIELD"),
        ({"filters": Filters(conditions=(Condition("nom", "nope", "x"),))}, "FILTER_TYPE"),
        ({"order_by": ["nope"]}, "ORDER_BY"),
    ]
    codes = {
        "FILTER_FIELD": "ERROR_FILTER_FIELD_NOT_FOUND",
        "FILTER_TYPE": "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
        "ORDER_BY": "ERROR_ORDER_BY_FIELD_NOT_FOUND",
    }
    for kwargs, code in cases:
        with pytest.raises(BaserowRequestError) as caught:
            client.list_rows(module.id, **kwargs)
        assert (caught.value.status, caught.value.code) == (400, codes[code])
    response = module.rows(filters="{not json")
    assert error_of(response)[:2] == (400, "ERROR_FILTERS_PARAM_VALIDATION_ERROR")
