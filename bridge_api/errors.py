"""The one error contract.

Every error the service returns has the shape
``{"error": {"code": str, "message": str, "details": object | null}}``. Each code is declared once
below with its HTTP status and default message; services raise `BridgeError(ErrorCode.X, ...)`,
and the DRF exception handler and Django's error handlers render every other failure (framework
errors, unknown routes, crashes) in the same envelope.
"""

import enum
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from bridge_api.logging import current_request_id

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


class BridgeError(exceptions.APIException):
    """A domain error with its code; rendered in the envelope by `exception_handler`."""

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
        super().__init__(detail=self.message, code=code.name)


def error_body(code: ErrorCode, message: str | None = None, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code.name, "message": message or code.message, "details": details}}


def error_response(
    code: ErrorCode,
    message: str | None = None,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """The envelope as a plain Django response, for code outside DRF views."""
    response = JsonResponse(error_body(code, message, details), status=code.status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def bridge_error_response(error: BridgeError) -> JsonResponse:
    """A `BridgeError` as a plain Django response, for code outside DRF views."""
    return error_response(error.code, error.message, error.details, error.headers)


def _validation_details(detail: Any) -> dict[str, Any]:
    """DRF's validation detail, always as an object keyed by field."""
    if isinstance(detail, dict):
        return detail
    return {"non_field_errors": detail if isinstance(detail, list) else [detail]}


def to_bridge_error(exc: Exception) -> BridgeError:
    """Translate any exception into a `BridgeError` (unknown ones become INTERNAL)."""
    if isinstance(exc, BridgeError):
        return exc
    if isinstance(exc, exceptions.ValidationError):
        return BridgeError(ErrorCode.VALIDATION_ERROR, details=_validation_details(exc.detail))
    if isinstance(exc, exceptions.ParseError):
        return BridgeError(
            ErrorCode.VALIDATION_ERROR,
            "The request body is not valid JSON.",
            details={"body": [str(exc.detail)]},
        )
    if isinstance(exc, exceptions.NotAuthenticated):
        return BridgeError(ErrorCode.AUTH_REQUIRED)
    if isinstance(exc, exceptions.AuthenticationFailed):
        return BridgeError(ErrorCode.AUTH_INVALID, str(exc.detail))
    if isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied):
        return BridgeError(ErrorCode.FORBIDDEN_SCOPE)
    if isinstance(exc, exceptions.NotFound | Http404):
        return BridgeError(ErrorCode.NOT_FOUND)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return BridgeError(ErrorCode.METHOD_NOT_ALLOWED, str(exc.detail))
    if isinstance(exc, exceptions.NotAcceptable):
        return BridgeError(ErrorCode.NOT_ACCEPTABLE)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return BridgeError(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE, f"{exc.detail} Send Content-Type: application/json."
        )
    bad_request = _bad_request(exc)
    if bad_request is not None:
        return bad_request
    if isinstance(exc, exceptions.Throttled):
        wait = int(getattr(exc, "wait", None) or 1)
        return BridgeError(
            ErrorCode.RATE_LIMITED,
            details={"retry_after": wait},
            headers={"Retry-After": str(wait)},
        )
    upstream = _upstream_error(exc)
    if upstream is not None:
        return upstream
    if isinstance(exc, exceptions.APIException):
        # A framework error with no dedicated code: keep its status, describe it plainly.
        fallback = {400: ErrorCode.VALIDATION_ERROR, 409: ErrorCode.CONFLICT}
        code = fallback.get(exc.status_code, ErrorCode.INTERNAL)
        return BridgeError(code, str(exc.detail))
    logger.exception("bridge.unhandled-exception", exc_info=exc)
    return BridgeError(ErrorCode.INTERNAL, details={"request_id": current_request_id()})


def _upstream_error(exc: Exception) -> BridgeError | None:
    """Domain, Baserow and Docmost failures: 404 for a missing entity, 502 for upstream ones."""
    from domain.errors import NotFound
    from integrations.baserow.client import BaserowError, BaserowUnavailable
    from integrations.baserow.parsing import RowParseError
    from integrations.docmost.client import (
        DocmostError,
        DocmostNotFound,
        DocmostUnavailable,
        DocmostVerificationError,
    )

    if isinstance(exc, NotFound):
        return BridgeError(
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
        return BridgeError(
            ErrorCode.BASEROW_DATA_INVALID,
            f"Baserow returned an unreadable row: {exc}",
            details=details,
        )
    if isinstance(exc, BaserowUnavailable):
        logger.warning("bridge.baserow.unavailable", extra={"problem": str(exc)})
        return BridgeError(ErrorCode.BASEROW_UNAVAILABLE, f"{exc} Retry later.")
    if isinstance(exc, BaserowError):  # a 4xx: Baserow is up and said no; retrying won't help
        logger.error("bridge.baserow.refused", extra={"problem": str(exc)})
        return BridgeError(
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
        return BridgeError(
            ErrorCode.NOT_FOUND,
            "Docmost has no such page or space, or the bridge's Docmost user has no access to it.",
            details={"docmost_messages": exc.messages},
        )
    if isinstance(exc, DocmostUnavailable):
        logger.warning("bridge.docmost.unavailable", extra={"problem": str(exc)})
        written = {"page_id": exc.page_id} if isinstance(exc, DocmostVerificationError) else None
        return BridgeError(ErrorCode.DOCMOST_UNAVAILABLE, f"{exc} Retry later.", details=written)
    if isinstance(exc, DocmostError):
        logger.error("bridge.docmost.refused", extra={"problem": str(exc)})
        return BridgeError(
            ErrorCode.DOCMOST_UNAVAILABLE,
            f"{exc} The bridge's Docmost account or version may not match this request.",
            details={"docmost_status": exc.status, "docmost_messages": exc.messages},
        )
    return None


def _bad_request(exc: Exception) -> BridgeError | None:
    """Django's refusals of a malformed request (too large, too many parameters, …)."""
    from django.conf import settings

    if isinstance(exc, RequestDataTooBig):
        return payload_too_large()
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return BridgeError(
            ErrorCode.VALIDATION_ERROR,
            f"The request has more than {limit} query or form parameters; send fewer.",
            details={"max_parameters": limit},
        )
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return BridgeError(
            ErrorCode.VALIDATION_ERROR,
            f"The request has more than {limit} files; send fewer.",
            details={"max_files": limit},
        )
    if isinstance(exc, SuspiciousOperation | BadRequest):
        logger.warning("bridge.bad-request", extra={"problem": type(exc).__name__})
        return BridgeError(
            ErrorCode.VALIDATION_ERROR,
            f"The request is malformed and was refused ({type(exc).__name__}); "
            "check its headers and parameters.",
        )
    return None


def payload_too_large(limit: int | None = None) -> BridgeError:
    from django.conf import settings

    limit = limit or settings.BRIDGE_MAX_BODY_BYTES
    return BridgeError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        f"The request body is larger than the limit of {limit} bytes.",
        details={"max_bytes": limit},
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception raised in a DRF view ends here."""
    from rest_framework.views import set_rollback  # imported late: DRF views import this module

    error = to_bridge_error(exc)
    headers = dict(error.headers)
    auth_header = getattr(exc, "auth_header", None)
    if auth_header and error.status_code == status.HTTP_401_UNAUTHORIZED:
        headers["WWW-Authenticate"] = auth_header
    message = error.message
    if isinstance(exc, exceptions.MethodNotAllowed) and (view := context.get("view")):
        headers["Allow"] = ", ".join(view.allowed_methods)
        message = f"{message} This resource allows {headers['Allow']}."
    set_rollback()
    return Response(
        error_body(error.code, message, error.details),
        status=error.status_code,
        headers=headers,
    )


# Django-level handlers: failures outside DRF views (unknown routes, CSRF, crashes in middleware).


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from django.core.exceptions import DisallowedHost

    if isinstance(exception, DisallowedHost):
        return error_response(
            ErrorCode.VALIDATION_ERROR,
            "This host name is not served here: add it to ALLOWED_HOSTS.",
            details={"Host": [request.META.get("HTTP_HOST", "")[:100]]},
        )
    refused = _bad_request(exception) if exception is not None else None
    if refused is not None:
        return bridge_error_response(refused)
    return error_response(ErrorCode.VALIDATION_ERROR, "Bad request.")


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(ErrorCode.FORBIDDEN_SCOPE, "Forbidden.")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(
        ErrorCode.NOT_FOUND, f"No route matches {request.path}. The API is described at /api/docs/."
    )


def handler500(request: HttpRequest) -> HttpResponse:
    return error_response(ErrorCode.INTERNAL, details={"request_id": current_request_id()})
