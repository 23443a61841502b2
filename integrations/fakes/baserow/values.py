"""Cell values: how each field type is stored, read back, written (ids or values for selects and
links) and validated, and rows inserted and written (both sides of a link)."""

from datetime import date
from decimal import Decimal
from typing import Any

from integrations.fakes.baserow.errors import _field_error, _validation
from integrations.fakes.baserow.models import TRUE_STRINGS, FakeField, FakeTable, _defaults
from integrations.fakes.baserow.state import BaserowState
from integrations.fakes.baserow.validators import _drf_number


class ValuesMixin(BaserowState):
    def _read_value(self, column: FakeField, value: Any) -> Any:
        if column.type in ("email", "url", "phone_number"):
            return value or ""  # these columns store "" for empty, unlike text
        if column.type == "number":
            return None if value is None else f"{value:.{column.decimals}f}"
        if column.type == "boolean":
            return bool(value)
        if column.type == "date":
            return value.isoformat() if value else None
        if column.type == "single_select":
            return next((dict(o) for o in column.options if o["id"] == value), None)
        if column.type == "multiple_select":
            return [dict(o) for o in column.options if o["id"] in (value or [])]
        if column.type == "link_row":
            target = self.tables[column.link_table_id or 0]
            primary = next(f for f in target.fields if f.primary)
            links = []
            for row_id in value or []:
                if row_id in target.rows:
                    shown = self._read_value(primary, target.rows[row_id].get(primary.id))
                    links.append(
                        {
                            "id": row_id,
                            "value": "" if shown is None else str(shown),
                            "order": f"{target.orders[row_id]:.20f}",
                        }
                    )
            return links
        return value

    def _serialize_row(
        self, table: FakeTable, row_id: int, user_field_names: bool
    ) -> dict[str, Any]:
        row = table.rows[row_id]
        data: dict[str, Any] = {"id": row_id, "order": f"{table.orders[row_id]:.20f}"}
        for column in table.fields:
            key = column.name if user_field_names else f"field_{column.id}"
            data[key] = self._read_value(column, row.get(column.id))
        return data

    def _serialize_values(
        self, table: FakeTable, row_id: int, values: dict[int, Any], user_field_names: bool
    ) -> dict[str, Any]:
        """A row as the API shows it, from stored values (a deleted row's too)."""
        data: dict[str, Any] = {"id": row_id, "order": f"{table.orders.get(row_id, 0):.20f}"}
        for column in table.fields:
            key = column.name if user_field_names else f"field_{column.id}"
            data[key] = self._read_value(column, values.get(column.id))
        return data

    def _write_value(self, column: FakeField, raw: Any) -> Any:  # one branch per type
        if column.type in ("text", "long_text", "email", "phone_number", "url"):
            if raw is not None and not isinstance(raw, str):
                raise ValueError("Not a valid string.")
            return raw
        if column.type == "number":
            return _drf_number(raw, places=column.decimals, negative=column.negative)
        if column.type == "boolean":
            if isinstance(raw, bool):
                return raw
            return str(raw).lower() in TRUE_STRINGS | {"checked"}
        if column.type == "date":
            if raw in (None, ""):
                return None
            try:
                return date.fromisoformat(str(raw)[:10])
            except ValueError:
                raise ValueError(
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ) from None
        if column.type == "single_select":
            if raw is None:
                return None
            return self._option_id(column, raw)
        if column.type == "multiple_select":
            values = raw.split(",") if isinstance(raw, str) else (raw or [])
            return [self._option_id(column, v) for v in values]
        if column.type == "link_row":
            return self._link_ids(column, raw)
        return raw

    @staticmethod
    def _option_id(column: FakeField, raw: Any) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise ValueError("The provided value should be a valid integer or string")
        for option in column.options:
            if (
                isinstance(raw, int) and not isinstance(raw, bool) and option["id"] == raw
            ) or option["value"] == raw:
                return int(option["id"])
        # Raised past the serializer: the whole detail is this string, not a per-field list.
        raise _validation(f"The provided select option value '{raw}' is not a valid select option.")

    def _link_ids(self, column: FakeField, raw: Any) -> list[int]:
        if raw is None:
            return []
        values = [v.strip() for v in raw.split(",")] if isinstance(raw, str) else raw
        if not isinstance(values, list):
            raise ValueError("Expected a list of items but got type.")
        target = self.tables[column.link_table_id or 0]
        primary = next(f for f in target.fields if f.primary)
        ids: list[int] = []
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError("The provided value must be a list of valid integer or string.")
            if isinstance(value, int) or value.isdigit():
                row_id = int(value)
                if row_id in target.rows:  # an id that is not there is dropped silently
                    ids.append(row_id)
            else:
                found = [
                    rid for rid, row in target.rows.items() if str(row.get(primary.id)) == value
                ]
                if not found:
                    raise _validation(
                        f"The provided text value '{value}' doesn't match any row in the "
                        "linked table."
                    )
                ids.append(found[0])
        return ids

    def _resolve_values(
        self, table: FakeTable, values: Any, user_field_names: bool
    ) -> dict[int, Any]:
        if not isinstance(values, dict):
            raise _validation(
                {"non_field_errors": _field_error("Invalid data. Expected a dictionary.")}
            )
        by_key = {(f.name if user_field_names else f"field_{f.id}"): f for f in table.fields}
        resolved: dict[int, Any] = {}
        errors: dict[str, Any] = {}
        for key, raw in values.items():
            column = by_key.get(key)
            if column is None:
                continue  # unknown keys are ignored, as the DRF serializer does
            try:
                resolved[column.id] = self._write_value(column, raw)
            except ValueError as exc:
                errors[key] = _field_error(str(exc), getattr(exc, "code", "invalid"))
        if errors:  # DRF reports the fields in the serializer's (the table's) field order
            order = list(by_key)
            raise _validation(dict(sorted(errors.items(), key=lambda item: order.index(item[0]))))
        return resolved

    def _insert(self, table: FakeTable, values: dict[int, Any]) -> int:
        row_id = table.next_row_id
        table.next_row_id += 1
        table.rows[row_id] = _defaults(table)
        table.orders[row_id] = Decimal(row_id)
        self._write(table, row_id, values)
        return row_id

    def _write(self, table: FakeTable, row_id: int, values: dict[int, Any]) -> None:
        """Store values; a link is one relation seen from both tables, so the related field of
        each row linked or unlinked changes with it."""
        row = table.rows[row_id]
        for column in table.fields:
            if column.id not in values or column.type != "link_row":
                continue
            target = self.tables.get(column.link_table_id or 0)
            if target is None or column.related_field_id is None or target.id == table.id:
                continue
            before, after = set(row.get(column.id) or []), set(values[column.id] or [])
            for other in before - after:
                if other in target.rows:
                    linked = target.rows[other].get(column.related_field_id) or []
                    target.rows[other][column.related_field_id] = [i for i in linked if i != row_id]
            for other in sorted(after - before):
                if other in target.rows:
                    linked = target.rows[other].get(column.related_field_id) or []
                    if row_id not in linked:
                        target.rows[other][column.related_field_id] = [*linked, row_id]
        row.update(values)
