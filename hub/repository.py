"""Reads of Baserow rows as domain objects, for selectors.

Each method is one Baserow request (or one paginated stream): related rows are always fetched
with a filter on the parent ids, never one request per parent.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache

from domain.entities import Entity
from domain.errors import NotFound
from hub.errors import ApplicationError, ErrorCode
from integrations.baserow.client import BaserowNotFound, Filters
from integrations.baserow.connection import BaserowConnection, baserow
from integrations.baserow.numbers import NumberDoesNotFit, NumberFormat, baserow_number
from integrations.baserow.parsing import parse_row

# `rows_by_id`: up to this many ids, one request per row; beyond, one stream over the table.
ROWS_BY_ID_ONE_BY_ONE = 5


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
        except BaserowNotFound as exc:
            if exc.row_missing:  # a missing table is the mapping's problem, not the caller's
                raise NotFound(entity, row_id) from None
            raise
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

    def rows_by_id(self, entity: str, row_ids: Iterable[int]) -> dict[int, Any]:
        """The rows with these ids that still exist (Baserow has no filter on the row id): one
        request each for a few, else one paginated stream over the table (a table's size, not
        the number of ids, bounds the cost)."""
        ids = set(row_ids)
        if not ids:
            return {}
        if len(ids) <= ROWS_BY_ID_ONE_BY_ONE:
            found: dict[int, Any] = {}
            for row_id in sorted(ids):
                try:
                    found[row_id] = self.get(entity, row_id)
                except NotFound:
                    continue
            return found
        table_id = self.mapping.table(entity).table_id
        rows = (row for row in self.client.iter_rows(table_id) if row.get("id") in ids)
        return {row["id"]: self._parse(entity, row) for row in rows}

    def fields(self, entity: str) -> list[dict[str, Any]]:
        """The table's field objects (select options, number formats), cached a few minutes."""
        table_id = self.mapping.table(entity).table_id
        key = _fields_key(table_id)
        fields: list[dict[str, Any]] | None = cache.get(key)
        if fields is None:
            fields = self.client.list_fields(table_id)
            cache.set(key, fields, settings.BASEROW_FIELDS_CACHE_SECONDS)
        return fields

    def fields_forget(self, entity: str) -> None:
        """Drop the cached field objects (Baserow refused a write made from them)."""
        cache.delete(_fields_key(self.mapping.table(entity).table_id))

    def _field(self, entity: str, logical: str) -> dict[str, Any] | None:
        name = self.field_name(entity, logical)
        return next((field for field in self.fields(entity) if field["name"] == name), None)

    def option_id(self, entity: str, logical: str, value: str) -> int | None:
        """Baserow's id of a select option (filters on selects take ids, not values)."""
        field = self._field(entity, logical)
        for option in (field or {}).get("select_options", []):
            if option["value"] == value:
                return int(option["id"])
        return None

    def to_baserow(
        self, entity: str, values: Mapping[str, Any], *, inputs: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """A row's values (logical names → domain values) as the body of a Baserow write.

        Numbers get exactly their field's decimal places (Baserow refuses `"2.00"` for a 1-place
        field); one that needs more places than its field holds, or a negative one where the
        field refuses negatives, is a 400 VALIDATION_ERROR naming the field, before anything is
        written. `inputs` names the request field that carried each value, for that error.
        """
        payload: dict[str, Any] = {}
        for logical, value in values.items():
            if isinstance(value, Decimal | int) and not isinstance(value, bool):
                value = self._number(entity, logical, value, (inputs or {}).get(logical))
            elif isinstance(value, date):
                value = value.isoformat()
            payload[self.field_name(entity, logical)] = value
        return payload

    def _number(self, entity: str, logical: str, value: Decimal | int, given_as: str | None) -> Any:
        try:
            return self._formatted(entity, logical, value)
        except NumberDoesNotFit:
            self.fields_forget(entity)  # refuse on the field as it is now, not as cached
        try:
            return self._formatted(entity, logical, value)
        except NumberDoesNotFit as exc:
            name = given_as or logical
            number_format = exc.number_format
            problem = (
                f"Baserow's field {entity}.{self.field_name(entity, logical)} holds "
                f"{number_format.describe()}"
                + ("" if number_format.negative else ", not negative")
                + f": {exc.reason}."
            )
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR, f"{name}: {problem}", details={name: [problem]}
            ) from None

    def _formatted(self, entity: str, logical: str, value: Decimal | int) -> Any:
        field = self._field(entity, logical)
        number_format = NumberFormat.of_field(field) if field is not None else None
        if number_format is None:  # not a number field here: Baserow will say what it thinks
            return str(value) if isinstance(value, Decimal) else value
        return baserow_number(value, number_format)


def _fields_key(table_id: int) -> str:
    return f"baserow-fields:{table_id}"


def entities_by_id(items: Iterable[Entity]) -> dict[int, Entity]:
    return {item.id: item for item in items}
