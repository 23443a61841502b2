"""Baserow: the schema as the bootstrap creates it (CONTRACT §5, errata 2)."""

import pytest

from integrations.baserow.bootstrap import baserow_bootstrap
from integrations.baserow.client import BaserowRequestError
from integrations.baserow.schema import ENTITIES, SCHEMA
from tests.contract.targets import BaserowTarget


def test_a_table_created_with_a_header_has_one_primary_text_field_and_no_rows(
    baserow_target: BaserowTarget,
) -> None:
    created = baserow_target.client.create_table(
        baserow_target.database_id, baserow_target.name("header"), "nom"
    )
    baserow_target.adopt(created["id"])
    assert {"id", "name", "order", "database_id"} <= created.keys()
    assert created["database_id"] == baserow_target.database_id
    fields = baserow_target.client.list_fields(created["id"])
    assert [(f["name"], f["type"], f["primary"]) for f in fields] == [("nom", "text", True)]
    assert baserow_target.client.list_rows(created["id"]).count == 0


def test_a_select_option_needs_its_color(baserow_target: BaserowTarget) -> None:
    table = baserow_target.table("colors", [])
    with pytest.raises(BaserowRequestError) as caught:
        baserow_target.client.create_field(
            table.id,
            {
                "name": "statut",
                "type": "single_select",
                "select_options": [{"value": "a", "color": "blue"}, {"value": "b"}],
            },
        )
    assert caught.value.code == "ERROR_REQUEST_BODY_VALIDATION"
    assert caught.value.detail == {
        "select_options": [
            {},
            {"color": [{"error": "This field is required.", "code": "required"}]},
        ]
    }


def test_the_bootstrap_creates_every_table_and_field_then_changes_nothing(
    baserow_target: BaserowTarget,
) -> None:
    """Fields are created right after their table: real Baserow can answer 409
    ERROR_FAILED_TO_LOCK_TABLE_DUE_TO_CONFLICT there, and the client retries it."""
    names = {entity: baserow_target.name(entity) for entity in ENTITIES}
    report = baserow_bootstrap(
        client=baserow_target.client, database_id=baserow_target.database_id, table_names=names
    )
    for entity in ENTITIES:
        baserow_target.adopt(report.mapping.tables[entity].table_id)
    assert report.warnings == []
    for entity in ENTITIES:
        fields = {
            f["name"]: f
            for f in baserow_target.client.list_fields(report.mapping.tables[entity].table_id)
        }
        for name, spec in SCHEMA[entity].items():
            assert fields[name]["type"] == spec.type, f"{entity}.{name}"
            if spec.type == "number":
                assert fields[name]["number_decimal_places"] == spec.decimals
            if spec.options:
                have = [o["value"] for o in fields[name]["select_options"]]
                assert have == list(spec.options)
            if spec.type == "link_row":
                target = report.mapping.tables[spec.link_to or ""].table_id
                assert fields[name]["link_row_table_id"] == target
    again = baserow_bootstrap(
        client=baserow_target.client, database_id=baserow_target.database_id, table_names=names
    )
    assert again.created == []
    assert again.mapping == report.mapping
