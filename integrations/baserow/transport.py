"""The Baserow transport: one `requests` session, retries of transient failures, authentication.

Default timeouts and connection pooling. Transient failures (connection errors, 5xx, 429
honouring Retry-After, and the 409 of a table locked by another operation, which a field created
right after its table can get) are retried with capped exponential backoff by urllib3; other 4xx
never are, and a POST is not retried on a 500/502/504 (it may have been applied). Rows use the
database token (`Token …`); schema endpoints that only accept a JWT get one from a login that is
cached and refreshed. Every call is counted in `baserow_api_calls_total`; every answer is parsed
into JSON or one of `integrations.baserow.errors`.
"""

import threading
import time
from typing import Any

import requests
from prometheus_client import Counter
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from integrations.baserow.errors import (
    BaserowAuthError,
    BaserowNotFound,
    BaserowRequestError,
    BaserowUnavailable,
)

# Baserow's access tokens live 10 minutes; refresh a little before.
JWT_REUSE_SECONDS = 9 * 60

BASEROW_CALLS = Counter(
    "baserow_api_calls_total",
    "Calls to the Baserow API, by endpoint and HTTP status (or 'error' when unreachable).",
    ["endpoint", "status"],
)


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


class BaserowTransport:
    """The session and authentication the resource calls of `BaserowClient` go through."""

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
