"""Rows: list (pages, filters, order), get, create, update, delete, and their batch forms; each
change queues its webhook deliveries."""

import functools
from typing import Any
from urllib.parse import urlencode

from integrations.fakes.baserow.deliveries import DeliveriesMixin
from integrations.fakes.baserow.errors import (
    FakeError,
    _field_error,
    _required,
    _rows_missing,
    _validation,
)
from integrations.fakes.baserow.filters import FiltersMixin
from integrations.fakes.baserow.models import FakeTable, _user_field_names


class RowsMixin(FiltersMixin, DeliveriesMixin):
    def _list_rows(
        self, table_id: int, *, params: dict[str, str], parts: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ufn = _user_field_names(params)
        size_raw = params.get("size", "100")
        size = int(size_raw) if size_raw.isdigit() and int(size_raw) > 0 else 100
        if size > 200:
            raise FakeError(400, "ERROR_PAGE_SIZE_LIMIT", "The page size is limited to 200.")
        page_raw = params.get("page", "1")
        page = int(page_raw) if page_raw.isdigit() and int(page_raw) > 0 else 1
        tree = self._filter_tree(params)
        self._check_filters(table, tree, ufn)
        compiled = self._compile(table, tree, ufn)
        ids = [
            rid
            for rid in sorted(table.rows, key=lambda r: (table.orders[r], r))
            if self._matches(table.rows[rid], compiled)
        ]
        for ref in reversed([r for r in params.get("order_by", "").split(",") if r]):
            descending = ref.startswith("-")
            column = self._column(table, ref.lstrip("-+"), ufn, "ERROR_ORDER_BY_FIELD_NOT_FOUND")
            ids.sort(key=functools.partial(self._sort_key, table, column), reverse=descending)
        start = (page - 1) * size
        chunk = ids[start : start + size]
        base = f"{parts.scheme}://{parts.netloc}{parts.path}"

        def link(number: int) -> str:
            query = {k: v for k, v in params.items() if k != "page"} | {"page": str(number)}
            return f"{base}?{urlencode(sorted(query.items()))}"

        return 200, {
            "count": len(ids),
            "next": link(page + 1) if start + size < len(ids) else None,
            "previous": link(page - 1) if page > 1 and start < len(ids) + size else None,
            "results": [self._serialize_row(table, rid, ufn) for rid in chunk],
        }

    def _get_row(
        self, table_id: int, row_id: int, *, params: dict[str, str], **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        if row_id not in table.rows:
            raise _rows_missing([str(row_id)])
        return 200, self._serialize_row(table, row_id, _user_field_names(params))

    def _create_row(
        self, table_id: int, *, params: dict[str, str], payload: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ufn = _user_field_names(params)
        row_id = self._insert(table, self._resolve_values(table, payload or {}, ufn))
        row = self._serialize_row(table, row_id, ufn)
        self._queue_webhooks(table, "rows.created", params, {row_id: table.rows[row_id]})
        return 200, row

    def _update_row(
        self, table_id: int, row_id: int, *, params: dict[str, str], payload: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ufn = _user_field_names(params)
        values = self._resolve_values(table, payload or {}, ufn)  # the body first, then the row
        if row_id not in table.rows:
            raise _rows_missing([row_id])
        old = {row_id: dict(table.rows[row_id])}
        self._write(table, row_id, values)
        row = self._serialize_row(table, row_id, ufn)
        self._queue_webhooks(
            table,
            "rows.updated",
            params,
            {row_id: table.rows[row_id]},
            old=old,
            updated_field_ids=set(values),
        )
        return 200, row

    def _delete_row(
        self, table_id: int, row_id: int, *, params: dict[str, str], **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        removed = table.rows.pop(row_id, None)
        if removed is None:
            raise _rows_missing([str(row_id)])
        self._queue_webhooks(table, "rows.deleted", params, {row_id: removed})
        return 204, None

    @staticmethod
    def _batch_items(payload: Any) -> list[Any]:
        items = (payload or {}).get("items") if isinstance(payload, dict) else None
        if not isinstance(items, list) or not items:
            raise _validation({"items": _required()})
        if len(items) > 200:
            raise _validation(
                {
                    "items": _field_error(
                        "Ensure this field has no more than 200 elements.", "max_length"
                    )
                }
            )
        return items

    def _batch_create(
        self, table_id: int, *, params: dict[str, str], payload: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ufn = _user_field_names(params)
        resolved, errors = [], {}
        for index, item in enumerate(self._batch_items(payload)):
            try:
                resolved.append(self._resolve_values(table, item, ufn))
            except FakeError as exc:
                if isinstance(exc.body["detail"], str):
                    raise
                errors[str(index)] = exc.body["detail"]
        if errors:
            raise _validation({"items": errors})
        ids = [self._insert(table, values) for values in resolved]
        rows = [self._serialize_row(table, row_id, ufn) for row_id in ids]
        self._queue_webhooks(table, "rows.created", params, {i: table.rows[i] for i in ids})
        return 200, {"items": rows}

    def _checked_ids(self, table: FakeTable, ids: list[Any]) -> list[int]:
        if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
            raise _validation({"items": _field_error("A valid integer is required.")})
        if len(set(ids)) != len(ids):
            raise FakeError(400, "ERROR_ROW_IDS_NOT_UNIQUE", "The provided row ids are not unique.")
        missing = [i for i in ids if i not in table.rows]
        if missing:
            raise _rows_missing(missing)
        return ids

    def _batch_update(
        self, table_id: int, *, params: dict[str, str], payload: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ufn = _user_field_names(params)
        items = self._batch_items(payload)
        resolved, errors = [], {}
        for index, item in enumerate(items):
            try:
                values = (
                    {k: v for k, v in item.items() if k != "id"} if isinstance(item, dict) else item
                )
                resolved.append(self._resolve_values(table, values, ufn))
            except FakeError as exc:
                if isinstance(exc.body["detail"], str):
                    raise
                errors[str(index)] = exc.body["detail"]
        if errors:  # the body is validated before the rows are looked up
            raise _validation({"items": errors})
        ids = self._checked_ids(
            table, [item.get("id") if isinstance(item, dict) else None for item in items]
        )
        old = {i: dict(table.rows[i]) for i in ids}
        for row_id, values in zip(ids, resolved, strict=True):
            self._write(table, row_id, values)
        rows = [self._serialize_row(table, i, ufn) for i in ids]
        self._queue_webhooks(
            table,
            "rows.updated",
            params,
            {i: table.rows[i] for i in ids},
            old=old,
            updated_field_ids={f for values in resolved for f in values},
        )
        return 200, {"items": rows}

    def _batch_delete(
        self, table_id: int, *, params: dict[str, str], payload: Any, **_: Any
    ) -> tuple[int, Any]:
        table = self._table(table_id)
        ids = self._checked_ids(table, self._batch_items(payload))
        removed = {row_id: table.rows.pop(row_id) for row_id in ids}
        self._queue_webhooks(table, "rows.deleted", params, removed)
        return 204, None
