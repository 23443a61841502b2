"""The application's one error contract, free of HTTP frameworks.

Every failure a caller can act on is an `ApplicationError` with a code from `ErrorCode`, declared
once below with its status (the HTTP status the REST API answers with; other doors, such as MCP
tools, show the code and message) and default message. `application_error` translates the domain's,
Baserow's and Docmost's exceptions into one; the REST exception handler renders it in the envelope
``{"error": {"code": str, "message": str, "details": object | null}}``.
"""

import enum
import logging
from dataclasses import dataclass
from typing import Any

from domain.errors import NotFound
from integrations.baserow.client import BaserowError, BaserowUnavailable
from integrations.baserow.parsing import RowParseError
from integrations.docmost.client import (
    DocmostError,
    DocmostNotFound,
    DocmostUnavailable,
    DocmostVerificationError,
)

logger = logging.getLogger("bridge.errors")


@dataclass(frozen=True)
class ErrorSpec:
    status: int
    message: str


class ErrorCode(enum.Enum):
    """Every error code the API can return, with its HTTP status and default message."""

    AUTH_REQUIRED = ErrorSpec(
        401, "Authentication required: send the header 'Authorization: Bearer brg_…'."
    )
    AUTH_INVALID = ErrorSpec(401, "The API token is not valid.")
    FORBIDDEN_SCOPE = ErrorSpec(403, "This token does not have the scope this operation needs.")
    NOT_FOUND = ErrorSpec(404, "Not found.")
    METHOD_NOT_ALLOWED = ErrorSpec(405, "Method not allowed on this resource.")
    NOT_ACCEPTABLE = ErrorSpec(406, "The requested response format is not available.")
    CONFLICT = ErrorSpec(409, "The resource is not in a state that allows this operation.")
    LENGTH_REQUIRED = ErrorSpec(411, "Send the body with a Content-Length header.")
    PAYLOAD_TOO_LARGE = ErrorSpec(413, "The request body is too large.")
    UNSUPPORTED_MEDIA_TYPE = ErrorSpec(415, "Unsupported media type: send application/json.")
    VALIDATION_ERROR = ErrorSpec(400, "The request is not valid.")
    RG_VIOLATION = ErrorSpec(422, "A business rule forbids this operation.")
    UNSUPPORTED_BY_DOCMOST = ErrorSpec(422, "Docmost cannot do this.")
    RATE_LIMITED = ErrorSpec(429, "Too many requests.")
    INTERNAL = ErrorSpec(500, "Internal error. Quote the request id when reporting it.")
    BASEROW_UNAVAILABLE = ErrorSpec(502, "Baserow is unavailable.")
    BASEROW_REJECTED = ErrorSpec(502, "Baserow rejected the bridge's request.")
    BASEROW_DATA_INVALID = ErrorSpec(502, "Baserow returned a row the bridge cannot read.")
    DOCMOST_UNAVAILABLE = ErrorSpec(502, "Docmost is unavailable.")
    NOT_READY = ErrorSpec(503, "The service is not ready.")

    @property
    def status(self) -> int:
        return self.value.status

    @property
    def message(self) -> str:
        return self.value.message


class ApplicationError(Exception):
    """An error with its code, raised by the application layer and rendered by each door."""

    def __init__(
        self,
        code: ErrorCode,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.code = code
        self.message = message or code.message
        self.details = details
        self.headers = headers or {}
        self.status_code = code.status
        super().__init__(self.message)


def error_body(code: ErrorCode, message: str | None = None, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code.name, "message": message or code.message, "details": details}}


def application_error(exc: Exception) -> ApplicationError | None:
    """Domain, Baserow and Docmost failures: 404 for a missing entity, 502 for upstream ones."""
    if isinstance(exc, NotFound):
        return ApplicationError(
            ErrorCode.NOT_FOUND, str(exc), details={"entity": exc.entity, "id": exc.row_id}
        )
    if isinstance(exc, RowParseError):
        logger.error("bridge.baserow.bad-row", extra={"problem": str(exc)})
        details = {
            "entity": exc.entity,
            "row_id": exc.row_id,
            "field": exc.field,
            "problem": exc.problem,
        }
        return ApplicationError(
            ErrorCode.BASEROW_DATA_INVALID,
            f"Baserow returned an unreadable row: {exc}",
            details=details,
        )
    if isinstance(exc, BaserowUnavailable):
        logger.warning("bridge.baserow.unavailable", extra={"problem": str(exc)})
        return ApplicationError(ErrorCode.BASEROW_UNAVAILABLE, f"{exc} Retry later.")
    if isinstance(exc, BaserowError):  # a 4xx: Baserow is up and said no; retrying won't help
        logger.error("bridge.baserow.refused", extra={"problem": str(exc)})
        return ApplicationError(
            ErrorCode.BASEROW_REJECTED,
            f"{exc} The bridge's Baserow token, mapping or field formats may not match this "
            "Baserow.",
            details={
                "baserow_status": exc.status,
                "baserow_error": exc.code or None,
                "baserow_detail": exc.detail,
            },
        )
    if isinstance(exc, DocmostNotFound):
        return ApplicationError(
            ErrorCode.NOT_FOUND,
            "Docmost has no such page or space, or the bridge's Docmost user has no access to it.",
            details={"docmost_messages": exc.messages},
        )
    if isinstance(exc, DocmostUnavailable):
        logger.warning("bridge.docmost.unavailable", extra={"problem": str(exc)})
        written = {"page_id": exc.page_id} if isinstance(exc, DocmostVerificationError) else None
        return ApplicationError(
            ErrorCode.DOCMOST_UNAVAILABLE, f"{exc} Retry later.", details=written
        )
    if isinstance(exc, DocmostError):
        logger.error("bridge.docmost.refused", extra={"problem": str(exc)})
        return ApplicationError(
            ErrorCode.DOCMOST_UNAVAILABLE,
            f"{exc} The bridge's Docmost account or version may not match this request.",
            details={"docmost_status": exc.status, "docmost_messages": exc.messages},
        )
    return None
