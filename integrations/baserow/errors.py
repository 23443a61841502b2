"""What the Baserow client raises: one base class, split by what the caller can do about it."""

from typing import Any


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
