"""Reads of Baserow rows as domain objects, for selectors.

Each method is one Baserow request (or one paginated stream): related rows are always fetched
with a filter on the parent ids, never one request per parent.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from domain.entities import Entity
from domain.errors import NotFound
from integrations.baserow.client import BaserowNotFound, Filters
from integrations.baserow.connection import BaserowConnection, baserow
from integrations.baserow.parsing import parse_row


class Repository:
    def __init__(self, connection: BaserowConnection | None = None) -> None:
        self.connection = connection or baserow()
        self.client = self.connection.client
        self.mapping = self.connection.mapping

    def field_name(self, entity: str, logical: str) -> str:
        return self.mapping.table(entity).name(logical)

    def _parse(self, entity: str, row: dict[str, Any]) -> Any:
        return parse_row(entity, row, self.mapping.table(entity))

    def get(self, entity: str, row_id: int) -> Any:
        try:
            row = self.client.get_row(self.mapping.table(entity).table_id, row_id)
        except BaserowNotFound:
            raise NotFound(entity, row_id) from None
        return self._parse(entity, row)

    def page(
        self,
        entity: str,
        *,
        page: int,
        per_page: int,
        filters: Filters | None = None,
        order_by: Iterable[str] = (),
    ) -> tuple[list[Any], int]:
        result = self.client.list_rows(
            self.mapping.table(entity).table_id,
            page=page,
            size=per_page,
            filters=filters,
            order_by=order_by,
        )
        return [self._parse(entity, row) for row in result.results], result.count

    def linked(self, entity: str, link_field: str, parent_ids: Iterable[int]) -> list[Any]:
        """Every `entity` row whose `link_field` points at one of `parent_ids`."""
        ids = sorted(set(parent_ids))
        if not ids:
            return []
        filters = Filters.any_of(self.field_name(entity, link_field), "link_row_has", ids)
        table_id = self.mapping.table(entity).table_id
        return [
            self._parse(entity, row) for row in self.client.iter_rows(table_id, filters=filters)
        ]

    def option_id(self, entity: str, logical: str, value: str) -> int | None:
        """Baserow's id of a select option (filters on selects take ids, not values)."""
        table_id = self.mapping.table(entity).table_id
        key = f"baserow-fields:{table_id}"
        fields: list[dict[str, Any]] | None = cache.get(key)
        if fields is None:
            fields = self.client.list_fields(table_id)
            cache.set(key, fields, settings.BASEROW_FIELDS_CACHE_SECONDS)
        name = self.field_name(entity, logical)
        for field in fields:
            if field["name"] == name:
                for option in field.get("select_options", []):
                    if option["value"] == value:
                        return int(option["id"])
        return None


def entities_by_id(items: Iterable[Entity]) -> dict[int, Entity]:
    return {item.id: item for item in items}
