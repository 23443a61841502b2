"""What the Docmost client raises: one base class, split by what the caller can do about it."""

from typing import Any


class DocmostError(Exception):
    """Docmost refused or failed a request. `detail` is the decoded error body when there is one.

    `messages` lists Docmost's message(s): validation errors come as a list, others as one text.
    """

    def __init__(self, message: str, *, status: int | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail
        self.messages = messages_of(detail)


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


def messages_of(body: Any) -> list[str]:
    """The messages of a Docmost error body (`message`: a string or a list of them)."""
    if not isinstance(body, dict):
        return []
    message = body.get("message")
    if isinstance(message, list):
        return [str(item) for item in message]
    return [str(message)] if message else []
