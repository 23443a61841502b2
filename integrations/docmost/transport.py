"""The Docmost transport: one `requests` session, retries of transient failures, the login.

Docmost's API is the internal JSON API of its web client (`shared/contracts/docmost/CONTRACT.md`):
every call is a `POST` with a JSON body, answers are wrapped in `{data, success, status}`.

Connection pooling and default timeouts. Transient failures (connection errors, 429, 502, 503,
504, honouring Retry-After) are retried with capped exponential backoff by urllib3; a 500 never
is (a write may have been applied), nor is a non-idempotent create after its request went out,
nor a throttled login (Docmost asks for about a minute). The community edition has no API keys:
the transport logs in with e-mail and password, reads the `authToken` cookie once and sends it as
`Authorization: Bearer` (no cookie jar). The token is kept in a `TokenStore` so processes share
one login; it is renewed only when a call answers 401, once, and that call is then sent again
once. Every call is counted in `docmost_api_calls_total`.
"""

import http.cookiejar
import logging
import re
import threading
from collections.abc import Iterator
from typing import Any, Protocol

import requests
from prometheus_client import Counter
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from integrations.docmost.errors import (
    DocmostAuthError,
    DocmostNotFound,
    DocmostRequestError,
    DocmostUnavailable,
    messages_of,
)

logger = logging.getLogger(__name__)

DOCMOST_CALLS = Counter(
    "docmost_api_calls_total",
    "Calls to the Docmost API, by endpoint and HTTP status (or 'error' when unreachable).",
    ["endpoint", "status"],
)

_AUTH_COOKIE = re.compile(r"(?:^|[;,]\s*)authToken=([^;,\s]+)")


class TokenStore(Protocol):
    """Where the login token lives; the app backs it with the shared cache."""

    def get(self) -> str | None: ...

    def set(self, token: str) -> None: ...


class _InstanceTokenStore:
    def __init__(self) -> None:
        self._token: str | None = None

    def get(self) -> str | None:
        return self._token

    def set(self, token: str) -> None:
        self._token = token


class _DocmostRetry(Retry):
    """urllib3's retry, minus re-sending a POST on a status that may mean it was applied.

    Every Docmost call is a POST, reads included. 429 and 503 mean the request was refused;
    502 and 504 come from a proxy that could not get an answer in time.
    """

    RESEND = frozenset({429, 502, 503, 504})

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST" and status_code not in self.RESEND:
            return False
        return super().is_retry(method, status_code, has_retry_after)


class _LoginRetry(_DocmostRetry):
    """A throttled login asks to wait about a minute (`Retry-After-auth`): fail fast instead."""

    RESEND = frozenset({502, 503, 504})


class DocmostTransport:
    """The session and login the resource calls of `DocmostClient` go through."""

    def __init__(
        self,
        *,
        base_url: str,
        email: str,
        password: str,
        timeout: tuple[float, float] = (3.05, 15.0),
        max_retries: int = 3,
        backoff_factor: float = 0.5,
        backoff_max: float = 10.0,
        session: requests.Session | None = None,
        token_store: TokenStore | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._email = email
        self._password = password
        self.timeout = timeout
        self.session = session or requests.Session()
        if session is None:

            def adapter(retry_class: type[Retry], *, read: int) -> HTTPAdapter:
                retry = retry_class(
                    total=max_retries,
                    connect=max_retries,
                    read=read,
                    status=max_retries,
                    backoff_factor=backoff_factor,
                    backoff_max=backoff_max,
                    status_forcelist=(429, 500, 502, 503, 504),
                    allowed_methods=frozenset({"GET", "POST"}),
                    respect_retry_after_header=True,
                    raise_on_status=False,
                )
                return HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=16)

            default = adapter(_DocmostRetry, read=max_retries)
            self.session.mount("http://", default)
            self.session.mount("https://", default)
            # A create whose answer timed out may have been applied: sending it again would
            # duplicate the page (or fail on "slug exists"). Only connection errors are retried.
            once = adapter(_DocmostRetry, read=0)
            for path in ("/api/pages/create", "/api/spaces/create"):
                self.session.mount(self.base_url + path, once)
            self.session.mount(self.base_url + "/api/auth/", adapter(_LoginRetry, read=0))
        # The token travels as a Bearer header only: a cookie would win over it on Docmost's side
        # (a stale one after a re-login), and a `Secure` cookie is dropped over plain http.
        self.session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self._tokens: TokenStore = token_store if token_store is not None else _InstanceTokenStore()
        self._login_lock = threading.Lock()

    def _object(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        data = self._call(path, body)
        if not isinstance(data, dict):
            raise DocmostUnavailable(
                f"Docmost answered {endpoint_name(path)} without the expected object.", detail=data
            )
        return data

    def _paginate(self, path: str, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
        endpoint = endpoint_name(path)
        seen: set[str] = set()
        while True:
            data = self._call(path, body)
            try:
                items, meta = list(data["items"]), dict(data["meta"])
            except (KeyError, TypeError, ValueError) as exc:
                raise DocmostUnavailable(
                    f"Docmost returned a malformed page of {endpoint}.", detail=data
                ) from exc
            yield from items
            if not meta.get("hasNextPage"):
                return
            cursor = meta.get("nextCursor")
            if not isinstance(cursor, str) or not cursor or cursor in seen:
                raise DocmostUnavailable(
                    f"Docmost's pagination of {endpoint} does not advance.", detail=meta
                )
            seen.add(cursor)
            body = {**body, "cursor": cursor}

    def _call(self, path: str, body: dict[str, Any]) -> Any:
        token = self._token()
        response = self._send(path, body, token)
        if response.status_code == 401:
            # Expired or revoked session: log in again, once, and send this call again, once.
            response = self._send(path, body, self._relogin(stale=token))
        return self._parse(response, endpoint_name(path))

    def _send(self, path: str, body: dict[str, Any], token: str | None) -> requests.Response:
        endpoint = endpoint_name(path)
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = self.session.post(
                self.base_url + path,
                json=body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            DOCMOST_CALLS.labels(endpoint, "error").inc()
            raise DocmostUnavailable(
                f"Docmost is unreachable ({type(exc).__name__}) for {endpoint}."
            ) from exc
        DOCMOST_CALLS.labels(endpoint, str(response.status_code)).inc()
        return response

    @staticmethod
    def _parse(response: requests.Response, endpoint: str) -> Any:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        text = "; ".join(messages_of(body))
        if status >= 500 or status == 429:
            raise DocmostUnavailable(
                f"Docmost answered {status} to {endpoint}{': ' + text if text else ''}.",
                status=status,
                detail=body,
            )
        if status >= 400:
            error_class = {401: DocmostAuthError, 404: DocmostNotFound}.get(
                status, DocmostRequestError
            )
            raise error_class(
                f"Docmost refused {endpoint}: {status} {text}".strip(), status=status, detail=body
            )
        if status >= 300:
            location = response.headers.get("Location", "?")
            raise DocmostUnavailable(
                f"Docmost redirected {endpoint} to {location}: check DOCMOST_URL.", status=status
            )
        if not isinstance(body, dict) or body.get("success") is not True:
            raise DocmostUnavailable(
                f"Docmost answered {endpoint} with a body that is not JSON in its envelope.",
                status=status,
            )
        return body.get("data")  # absent for void handlers

    # -- login -----------------------------------------------------------------------------------

    def _token(self) -> str:
        token = self._tokens.get()
        if token:
            return token
        with self._login_lock:
            token = self._tokens.get()  # another thread may have logged in meanwhile
            return token or self._login()

    def _relogin(self, *, stale: str) -> str:
        with self._login_lock:
            token = self._tokens.get()
            if token and token != stale:  # someone sharing the store already logged in again
                return token
            return self._login()

    def _login(self) -> str:
        if not (self._email and self._password):
            raise DocmostAuthError("Docmost needs a login: set DOCMOST_EMAIL and DOCMOST_PASSWORD.")
        response = self._send(
            "/api/auth/login", {"email": self._email, "password": self._password}, None
        )
        status = response.status_code
        if status == 429:
            wait = response.headers.get("Retry-After-auth") or response.headers.get("Retry-After")
            seconds = _seconds(wait)
            raise DocmostUnavailable(
                "Docmost throttled the login (10 a minute); retry after "
                f"{wait if seconds is not None else 'a minute'} s.",
                status=status,
                retry_after=seconds,
            )
        if status in (400, 401, 403):
            try:
                body = response.json()
            except ValueError:
                body = None
            raise DocmostAuthError(
                f"Docmost refused the login of {self._email}: {status} "
                f"{'; '.join(messages_of(body))}".strip(),
                status=status,
                detail=body,
            )
        data = self._parse(response, "auth.login")
        self.session.cookies.clear()
        token = _auth_cookie(response)
        if not token and isinstance(data, dict):  # Docmost up to v0.7: tokens in the body
            tokens = data.get("tokens")
            token = tokens.get("accessToken") if isinstance(tokens, dict) else None
        if not token:
            mfa = isinstance(data, dict) and any(
                data.get(key) for key in ("userHasMfa", "requiresMfaSetup", "isMfaEnforced")
            )
            raise DocmostAuthError(
                f"Docmost accepted the login of {self._email} but sent no authToken"
                + (": the account needs MFA, a service account must not." if mfa else ".")
            )
        self._tokens.set(token)
        logger.info("Logged in to Docmost as %s.", self._email)
        return token


def _auth_cookie(response: requests.Response) -> str | None:
    match = _AUTH_COOKIE.search(response.headers.get("Set-Cookie", ""))
    return match.group(1) if match else None


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def endpoint_name(path: str) -> str:
    """`/api/pages/info` → `pages.info`: the metric label and the name in messages."""
    return path.removeprefix("/api/").replace("/", ".")
