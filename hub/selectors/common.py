"""What the read selectors share: grouping rows by link, and fetching one page of a list."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from domain.entities import Link
from hub.queries import ListQuery, ListSpec, list_query_baserow, list_query_check
from hub.repository import Repository
from integrations.baserow.client import Condition, Filters


def by_link(items: Iterable[Any], attribute: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        target: Link | None = getattr(item, attribute)
        if target is not None:
            grouped[target.id].append(item)
    return grouped


def list_page(repo: Repository, spec: ListSpec, query: ListQuery) -> tuple[list[Any], int]:
    list_query_check(query, spec)
    filters, order_by = list_query_baserow(query, spec, repo)
    return repo.page(
        spec.entity, page=query.page, per_page=query.per_page, filters=filters, order_by=order_by
    )


def equal_option(repo: Repository, entity: str, logical: str, option_id: int | None) -> Filters:
    name = repo.field_name(entity, logical)
    return Filters(conditions=(Condition(name, "single_select_equal", option_id or 0),))
