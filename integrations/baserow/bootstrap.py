"""Create the bridge's schema (SPEC section 3) in an existing Baserow database.

Idempotent: tables and fields that exist are kept as they are; what is missing is added
(tables, fields, select options). Returns the mapping to configure the bridge with.

Number fields that exist are compared with the schema (`number_decimal_places`,
`number_negative`) and each difference is reported. With `fix_numbers` the safe fixes are made:
more decimal places (lossless), negatives allowed, and negatives forbidden when no row holds
one. Never fewer decimal places (Baserow rounds the stored values) nor negatives forbidden over
negative values (Baserow sets them to 0): those stay reported, for a person to decide.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from integrations.baserow.client import BaserowClient, Condition, Filters
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
    changed: list[str] = field(default_factory=list)  # number fields fixed (fix_numbers)


def _field_body(name: str, spec: FieldSpec, table_ids: dict[str, int]) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "type": spec.type}
    if spec.type == "number":
        body |= {"number_decimal_places": spec.decimals, "number_negative": spec.negative}
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
    fix_numbers: bool = False,
    progress: Callable[[str], None] = lambda _message: None,
) -> BootstrapReport:
    names = {entity: (table_names or {}).get(entity, entity) for entity in ENTITIES}
    existing_tables = {table["name"]: table["id"] for table in client.list_tables(database_id)}
    table_ids: dict[str, int] = {}
    created: list[str] = []
    warnings: list[str] = []
    changed: list[str] = []

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
            if spec.type == "number":
                numbers = _NumberCheck(client, table_id, f"{names[entity]}.{name}", current, spec)
                found, fixes = numbers.compare(fix=fix_numbers)
                warnings += found
                changed += fixes
                for message in found + fixes:
                    progress(f"  {message}")
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
    return BootstrapReport(mapping=mapping, created=created, warnings=warnings, changed=changed)


@dataclass
class _NumberCheck:
    """One existing number field against its spec: what differs, and the safe fixes."""

    client: BaserowClient
    table_id: int
    label: str  # table.field, for messages
    current: dict[str, Any]
    spec: FieldSpec

    def compare(self, *, fix: bool) -> tuple[list[str], list[str]]:
        """(warnings, fixes made)."""
        changes: dict[str, Any] = {}
        warnings: list[str] = []
        places = int(self.current.get("number_decimal_places") or 0)
        if places < self.spec.decimals:
            if fix:
                changes["number_decimal_places"] = self.spec.decimals
            else:
                warnings.append(
                    f"{self.label} has {places} decimal place(s), the bridge's schema "
                    f"{self.spec.decimals}: values with more decimal places are refused (400). "
                    "Widening it is lossless: rerun with --fix-number-fields, or change it in "
                    "Baserow."
                )
        elif places > self.spec.decimals:
            warnings.append(
                f"{self.label} has {places} decimal places, the bridge's schema "
                f"{self.spec.decimals}: left unchanged (Baserow would round the stored values); "
                "the bridge writes it as it is."
            )
        negative = bool(self.current.get("number_negative"))
        if negative != self.spec.negative:
            problem = self._negative_problem(negative, fix)
            if problem:
                warnings.append(problem)
            else:
                changes["number_negative"] = self.spec.negative
        if changes:
            self.client.update_field(int(self.current["id"]), changes)
            described = ", ".join(f"{key} → {value}" for key, value in changes.items())
            return warnings, [f"{self.label}: {described}"]
        return warnings, []

    def _negative_problem(self, negative: bool, fix: bool) -> str:
        """Why `number_negative` is not set to the spec's value now ('' when it may be)."""
        if not negative:  # the schema allows negatives, the field does not: widening is safe
            if fix:
                return ""
            return (
                f"{self.label} refuses negative numbers, the bridge's schema allows them: rerun "
                "with --fix-number-fields, or change it in Baserow."
            )
        if not fix:
            return (
                f"{self.label} allows negative numbers, the bridge's schema does not: rerun with "
                "--fix-number-fields (only done while no row holds a negative value), or "
                "change it in Baserow."
            )
        below_zero = Filters(conditions=(Condition(self.current["name"], "lower_than", 0),))
        held = self.client.list_rows(self.table_id, size=1, filters=below_zero).count
        if held:
            return (
                f"{self.label} allows negative numbers and {held} row(s) hold one: left unchanged "
                "(Baserow would set them to 0); correct those rows, then rerun."
            )
        return ""
