"""Fields: list, create (a link creates its related field) and update, number fields' places and
sign altering the stored values as Baserow's ALTER does, select options."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from integrations.fakes.baserow.errors import FakeError, _required, _validation
from integrations.fakes.baserow.models import NUMBER_DISPLAY, FakeField
from integrations.fakes.baserow.state import BaserowState
from integrations.fakes.baserow.validators import NUMBER_CONTEXT


class FieldsMixin(BaserowState):
    def _list_fields(self, table_id: int, **_: Any) -> tuple[int, Any]:
        return 200, [f.serialize() for f in self._table(table_id).fields]

    def _apply_field_props(self, target: FakeField, payload: dict[str, Any]) -> None:
        if "number_decimal_places" in payload:
            target.decimals = int(payload["number_decimal_places"])
        if "number_negative" in payload:
            target.negative = bool(payload["number_negative"])
        for key in NUMBER_DISPLAY.keys() & payload.keys():
            target.number_display[key] = payload[key]
        if target.type == "number" and {"number_decimal_places", "number_negative"} & set(payload):
            self._alter_numbers(target)
        if "select_options" in payload:
            missing = [
                {} if "color" in o else {"color": _required()} for o in payload["select_options"]
            ]
            if any(missing):
                raise _validation({"select_options": missing})
            options = []
            for option in payload["select_options"]:
                option_id = option.get("id") or next(self._ids)
                options.append(
                    {
                        "id": option_id,
                        "value": option["value"],
                        "color": option["color"],
                    }
                )
            target.options = options

    def _alter_numbers(self, target: FakeField) -> None:
        """Baserow's ALTER COLUMN of a number field: `round(v, places)` (half away from zero),
        and `greatest(…, 0)` when negatives are no longer allowed: existing values are changed,
        silently (2.25 → 2.3 at 1 place, -1 → 0)."""
        table = self.tables.get(target.table_id)
        exponent = Decimal(1).scaleb(-target.decimals)
        for row in table.rows.values() if table else ():
            value = row.get(target.id)
            if isinstance(value, Decimal):
                value = value.quantize(exponent, rounding=ROUND_HALF_UP, context=NUMBER_CONTEXT)
                if value < 0 and not target.negative:
                    value = Decimal(0).quantize(exponent)
                row[target.id] = value

    def _create_field(self, table_id: int, *, payload: Any, **_: Any) -> tuple[int, Any]:
        table = self._table(table_id)
        payload = payload or {}
        name, field_type = payload.get("name"), payload.get("type")
        if not name or not field_type:
            raise _validation({"name": _required()})
        if any(f.name == name for f in table.fields):
            raise FakeError(
                400,
                "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS",
                "A field with that name already exists.",
            )
        new = FakeField(next(self._ids), table.id, name, field_type, order=len(table.fields))
        self._apply_field_props(new, payload)
        related: list[dict[str, Any]] = []
        if field_type == "link_row":
            target = self._table(int(payload.get("link_row_table_id") or 0))
            new.link_table_id = target.id
            if payload.get("has_related_field", True) and target.id != table.id:
                reverse_name = table.name
                while any(f.name == reverse_name for f in target.fields):
                    reverse_name += " - " + name
                reverse = FakeField(
                    next(self._ids),
                    target.id,
                    reverse_name,
                    "link_row",
                    order=len(target.fields),
                    link_table_id=table.id,
                    related_field_id=new.id,
                )
                new.related_field_id = reverse.id
                target.fields.append(reverse)
                related.append(reverse.serialize())
        table.fields.append(new)
        return 200, {**new.serialize(), "related_fields": related}

    def _update_field(self, field_id: int, *, payload: Any, **_: Any) -> tuple[int, Any]:
        target = self._find_field(field_id)
        payload = payload or {}
        if "name" in payload:
            target.name = payload["name"]
        if "type" in payload and payload["type"] != target.type:
            target.type = payload["type"]
        self._apply_field_props(target, payload)
        return 200, {**target.serialize(), "related_fields": []}
