"""The Baserow HTTP client: the only code that talks to Baserow.

One `requests` session with connection pooling and default timeouts. Transient failures
(connection errors, 5xx, 429 honouring Retry-After, and the 409 of a table locked by another
operation, which a field created right after its table can get) are retried with capped
exponential backoff by urllib3; other 4xx never are, and a POST is not retried on a 500/502/504
(it may have been applied).
Rows use the database token (`Token …`); schema endpoints that only accept a JWT get one from a
login that is cached and refreshed. Every call is counted in `baserow_api_calls_total`.
"""

import json
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
from prometheus_client import Counter
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

PAGE_SIZE_MAX = 200
BATCH_SIZE_MAX = 200
# Baserow's access tokens live 10 minutes; refresh a little before.
JWT_REUSE_SECONDS = 9 * 60

BASEROW_CALLS = Counter(
    "baserow_api_calls_total",
    "Calls to the Baserow API, by endpoint and HTTP status (or 'error' when unreachable).",
    ["endpoint", "status"],
)


class BaserowError(Exception):
    """Baserow refused or failed a request. `code` is Baserow's error code when it sent one."""

    def __init__(
        self, message: str, *, status: int | None = None, code: str = "", detail: Any = None
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.detail = detail


class BaserowUnavailable(BaserowError):
    """Unreachable, timing out, 5xx or rate limited after retries, or answering garbage."""


class BaserowNotFound(BaserowError):
    """404: the table or row does not exist."""

    @property
    def row_missing(self) -> bool:
        """The row does not exist (the table does): `ERROR_ROW_DOES_NOT_EXIST`."""
        return self.code == "ERROR_ROW_DOES_NOT_EXIST"


class BaserowRequestError(BaserowError):
    """Another 4xx: Baserow rejected the request (a value it refuses, or a mapping that does not
    match it). Never retried; the API answers 502 BASEROW_REJECTED with Baserow's code and
    detail."""


class BaserowAuthError(BaserowRequestError):
    """401: the token or JWT is refused, or lacks the permission; 403 from an endpoint that only
    takes the token (tokens/check: DRF answers 403 when no scheme offers `WWW-Authenticate`)."""


class _BaserowRetry(Retry):
    """urllib3's retry, minus re-sending a POST that Baserow may already have applied.

    POST is left out of `allowed_methods`, so a read timeout or a 500/502/504 on a create is
    never re-sent; a connection that never opened, and a 409/429/503 (Baserow refused the
    request: a table lock or deadlock, throttling, overload) are still retried.
    """

    REFUSED = frozenset({409, 429, 503})

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST":
            return status_code in self.REFUSED and bool(self.total)
        return super().is_retry(method, status_code, has_retry_after)


@dataclass(frozen=True)
class Condition:
    field: str  # Baserow field name (the client always uses user_field_names)
    type: str  # Baserow filter type: equal, link_row_has, single_select_equal, ...
    value: str | int


@dataclass(frozen=True)
class Filters:
    """A Baserow filter tree, sent as the `filters` JSON parameter."""

    conditions: tuple[Condition, ...] = ()
    filter_type: str = "AND"
    groups: tuple["Filters", ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "filter_type": self.filter_type,
            "filters": [
                {"field": c.field, "type": c.type, "value": str(c.value)} for c in self.conditions
            ],
            "groups": [group.to_json() for group in self.groups],
        }

    @classmethod
    def any_of(cls, field_name: str, filter_type: str, values: Iterable[str | int]) -> "Filters":
        """Rows whose `field_name` matches any of `values`, in one request."""
        return cls(
            conditions=tuple(Condition(field_name, filter_type, v) for v in values),
            filter_type="OR",
        )


@dataclass(frozen=True)
class RowsPage:
    count: int
    results: list[dict[str, Any]]


class BaserowClient:
    def __init__(
        self,
        *,
        base_url: str,
        database_token: str,
        email: str = "",
        password: str = "",
        timeout: tuple[float, float] = (3.05, 15.0),
        max_retries: int = 3,
        backoff_factor: float = 0.5,
        backoff_max: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._database_token = database_token
        self._email = email
        self._password = password
        self.timeout = timeout
        self.session = session or requests.Session()
        if session is None:
            retry = _BaserowRetry(
                total=max_retries,
                connect=max_retries,
                read=max_retries,
                status=max_retries,
                backoff_factor=backoff_factor,
                backoff_max=backoff_max,
                status_forcelist=(409, 429, 500, 502, 503, 504),
                allowed_methods=frozenset({"GET", "PATCH", "DELETE", "PUT"}),
                respect_retry_after_header=True,
                raise_on_status=False,
            )
            adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=16)
            self.session.mount("http://", adapter)
            self.session.mount("https://", adapter)
        self._jwt_lock = threading.Lock()
        self._access_token = ""
        self._access_expires = 0.0
        self._refresh_token = ""

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

    # -- plumbing --------------------------------------------------------------------------------

    @staticmethod
    def _write_params(send_webhook_events: bool) -> dict[str, str]:
        params = {"user_field_names": "true"}
        if not send_webhook_events:
            params["send_webhook_events"] = "false"
        return params

    def _request(
        self,
        method: str,
        path: str,
        endpoint: str,
        *,
        auth: str = "token",
        params: dict[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        for attempt in (1, 2):
            header = f"Token {self._database_token}" if auth == "token" else self._jwt_header()
            response = self._send(method, path, endpoint, header, params, json)
            if auth == "jwt" and response.status_code == 401 and attempt == 1:
                self._forget_jwt()  # expired or revoked early: log in again, once
                continue
            return self._parse(response, endpoint)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send(
        self,
        method: str,
        path: str,
        endpoint: str,
        authorization: str,
        params: dict[str, Any] | None,
        body: Any,
    ) -> requests.Response:
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                headers={"Authorization": authorization} if authorization else {},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            BASEROW_CALLS.labels(endpoint, "error").inc()
            raise BaserowUnavailable(
                f"Baserow is unreachable ({type(exc).__name__}) for {endpoint}."
            ) from exc
        BASEROW_CALLS.labels(endpoint, str(response.status_code)).inc()
        return response

    @staticmethod
    def _parse(response: requests.Response, endpoint: str) -> Any:
        status = response.status_code
        if status == 204:
            return None
        try:
            body = response.json()
        except ValueError:
            body = None
        if status >= 500 or status == 429:
            raise BaserowUnavailable(f"Baserow answered {status} to {endpoint}.", status=status)
        if status >= 400:
            code = body.get("error", "") if isinstance(body, dict) else ""
            detail = body.get("detail") if isinstance(body, dict) else None
            message = f"Baserow refused {endpoint}: {status} {code or ''} {detail or ''}".strip()
            error_class = {401: BaserowAuthError, 403: BaserowAuthError, 404: BaserowNotFound}.get(
                status, BaserowRequestError
            )
            raise error_class(message, status=status, code=code, detail=detail)
        if body is None:
            raise BaserowUnavailable(f"Baserow answered {endpoint} with a body that is not JSON.")
        return body

    # -- JWT -------------------------------------------------------------------------------------

    def _jwt_header(self) -> str:
        with self._jwt_lock:
            if self._access_token and time.monotonic() < self._access_expires:
                return f"JWT {self._access_token}"
            if self._refresh_token:
                response = self._send(
                    "POST",
                    "/api/user/token-refresh/",
                    "user.token_refresh",
                    "",
                    None,
                    {"refresh_token": self._refresh_token},
                )
                if response.status_code == 200:
                    self._store_jwt(self._parse(response, "user.token_refresh"))
                    return f"JWT {self._access_token}"
            if not (self._email and self._password):
                raise BaserowAuthError(
                    "This Baserow operation needs a JWT: set BASEROW_EMAIL and BASEROW_PASSWORD."
                )
            response = self._send(
                "POST",
                "/api/user/token-auth/",
                "user.token_auth",
                "",
                None,
                {"email": self._email, "password": self._password},
            )
            self._store_jwt(self._parse(response, "user.token_auth"))
            return f"JWT {self._access_token}"

    def _store_jwt(self, body: dict[str, Any]) -> None:
        self._access_token = body.get("access_token") or body["token"]
        self._refresh_token = body.get("refresh_token", self._refresh_token)
        self._access_expires = time.monotonic() + JWT_REUSE_SECONDS

    def _forget_jwt(self) -> None:
        with self._jwt_lock:
            self._access_token = ""
            self._access_expires = 0.0


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
