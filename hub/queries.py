"""List endpoints' query parameters (seed section 4.4), translated into Baserow filters.

`page`, `per_page` (default 50, max 200), `sort=field` or `sort=-field`, `filter[field]=value`.
Each list declares which fields it can filter and sort on; anything else is a 400 naming it.
Filters and sorting run in Baserow, never in Python after fetching everything.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from hub.errors import ApplicationError, ErrorCode
from hub.repository import Repository
from integrations.baserow.client import Condition, Filters
from integrations.baserow.schema import SCHEMA

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
T = TypeVar("T")


@dataclass(frozen=True)
class ListSpec:
    entity: str
    filters: dict[str, str] = field(default_factory=dict)  # filter[name] -> logical field
    sorts: dict[str, str] = field(default_factory=dict)  # sort key -> logical field
    extra_conditions: tuple[Condition, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ListQuery:
    """Which page of a list, in the list's own words: `sort` keys ("nom", "-nom") and
    `filters` (filter name → value) as the `ListSpec` names them. Build it directly (MCP tools,
    reports) or from query parameters with `ListQuery.from_params`."""

    page: int = 1
    per_page: int = 50
    sort: tuple[str, ...] = ()
    filters: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Mapping[str, str], spec: "ListSpec") -> "ListQuery":
        """`page`, `per_page`, `sort` and `filter[name]` parameters, checked against `spec`:
        anything wrong is one VALIDATION_ERROR naming every bad parameter."""
        return list_query_parse(params, spec)


@dataclass(frozen=True)
class PageMeta:
    page: int
    per_page: int
    total: int
    total_pages: int


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and where it sits in the whole."""

    items: list[T]
    meta: PageMeta


def page_of(items: list[T], query: ListQuery, total: int) -> Page[T]:
    pages = math.ceil(total / query.per_page) if total else 0
    return Page(items, PageMeta(query.page, query.per_page, total, pages))


# Ids and page numbers fit Baserow's 64-bit columns; longer digit strings are refused, not parsed.
_MAX_DIGITS = 18
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def ascii_int(raw: str) -> int | None:
    """`raw` as a non-negative integer if it is ASCII digits only (`str.isdigit` also accepts
    "²" and other Unicode digits, which `int()` then refuses), else None."""
    if not raw or len(raw) > _MAX_DIGITS or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


def _positive_int(
    params: Mapping[str, str], name: str, default: int, errors: dict[str, list[str]]
) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    value = ascii_int(raw)
    if value is None or value < 1:
        errors[name] = [f"Must be a positive integer (ASCII digits), got {raw[:40]!r}."]
        return default
    return value


def _filter_problem(entity: str, logical: str, value: str) -> str | None:
    """Why `value` cannot filter `logical` (a select's options, an id, a number), or None."""
    spec = SCHEMA[entity][logical]
    if spec.type in ("single_select", "multiple_select") and value not in spec.options:
        return f"{value[:40]!r} is not one of: {', '.join(spec.options)}."
    if spec.type == "link_row" and ascii_int(value) is None:
        return f"Must be the id of a {spec.link_to} (ASCII digits), got {value[:40]!r}."
    if spec.type == "number" and (len(value) > 40 or not _NUMBER.fullmatch(value)):
        return f"Must be a decimal number such as 12 or 7.5, got {value[:40]!r}."
    return None


def list_query_parse(params: Mapping[str, str], spec: ListSpec) -> ListQuery:
    """The list parameters of a request, checked; every problem is named in one 400."""
    errors: dict[str, list[str]] = {}
    page = _positive_int(params, "page", 1, errors)
    per_page = _positive_int(params, "per_page", DEFAULT_PER_PAGE, errors)
    if per_page > MAX_PER_PAGE:
        errors["per_page"] = [f"At most {MAX_PER_PAGE}, got {per_page}."]

    filters: dict[str, str] = {}
    for key, value in params.items():
        if not key.startswith("filter"):
            continue
        name = key[len("filter[") : -1] if key.startswith("filter[") and key.endswith("]") else ""
        if name not in spec.filters:
            allowed = ", ".join(spec.filters) or "none"
            errors[key[:80]] = [f"Unknown filter. Filterable fields: {allowed}."]
            continue
        problem = _filter_problem(spec.entity, spec.filters[name], str(value))
        if problem is not None:
            errors[key] = [problem]
            continue
        filters[name] = str(value)

    sort: list[str] = []
    raw_sort = params.get("sort")
    if raw_sort is not None and "" in raw_sort.split(","):
        errors["sort"] = ["An empty sort key: give field names, comma-separated (`nom,-statut`)."]
        raw_sort = None
    for raw in raw_sort.split(",") if raw_sort else ():
        key = raw.lstrip("-")
        if key not in spec.sorts:
            allowed = ", ".join(spec.sorts) or "none"
            errors["sort"] = [f"Cannot sort by {key[:40]!r}. Sortable fields: {allowed}."]
            continue
        sort.append(("-" if raw.startswith("-") else "") + key)

    if errors:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, "Invalid list parameters.", details=errors
        )
    return ListQuery(page=page, per_page=per_page, sort=tuple(sort), filters=filters)


def _condition(repo: Repository, entity: str, logical: str, value: str) -> Condition:
    spec = SCHEMA[entity][logical]
    name = repo.field_name(entity, logical)
    if spec.type in ("single_select", "multiple_select"):
        # An option missing in this Baserow matches nothing (id 0).
        option_id = repo.option_id(entity, logical, value) or 0
        kind = "single_select_equal" if spec.type == "single_select" else "multiple_select_has"
        return Condition(name, kind, option_id)
    if spec.type == "link_row":
        return Condition(name, "link_row_has", value)
    return Condition(name, "equal", value)


def list_query_check(query: ListQuery, spec: ListSpec) -> None:
    """A ListQuery built in code (not parsed from parameters) obeys the same rules."""
    params = {"page": str(query.page), "per_page": str(query.per_page)}
    if query.sort:
        params["sort"] = ",".join(query.sort)
    params.update({f"filter[{name}]": value for name, value in query.filters.items()})
    list_query_parse(params, spec)


def list_query_baserow(
    query: ListQuery, spec: ListSpec, repo: Repository
) -> tuple[Filters, tuple[str, ...]]:
    """The query as Baserow filters and field order (filtering and sorting run in Baserow)."""
    conditions = list(spec.extra_conditions)
    for name, value in query.filters.items():
        conditions.append(_condition(repo, spec.entity, spec.filters[name], value))
    order_by = tuple(
        ("-" if key.startswith("-") else "")
        + repo.field_name(spec.entity, spec.sorts[key.lstrip("-")])
        for key in query.sort
    )
    return Filters(conditions=tuple(conditions)), order_by
