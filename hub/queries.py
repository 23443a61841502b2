"""List endpoints' query parameters (seed section 4.4), translated into Baserow filters.

`page`, `per_page` (default 50, max 200), `sort=field` or `sort=-field`, `filter[field]=value`.
Each list declares which fields it can filter and sort on; anything else is a 400 naming it.
Filters and sorting run in Baserow, never in Python after fetching everything.
"""

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from hub.errors import ApplicationError, ErrorCode
from hub.repository import Repository
from integrations.baserow.client import Condition, Filters
from integrations.baserow.schema import SCHEMA

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class ListSpec:
    entity: str
    filters: dict[str, str] = field(default_factory=dict)  # filter[name] -> logical field
    sorts: dict[str, str] = field(default_factory=dict)  # sort key -> logical field
    extra_conditions: tuple[Condition, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ListQuery:
    page: int
    per_page: int
    filters: Filters
    order_by: tuple[str, ...]

    def meta(self, total: int) -> dict[str, int]:
        return {
            "page": self.page,
            "per_page": self.per_page,
            "total": total,
            "total_pages": math.ceil(total / self.per_page) if total else 0,
        }


# Ids and page numbers fit Baserow's 64-bit columns; longer digit strings are refused, not parsed.
_MAX_DIGITS = 18
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def ascii_int(raw: str) -> int | None:
    """`raw` as a non-negative integer if it is ASCII digits only (`str.isdigit` also accepts
    "²" and other Unicode digits, which `int()` then refuses), else None."""
    if not raw or len(raw) > _MAX_DIGITS or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


def _positive_int(params: QueryDict, name: str, default: int, errors: dict[str, list[str]]) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    value = ascii_int(raw)
    if value is None or value < 1:
        errors[name] = [f"Must be a positive integer (ASCII digits), got {raw[:40]!r}."]
        return default
    return value


def _condition(
    repo: Repository,
    entity: str,
    logical: str,
    param: str,
    value: str,
    errors: dict[str, list[str]],
) -> Condition | None:
    spec = SCHEMA[entity][logical]
    name = repo.field_name(entity, logical)
    if spec.type in ("single_select", "multiple_select"):
        if value not in spec.options:
            errors[param] = [f"{value[:40]!r} is not one of: {', '.join(spec.options)}."]
            return None
        option_id = repo.option_id(entity, logical, value)
        if option_id is None:  # the option is missing in this Baserow: nothing can match
            option_id = 0
        kind = "single_select_equal" if spec.type == "single_select" else "multiple_select_has"
        return Condition(name, kind, option_id)
    if spec.type == "link_row":
        if ascii_int(value) is None:
            errors[param] = [
                f"Must be the id of a {spec.link_to} (ASCII digits), got {value[:40]!r}."
            ]
            return None
        return Condition(name, "link_row_has", value)
    if spec.type == "number" and (len(value) > 40 or not _NUMBER.fullmatch(value)):
        errors[param] = [f"Must be a decimal number such as 12 or 7.5, got {value[:40]!r}."]
        return None
    return Condition(name, "equal", value)


def parse_list_query(params: QueryDict, spec: ListSpec, repo: Repository) -> ListQuery:
    errors: dict[str, list[str]] = {}
    page = _positive_int(params, "page", 1, errors)
    per_page = _positive_int(params, "per_page", DEFAULT_PER_PAGE, errors)
    if per_page > MAX_PER_PAGE:
        errors["per_page"] = [f"At most {MAX_PER_PAGE}, got {per_page}."]

    conditions = list(spec.extra_conditions)
    for key, value in params.items():
        if not key.startswith("filter"):
            continue
        name = key[len("filter[") : -1] if key.startswith("filter[") and key.endswith("]") else ""
        if name not in spec.filters:
            allowed = ", ".join(spec.filters) or "none"
            errors[key[:80]] = [f"Unknown filter. Filterable fields: {allowed}."]
            continue
        condition = _condition(repo, spec.entity, spec.filters[name], key, str(value), errors)
        if condition is not None:
            conditions.append(condition)

    order_by: list[str] = []
    for raw in filter(None, (params.get("sort") or "").split(",")):
        key = raw.lstrip("-")
        if key not in spec.sorts:
            allowed = ", ".join(spec.sorts) or "none"
            errors["sort"] = [f"Cannot sort by {key[:40]!r}. Sortable fields: {allowed}."]
            continue
        field_name = repo.field_name(spec.entity, spec.sorts[key])
        order_by.append(("-" if raw.startswith("-") else "") + field_name)

    if errors:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "Invalid list parameters.", details=errors
        )
    return ListQuery(
        page=page,
        per_page=per_page,
        filters=Filters(conditions=tuple(conditions)),
        order_by=tuple(order_by),
    )


def paginated(items: list[Any], query: ListQuery, total: int) -> dict[str, Any]:
    return {"data": items, "meta": query.meta(total)}
