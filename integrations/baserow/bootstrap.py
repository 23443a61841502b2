"""Create the bridge's schema (SPEC section 3) in an existing Baserow database.

Idempotent: tables and fields that exist are kept as they are; what is missing is added
(tables, fields, select options). Returns the mapping to configure the bridge with.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from integrations.baserow.client import BaserowClient
from integrations.baserow.schema import (
    ENTITIES,
    SCHEMA,
    FieldSpec,
    SchemaMapping,
    TableMapping,
    primary_field,
)

COLORS = ("blue", "green", "orange", "red", "purple", "yellow", "brown", "gray")


@dataclass
class BootstrapReport:
    mapping: SchemaMapping
    created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _field_body(name: str, spec: FieldSpec, table_ids: dict[str, int]) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "type": spec.type}
    if spec.type == "number":
        body |= {"number_decimal_places": spec.decimals, "number_negative": False}
    elif spec.type == "date":
        body |= {"date_format": "ISO", "date_include_time": False}
    elif spec.type in ("single_select", "multiple_select"):
        body["select_options"] = [
            {"value": option, "color": COLORS[i % len(COLORS)]}
            for i, option in enumerate(spec.options)
        ]
    elif spec.type == "link_row":
        body |= {"link_row_table_id": table_ids[spec.link_to or ""], "has_related_field": True}
    return body


def baserow_bootstrap(
    *,
    client: BaserowClient,
    database_id: int,
    table_names: dict[str, str] | None = None,
    progress: Callable[[str], None] = lambda _message: None,
) -> BootstrapReport:
    names = {entity: (table_names or {}).get(entity, entity) for entity in ENTITIES}
    existing_tables = {table["name"]: table["id"] for table in client.list_tables(database_id)}
    table_ids: dict[str, int] = {}
    created: list[str] = []
    warnings: list[str] = []

    for entity in ENTITIES:  # tables first: links need their target's id
        name = names[entity]
        if name in existing_tables:
            table_ids[entity] = existing_tables[name]
            progress(f"table {name}: exists (id {table_ids[entity]})")
            continue
        table = client.create_table(database_id, name, primary_field(entity))
        table_ids[entity] = table["id"]
        created.append(f"table {name}")
        progress(f"table {name}: created (id {table['id']})")

    for entity in ENTITIES:
        table_id = table_ids[entity]
        fields = {f["name"]: f for f in client.list_fields(table_id)}
        for name, spec in SCHEMA[entity].items():
            current = fields.get(name)
            if current is None:
                client.create_field(table_id, _field_body(name, spec, table_ids))
                created.append(f"field {names[entity]}.{name}")
                progress(f"  {names[entity]}.{name}: created ({spec.type})")
                continue
            if current["type"] != spec.type:
                warnings.append(
                    f"{names[entity]}.{name} is a {current['type']} field, the bridge expects "
                    f"{spec.type}: left unchanged, change it in Baserow."
                )
                continue
            if spec.options:
                have = [option["value"] for option in current.get("select_options", [])]
                missing = [option for option in spec.options if option not in have]
                if missing:
                    options = current["select_options"] + [
                        {"value": value, "color": COLORS[(len(have) + i) % len(COLORS)]}
                        for i, value in enumerate(missing)
                    ]
                    client.update_field(current["id"], {"select_options": options})
                    created.append(f"options {names[entity]}.{name}: {', '.join(missing)}")
                    progress(f"  {names[entity]}.{name}: added options {', '.join(missing)}")

    mapping = SchemaMapping(
        tables={entity: TableMapping(table_id=table_ids[entity]) for entity in ENTITIES}
    )
    return BootstrapReport(mapping=mapping, created=created, warnings=warnings)
