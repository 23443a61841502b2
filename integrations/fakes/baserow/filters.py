"""Row filters (the `filters` JSON tree and `filter__…` params) and `order_by` sorting."""

import itertools
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from integrations.fakes.baserow.errors import FakeError
from integrations.fakes.baserow.models import TRUE_STRINGS, FakeField, FakeTable
from integrations.fakes.baserow.values import ValuesMixin

FILTER_TYPES = frozenset(
    {
        "equal", "not_equal", "contains", "contains_not", "link_row_has", "link_row_has_not",
        "single_select_equal", "single_select_not_equal", "single_select_is_any_of",
        "multiple_select_has", "multiple_select_has_not", "boolean", "higher_than", "lower_than",
        "higher_than_or_equal", "lower_than_or_equal", "empty", "not_empty",
    }
)  # fmt: skip


# A compiled filter tree: (OR?, [(column, filter type, value)], [subtrees]).
_Compiled = tuple[bool, list[tuple["FakeField", Any, str]], list[Any]]


class FiltersMixin(ValuesMixin):
    def _column(self, table: FakeTable, ref: Any, user_field_names: bool, error: str) -> FakeField:
        for column in table.fields:
            if str(ref) in (
                column.name if user_field_names else "",
                str(column.id),
                f"field_{column.id}",
            ):
                return column
        raise FakeError(400, error, f"The field {ref} was not found in the table.")

    def _compile(self, table: FakeTable, tree: dict[str, Any], ufn: bool) -> "_Compiled":
        """Resolve the filter tree's fields once, not once per row."""
        conditions = [
            (
                self._column(table, c.get("field"), ufn, "ERROR_FILTER_FIELD_NOT_FOUND"),
                c.get("type"),
                str(c.get("value", "")),
            )
            for c in tree.get("filters", [])
        ]
        groups = [self._compile(table, group, ufn) for group in tree.get("groups", [])]
        return str(tree.get("filter_type", "AND")).upper() == "OR", conditions, groups

    def _matches(self, row: dict[int, Any], compiled: "_Compiled") -> bool:
        is_or, conditions, groups = compiled
        if not conditions and not groups:
            return True
        results = itertools.chain(
            (self._condition(row, *condition) for condition in conditions),
            (self._matches(row, group) for group in groups),
        )
        return any(results) if is_or else all(results)

    def _check_filters(self, table: FakeTable, tree: Any, ufn: bool) -> None:
        """Baserow validates every filter up front, not only when a row is compared."""
        for condition in tree.get("filters", []):
            self._column(table, condition.get("field"), ufn, "ERROR_FILTER_FIELD_NOT_FOUND")
            kind = condition.get("type")
            if kind not in FILTER_TYPES:
                raise FakeError(
                    400,
                    "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
                    f"The view filter type {kind} doesn't exist.",
                )
        for group in tree.get("groups", []):
            self._check_filters(table, group, ufn)

    def _condition(self, row: dict[int, Any], column: FakeField, kind: Any, value: str) -> bool:
        cell = row.get(column.id)
        if kind in ("empty", "not_empty"):
            is_empty = self._read_value(column, cell) in (None, "", [], False)
            return is_empty if kind == "empty" else not is_empty
        if kind not in FILTER_TYPES:
            raise FakeError(
                400,
                "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
                f"The view filter type {kind} doesn't exist.",
            )
        if value == "" and kind != "boolean":
            return True  # Baserow ignores a filter without a value
        if kind in ("link_row_has", "link_row_has_not"):
            has = value.isdigit() and int(value) in (cell or [])
            return has if kind == "link_row_has" else not has
        if kind in ("single_select_equal", "single_select_not_equal"):
            equal = value.isdigit() and cell == int(value)
            return equal if kind == "single_select_equal" else not equal
        if kind == "single_select_is_any_of":
            return cell in {int(v) for v in value.split(",") if v.strip().isdigit()}
        if kind in ("multiple_select_has", "multiple_select_has_not"):
            has = value.isdigit() and int(value) in (cell or [])
            return has if kind == "multiple_select_has" else not has
        if kind == "boolean":
            return bool(cell) == (value.lower() in TRUE_STRINGS)
        if kind in ("higher_than", "lower_than", "higher_than_or_equal", "lower_than_or_equal"):
            if cell is None:
                return False
            try:
                bound = Decimal(value)
            except InvalidOperation:
                return False
            return {
                "higher_than": cell > bound,
                "lower_than": cell < bound,
                "higher_than_or_equal": cell >= bound,
                "lower_than_or_equal": cell <= bound,
            }[kind]
        if column.type == "number" and kind in ("equal", "not_equal"):
            try:
                equal = cell is not None and cell == Decimal(value)
            except InvalidOperation:
                equal = False
            return equal if kind == "equal" else not equal
        text = _text_of(self._read_value(column, cell))
        if kind == "equal":
            return text == value
        if kind == "not_equal":
            return text != value
        if kind == "contains":
            return value.lower() in text.lower()
        if kind == "contains_not":
            return value.lower() not in text.lower()
        raise FakeError(
            400, "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD", f"{kind} is not supported here."
        )

    def _filter_tree(self, params: dict[str, str]) -> dict[str, Any]:
        if "filters" in params:
            try:
                tree = json.loads(params["filters"])
            except ValueError:
                raise FakeError(
                    400,
                    "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
                    "The filters parameter is not valid JSON.",
                ) from None
            if not isinstance(tree, dict):
                raise FakeError(
                    400,
                    "ERROR_FILTERS_PARAM_VALIDATION_ERROR",
                    "The filters parameter must be an object.",
                )
            return tree
        conditions = []
        for key, value in params.items():
            match = re.fullmatch(r"filter__(.+)__([a-z_]+)", key)
            if match:
                conditions.append({"field": match.group(1), "type": match.group(2), "value": value})
        return {
            "filter_type": params.get("filter_type", "AND"),
            "filters": conditions,
            "groups": [],
        }

    def _sort_key(self, table: FakeTable, column: FakeField, row_id: int) -> tuple[int, Any]:
        cell = table.rows[row_id].get(column.id)
        shown = self._read_value(column, cell)
        if shown in (None, "", []):
            return (0, "")
        if column.type == "number":
            return (1, cell)
        return (1, _text_of(shown).lower())


def _text_of(shown: Any) -> str:
    if shown is None:
        return ""
    if isinstance(shown, dict):
        return str(shown.get("value", ""))
    if isinstance(shown, list):
        return ", ".join(_text_of(item) for item in shown)
    return str(shown)
