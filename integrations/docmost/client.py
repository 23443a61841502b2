"""The Docmost HTTP client: the only code that talks to Docmost.

Docmost's API is the internal JSON API of its web client (`shared/contracts/docmost/CONTRACT.md`):
every call is a `POST` with a JSON body, answers are wrapped in `{data, success, status}`.

One `requests` session with connection pooling and default timeouts. Transient failures
(connection errors, 429, 502, 503, 504, honouring Retry-After) are retried with capped
exponential backoff by urllib3; a 500 never is (a write may have been applied), nor is a
non-idempotent create after its request went out, nor a throttled login (Docmost asks for about a
minute). The community edition has no API keys: the client logs in with e-mail and password, reads
the `authToken` cookie once and sends it as `Authorization: Bearer` (no cookie jar). The token is
kept in a `TokenStore` so processes share one login; it is renewed only when a call answers 401,
once, and that call is then sent again once. Content writes are read back and checked, because
Docmost can answer 200 to a content update it did not apply. Every call is counted in
`docmost_api_calls_total`.
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

logger = logging.getLogger(__name__)

PAGE_LIMIT_MAX = 100
CONTENT_FORMATS = ("json", "markdown", "html")

DOCMOST_CALLS = Counter(
    "docmost_api_calls_total",
    "Calls to the Docmost API, by endpoint and HTTP status (or 'error' when unreachable).",
    ["endpoint", "status"],
)

_AUTH_COOKIE = re.compile(r"(?:^|[;,]\s*)authToken=([^;,\s]+)")


class DocmostError(Exception):
    """Docmost refused or failed a request. `detail` is the decoded error body when there is one.

    `messages` lists Docmost's message(s): validation errors come as a list, others as one text.
    """

    def __init__(self, message: str, *, status: int | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail
        self.messages = _messages(detail)


class DocmostUnavailable(DocmostError):
    """Unreachable, timing out, 5xx or 429 after retries, or answering something not enveloped.

    `retry_after` is the wait in seconds Docmost asked for, when it said (login throttle).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        detail: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, detail=detail)
        self.retry_after = retry_after


class DocmostNotFound(DocmostError):
    """404: no such page/space, or the service user has no role in the space."""


class DocmostRequestError(DocmostError):
    """Another 4xx: the request was wrong (a bug, or a Docmost that differs from the contract)."""


class DocmostAuthError(DocmostRequestError):
    """401 even after a fresh login, or the login itself was refused (credentials, SSO, MFA)."""


class DocmostVerificationError(DocmostUnavailable):
    """The read-back after a write does not show the write (Docmost answered 200 regardless).

    Transient by nature (e.g. the collaboration engine dropped the update), so callers retry it.
    """

    def __init__(self, message: str, *, page_id: str, detail: Any = None) -> None:
        super().__init__(message, detail=detail)
        self.page_id = page_id


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


class DocmostClient:
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

    # -- account and spaces ----------------------------------------------------------------------

    def check(self) -> dict[str, Any]:
        """`{user, workspace}` of the service account; raises unless Docmost accepts it."""
        return self._object("/api/users/me", {})

    def create_space(self, *, name: str, slug: str, description: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {"name": name, "slug": slug}
        if description:
            body["description"] = description
        return self._object("/api/spaces/create", body)

    def get_space(self, space_id: str) -> dict[str, Any]:
        """The space (UUID or slug), with `memberCount` and the service user's `membership`."""
        return self._object("/api/spaces/info", {"spaceId": space_id})

    def update_space(
        self, *, space_id: str, name: str | None = None, description: str | None = None
    ) -> dict[str, Any]:
        """Renames or re-describes a space. The slug is never sent: Docmost refuses a space's own
        current slug as "already taken" (CONTRACT errata)."""
        body: dict[str, Any] = {"spaceId": space_id}
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        if len(body) == 1:
            raise ValueError("update_space needs a name or a description")
        return self._object("/api/spaces/update", body)

    # -- pages -----------------------------------------------------------------------------------

    def create_page(
        self,
        *,
        space_id: str,
        title: str,
        markdown: str | None = None,
        parent_page_id: str | None = None,
        icon: str | None = None,
    ) -> dict[str, Any]:
        """The new page (base columns + `permissions`, no content), placed last among siblings.

        With `markdown`, the page is read back and checked (DocmostVerificationError if the title
        or the content did not take; the page then exists: see the error's `page_id`)."""
        body: dict[str, Any] = {"spaceId": space_id, "title": title}
        if parent_page_id is not None:
            body["parentPageId"] = parent_page_id
        if icon is not None:
            body["icon"] = icon
        if markdown is not None:
            body |= {"content": markdown, "format": "markdown"}
        page = self._object("/api/pages/create", body)
        if markdown is not None:
            self._verify(_page_id(page, "pages.create"), title=title, markdown=markdown)
        return page

    def update_page(
        self,
        *,
        page_id: str,
        title: str | None = None,
        icon: str | None = None,
        markdown: str | None = None,
    ) -> dict[str, Any]:
        """Sets what is given; `markdown` replaces the whole body. Title and content are read back
        and checked (DocmostVerificationError when Docmost answered 200 without applying them)."""
        body: dict[str, Any] = {"pageId": page_id}
        if title is not None:
            body["title"] = title
        if icon is not None:
            body["icon"] = icon
        if markdown is not None:
            # All three or Docmost silently ignores the content (CONTRACT §3.2).
            body |= {"content": markdown, "format": "markdown", "operation": "replace"}
        if len(body) == 1:
            raise ValueError("update_page needs a title, an icon or markdown")
        page = self._object("/api/pages/update", body)
        if title is not None or markdown is not None:
            self._verify(page.get("id") or page_id, title=title, markdown=markdown)
        return page

    def get_page(self, page_id: str, *, format: str = "markdown") -> dict[str, Any]:
        """The page (UUID or slugId) with `content` in `format`; trashed pages have `deletedAt`."""
        if format not in CONTENT_FORMATS:
            raise ValueError(f"format must be one of {', '.join(CONTENT_FORMATS)}")
        return self._object("/api/pages/info", {"pageId": page_id, "format": format})

    def iter_recent_pages(
        self, *, space_id: str | None = None, limit: int = PAGE_LIMIT_MAX
    ) -> Iterator[dict[str, Any]]:
        """Live pages, most recently updated first (then id desc), fetched as consumed.

        Without `space_id`: every space the service user belongs to."""
        body: dict[str, Any] = {"limit": _checked_limit(limit)}
        if space_id is not None:
            body["spaceId"] = space_id
        return self._paginate("/api/pages/recent", body)

    def iter_sidebar_pages(
        self, *, space_id: str | None = None, page_id: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """One tree level in position order: the roots of a space, or the children of a page."""
        if (space_id is None) == (page_id is None):
            raise ValueError("iter_sidebar_pages needs exactly one of space_id and page_id")
        body: dict[str, Any] = {"limit": PAGE_LIMIT_MAX}
        if space_id is not None:
            body["spaceId"] = space_id
        else:
            body["pageId"] = page_id
        return self._paginate("/api/pages/sidebar-pages", body)

    # -- shares ----------------------------------------------------------------------------------

    def create_share(self, *, page_id: str, include_sub_pages: bool = False) -> dict[str, Any]:
        """The page's public share; Docmost returns the existing one unchanged if there is one."""
        return self._object(
            "/api/shares/create", {"pageId": page_id, "includeSubPages": include_sub_pages}
        )

    # -- plumbing --------------------------------------------------------------------------------

    def _object(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        data = self._call(path, body)
        if not isinstance(data, dict):
            raise DocmostUnavailable(
                f"Docmost answered {_endpoint(path)} without the expected object.", detail=data
            )
        return data

    def _paginate(self, path: str, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
        endpoint = _endpoint(path)
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
        return self._parse(response, _endpoint(path))

    def _send(self, path: str, body: dict[str, Any], token: str | None) -> requests.Response:
        endpoint = _endpoint(path)
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
        text = "; ".join(_messages(body))
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

    # -- verification ----------------------------------------------------------------------------

    def _verify(self, page_id: str, *, title: str | None, markdown: str | None) -> None:
        page = self.get_page(page_id, format="markdown")
        problems = []
        if title is not None and page.get("title") != title:
            problems.append(f"title is {page.get('title')!r}, not {title!r}")
        content = page.get("content")
        stored = _normalised(content if isinstance(content, str) else "")
        for expected in verification_lines(markdown or ""):
            if _normalised(expected) not in stored:
                problems.append(f"content lacks {expected[:60]!r}")
                break
        if problems:
            raise DocmostVerificationError(
                f"Docmost did not apply the write to page {page_id}: {'; '.join(problems)}.",
                page_id=page_id,
                detail={"title": page.get("title"), "updatedAt": page.get("updatedAt")},
            )

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
                f"{'; '.join(_messages(body))}".strip(),
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


def verification_lines(markdown: str) -> list[str]:
    """The text of every non-empty line, without its Markdown markers: what must survive
    Docmost's Markdown → editor → Markdown round trip. Every line is checked, not only the
    first, so an update that changed a single line is verified too."""
    lines = []
    for line in markdown.splitlines():
        text = _plain(line)
        if text and set(text) - set("-=|:"):  # skip rules and table separators
            lines.append(text)
    return lines


def verification_text(markdown: str) -> str | None:
    """The first line `verification_lines` would check (None for empty content)."""
    lines = verification_lines(markdown)
    return lines[0] if lines else None


_BLOCK_MARKER = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-*+](?=\s|$)|\d+[.)](?=\s)|\[[ xX]\])\s*")
_INLINE_MARKERS = re.compile(r"[*_`~\\]+")


def _plain(line: str) -> str:
    text = line.strip()
    while True:  # nested markers: "> > quote", "- [x] task"
        stripped = _BLOCK_MARKER.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return " ".join(_INLINE_MARKERS.sub("", text).split())


def _normalised(text: str) -> str:
    # Docmost re-renders Markdown: markers, escapes and whitespace may differ line by line.
    return " ".join(_plain(line) for line in text.splitlines())


def _auth_cookie(response: requests.Response) -> str | None:
    match = _AUTH_COOKIE.search(response.headers.get("Set-Cookie", ""))
    return match.group(1) if match else None


def _messages(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return []
    message = body.get("message")
    if isinstance(message, list):
        return [str(item) for item in message]
    return [str(message)] if message else []


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _endpoint(path: str) -> str:
    """`/api/pages/info` → `pages.info`: the metric label and the name in messages."""
    return path.removeprefix("/api/").replace("/", ".")


def _page_id(page: dict[str, Any], endpoint: str) -> str:
    page_id = page.get("id")
    if not isinstance(page_id, str) or not page_id:
        raise DocmostUnavailable(f"Docmost answered {endpoint} without a page id.", detail=page)
    return page_id


def _checked_limit(limit: int) -> int:
    if isinstance(limit, bool) or not 1 <= limit <= PAGE_LIMIT_MAX:
        raise ValueError(f"limit must be within 1..{PAGE_LIMIT_MAX}")
    return limit
