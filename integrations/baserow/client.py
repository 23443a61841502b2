"""The Baserow HTTP client: the only code that talks to Baserow.

Thin typed calls, one per Baserow endpoint the bridge uses (rows with the database token;
webhooks, tables and fields with a JWT), over `BaserowTransport` (one session, retries of
transient failures only, authentication: `integrations/baserow/transport.py`). What it raises is
in `integrations/baserow/errors.py`, filter trees in `integrations/baserow/filters.py`; both are
importable from here too.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from integrations.baserow.errors import (
    BaserowAuthError,
    BaserowError,
    BaserowNotFound,
    BaserowRequestError,
    BaserowUnavailable,
)
from integrations.baserow.filters import Condition, Filters
from integrations.baserow.transport import BaserowTransport

__all__ = [
    "BATCH_SIZE_MAX",
    "PAGE_SIZE_MAX",
    "BaserowAuthError",
    "BaserowClient",
    "BaserowError",
    "BaserowNotFound",
    "BaserowRequestError",
    "BaserowUnavailable",
    "Condition",
    "Filters",
    "RowsPage",
]

PAGE_SIZE_MAX = 200
BATCH_SIZE_MAX = 200


@dataclass(frozen=True)
class RowsPage:
    count: int
    results: list[dict[str, Any]]


class BaserowClient(BaserowTransport):
    """Baserow's REST API, one method per endpoint the bridge uses."""

    @staticmethod
    def _write_params(send_webhook_events: bool) -> dict[str, str]:
        params = {"user_field_names": "true"}
        if not send_webhook_events:
            params["send_webhook_events"] = "false"
        return params

    # -- rows (database token) -------------------------------------------------------------------

    def list_rows(
        self,
        table_id: int,
        *,
        page: int = 1,
        size: int = 100,
        filters: Filters | None = None,
        order_by: Iterable[str] = (),
    ) -> RowsPage:
        if not 1 <= size <= PAGE_SIZE_MAX:
            raise ValueError(f"size must be within 1..{PAGE_SIZE_MAX}")
        params: dict[str, Any] = {"user_field_names": "true", "page": page, "size": size}
        if filters is not None and (filters.conditions or filters.groups):
            params["filters"] = json.dumps(filters.to_json(), separators=(",", ":"))
        order = ",".join(order_by)
        if order:
            params["order_by"] = order
        body = self._request(
            "GET", f"/api/database/rows/table/{table_id}/", "rows.list", params=params
        )
        try:
            return RowsPage(count=int(body["count"]), results=list(body["results"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BaserowUnavailable("Baserow returned a malformed page of rows.") from exc

    def iter_rows(
        self, table_id: int, *, filters: Filters | None = None, order_by: Iterable[str] = ()
    ) -> Iterator[dict[str, Any]]:
        """Every matching row, fetched 200 at a time as the caller consumes them."""
        order = tuple(order_by)
        page = 1
        while True:
            batch = self.list_rows(
                table_id, page=page, size=PAGE_SIZE_MAX, filters=filters, order_by=order
            )
            yield from batch.results
            if not batch.results or page * PAGE_SIZE_MAX >= batch.count:
                return
            page += 1

    def get_row(self, table_id: int, row_id: int) -> dict[str, Any]:
        return self._request(
            "GET",
            f"/api/database/rows/table/{table_id}/{row_id}/",
            "rows.get",
            params={"user_field_names": "true"},
        )

    def create_row(
        self, table_id: int, values: dict[str, Any], *, send_webhook_events: bool = True
    ) -> dict[str, Any]:
        return self._request(
            "POST",
            f"/api/database/rows/table/{table_id}/",
            "rows.create",
            params=self._write_params(send_webhook_events),
            json=values,
        )

    def update_row(
        self,
        table_id: int,
        row_id: int,
        values: dict[str, Any],
        *,
        send_webhook_events: bool = True,
    ) -> dict[str, Any]:
        return self._request(
            "PATCH",
            f"/api/database/rows/table/{table_id}/{row_id}/",
            "rows.update",
            params=self._write_params(send_webhook_events),
            json=values,
        )

    def delete_row(self, table_id: int, row_id: int, *, send_webhook_events: bool = True) -> None:
        self._request(
            "DELETE",
            f"/api/database/rows/table/{table_id}/{row_id}/",
            "rows.delete",
            params=self._write_params(send_webhook_events),
        )

    def batch_create(
        self, table_id: int, items: Iterable[dict[str, Any]], *, send_webhook_events: bool = True
    ) -> list[dict[str, Any]]:
        return self._batched("POST", table_id, "rows.batch_create", items, send_webhook_events)

    def batch_update(
        self, table_id: int, items: Iterable[dict[str, Any]], *, send_webhook_events: bool = True
    ) -> list[dict[str, Any]]:
        """Each item needs its `id`."""
        return self._batched("PATCH", table_id, "rows.batch_update", items, send_webhook_events)

    def _batched(
        self,
        method: str,
        table_id: int,
        endpoint: str,
        items: Iterable[dict[str, Any]],
        send_webhook_events: bool,
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(items, BATCH_SIZE_MAX):
            body = self._request(
                method,
                f"/api/database/rows/table/{table_id}/batch/",
                endpoint,
                params=self._write_params(send_webhook_events),
                json={"items": chunk},
            )
            rows.extend(body["items"])
        return rows

    def batch_delete(
        self, table_id: int, row_ids: Iterable[int], *, send_webhook_events: bool = True
    ) -> None:
        for chunk in _chunks(row_ids, BATCH_SIZE_MAX):
            self._request(
                "POST",
                f"/api/database/rows/table/{table_id}/batch-delete/",
                "rows.batch_delete",
                params=self._write_params(send_webhook_events),
                json={"items": chunk},
            )

    # -- schema (fields accept the token for reading; the rest needs a JWT) ----------------------

    def list_fields(self, table_id: int) -> list[dict[str, Any]]:
        return self._request("GET", f"/api/database/fields/table/{table_id}/", "fields.list")

    def check_token(self) -> None:
        """Raises unless Baserow is reachable and accepts the database token."""
        self._request("GET", "/api/database/tokens/check/", "tokens.check")

    def list_webhooks(self, table_id: int) -> list[dict[str, Any]]:
        """The table's webhooks (JWT only), with `active` and `failed_triggers`."""
        return self._request(
            "GET", f"/api/database/webhooks/table/{table_id}/", "webhooks.list", auth="jwt"
        )

    def create_webhook(self, table_id: int, spec: dict[str, Any]) -> dict[str, Any]:
        """A webhook on the table (CONTRACT 6.1: url, name, events, headers, …); JWT only.

        Unless Baserow allows private addresses, it refuses a URL it cannot connect to now
        (400 `url` … `invalid_url`)."""
        return self._request(
            "POST",
            f"/api/database/webhooks/table/{table_id}/",
            "webhooks.create",
            auth="jwt",
            json=spec,
        )

    def update_webhook(self, webhook_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """PATCH: `headers` replaces the whole set; `active: true` also resets failed_triggers."""
        return self._request(
            "PATCH",
            f"/api/database/webhooks/{webhook_id}/",
            "webhooks.update",
            auth="jwt",
            json=changes,
        )

    def delete_webhook(self, webhook_id: int) -> None:
        self._request(
            "DELETE", f"/api/database/webhooks/{webhook_id}/", "webhooks.delete", auth="jwt"
        )

    def list_tables(self, database_id: int) -> list[dict[str, Any]]:
        return self._request(
            "GET", f"/api/database/tables/database/{database_id}/", "tables.list", auth="jwt"
        )

    def create_table(self, database_id: int, name: str, primary_field: str) -> dict[str, Any]:
        """A table with one text primary field and no rows."""
        return self._request(
            "POST",
            f"/api/database/tables/database/{database_id}/",
            "tables.create",
            auth="jwt",
            json={"name": name, "data": [[primary_field]], "first_row_header": True},
        )

    def create_field(self, table_id: int, spec: dict[str, Any]) -> dict[str, Any]:
        return self._request(
            "POST",
            f"/api/database/fields/table/{table_id}/",
            "fields.create",
            auth="jwt",
            json=spec,
        )

    def update_field(self, field_id: int, spec: dict[str, Any]) -> dict[str, Any]:
        return self._request(
            "PATCH", f"/api/database/fields/{field_id}/", "fields.update", auth="jwt", json=spec
        )


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
