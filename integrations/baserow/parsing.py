"""Baserow row representations → typed domain objects (CONTRACT section 4).

Numbers arrive as decimal strings, selects as `{id, value, color}`, links as
`[{id, value, order}]`, dates as ISO strings. A row that does not fit raises `RowParseError`
naming the entity, the row and the field, never a bare KeyError.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.entities import ENTITY_CLASSES, Entity, Link
from integrations.baserow.schema import SCHEMA, FieldSpec, TableMapping


class RowParseError(ValueError):
    def __init__(self, entity: str, row_id: Any, field: str, problem: str) -> None:
        super().__init__(f"{entity} {row_id}: field {field!r} {problem}")
        self.entity = entity
        self.row_id = row_id
        self.field = field
        self.problem = problem


def parse_decimal(raw: Any) -> Decimal:
    if raw is None or raw == "":
        return Decimal(0)
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError(f"is not a number: {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ValueError(f"is not a number: {raw!r}") from None
    if not value.is_finite():
        raise ValueError(f"is not a finite number: {raw!r}")
    return value


def parse_date(raw: Any) -> date | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise ValueError(f"is not an ISO date: {raw!r}")
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ValueError(f"is not an ISO date: {raw!r}") from None


def parse_text(raw: Any) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValueError(f"is not text: {raw!r}")
    return raw


def parse_select(raw: Any, options: tuple[str, ...]) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("value"), str):
        raise ValueError(f"is not a select option object: {raw!r}")
    value: str = raw["value"]
    if value not in options:
        raise ValueError(f"has the unknown option {value!r} (expected one of {', '.join(options)})")
    return value


def parse_links(raw: Any) -> tuple[Link, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError(f"is not a list of links: {raw!r}")
    links = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("id"), int):
            raise ValueError(f"has a malformed link: {item!r}")
        links.append(Link(id=item["id"], value=str(item.get("value") or "")))
    return tuple(links)


def _parse_value(spec: FieldSpec, raw: Any) -> Any:
    if spec.type == "number":
        return parse_decimal(raw)
    if spec.type == "date":
        return parse_date(raw)
    if spec.type == "single_select":
        return parse_select(raw, spec.options)
    if spec.type == "multiple_select":
        if raw is None:
            return ()
        if not isinstance(raw, list):
            raise ValueError(f"is not a list of options: {raw!r}")
        return tuple(parse_select(item, spec.options) for item in raw)
    if spec.type == "link_row":
        links = parse_links(raw)
        return links[0] if links else None  # every link of the bridge's schema is single
    return parse_text(raw)


def parse_row(entity: str, row: Any, table: TableMapping) -> Any:
    """One Baserow row (user field names) as the entity's dataclass (`domain.entities`)."""
    if not isinstance(row, dict) or not isinstance(row.get("id"), int):
        raise RowParseError(entity, "?", "id", "is missing: not a Baserow row")
    values: dict[str, Any] = {"id": row["id"]}
    for logical, spec in SCHEMA[entity].items():
        name = table.name(logical)
        if name not in row:
            raise RowParseError(
                entity, row["id"], name, "is missing from the row (check the mapping)"
            )
        try:
            values[logical] = _parse_value(spec, row[name])
        except ValueError as exc:
            raise RowParseError(entity, row["id"], name, str(exc)) from None
    entity_class: type[Entity] = ENTITY_CLASSES[entity]
    return entity_class(**values)
