"""The REST door's side of the one error contract, whose codes are declared once in
`hub.errors` (each with its HTTP status and default message).

Every error the service returns has the shape
``{"error": {"code": str, "message": str, "details": object | null}}``. Services raise
`ApplicationError(ErrorCode.X, ...)`; the DRF exception handler below renders it, and Django's
error handlers render every other failure (framework errors, unknown routes, crashes) in the
same envelope.
"""

import logging
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

from hub.errors import ApplicationError, ErrorCode, application_error, error_body
from hub.logging import current_request_id

logger = logging.getLogger("bridge.errors")


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


def application_error_response(error: ApplicationError) -> JsonResponse:
    """A `ApplicationError` as a plain Django response, for code outside DRF views."""
    return error_response(error.code, error.message, error.details, error.headers)


def _validation_details(detail: Any) -> dict[str, Any]:
    """DRF's validation detail, always as an object keyed by field."""
    if isinstance(detail, dict):
        return detail
    return {"non_field_errors": detail if isinstance(detail, list) else [detail]}


def to_application_error(exc: Exception) -> ApplicationError:
    """Translate any exception into a `ApplicationError` (unknown ones become INTERNAL)."""
    if isinstance(exc, ApplicationError):
        return exc
    if isinstance(exc, exceptions.ValidationError):
        return ApplicationError(ErrorCode.VALIDATION_ERROR, details=_validation_details(exc.detail))
    if isinstance(exc, exceptions.ParseError):
        return ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "The request body is not valid JSON.",
            details={"body": [str(exc.detail)]},
        )
    if isinstance(exc, exceptions.NotAuthenticated):
        return ApplicationError(ErrorCode.AUTH_REQUIRED)
    if isinstance(exc, exceptions.AuthenticationFailed):
        return ApplicationError(ErrorCode.AUTH_INVALID, str(exc.detail))
    if isinstance(exc, exceptions.PermissionDenied | DjangoPermissionDenied):
        return ApplicationError(ErrorCode.FORBIDDEN_SCOPE)
    if isinstance(exc, exceptions.NotFound | Http404):
        return ApplicationError(ErrorCode.NOT_FOUND)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return ApplicationError(ErrorCode.METHOD_NOT_ALLOWED, str(exc.detail))
    if isinstance(exc, exceptions.NotAcceptable):
        return ApplicationError(ErrorCode.NOT_ACCEPTABLE)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return ApplicationError(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE, f"{exc.detail} Send Content-Type: application/json."
        )
    bad_request = _bad_request(exc)
    if bad_request is not None:
        return bad_request
    if isinstance(exc, exceptions.Throttled):
        wait = int(getattr(exc, "wait", None) or 1)
        return ApplicationError(
            ErrorCode.RATE_LIMITED,
            details={"retry_after": wait},
            headers={"Retry-After": str(wait)},
        )
    upstream = application_error(exc)
    if upstream is not None:
        return upstream
    if isinstance(exc, exceptions.APIException):
        # A framework error with no dedicated code: keep its status, describe it plainly.
        fallback = {400: ErrorCode.VALIDATION_ERROR, 409: ErrorCode.CONFLICT}
        code = fallback.get(exc.status_code, ErrorCode.INTERNAL)
        return ApplicationError(code, str(exc.detail))
    logger.exception("bridge.unhandled-exception", exc_info=exc)
    return ApplicationError(ErrorCode.INTERNAL, details={"request_id": current_request_id()})


def _bad_request(exc: Exception) -> ApplicationError | None:
    """Django's refusals of a malformed request (too large, too many parameters, …)."""
    from django.conf import settings

    if isinstance(exc, RequestDataTooBig):
        return payload_too_large()
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"The request has more than {limit} query or form parameters; send fewer.",
            details={"max_parameters": limit},
        )
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"The request has more than {limit} files; send fewer.",
            details={"max_files": limit},
        )
    if isinstance(exc, SuspiciousOperation | BadRequest):
        logger.warning("bridge.bad-request", extra={"problem": type(exc).__name__})
        return ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"The request is malformed and was refused ({type(exc).__name__}); "
            "check its headers and parameters.",
        )
    return None


def payload_too_large(limit: int | None = None) -> ApplicationError:
    from django.conf import settings

    limit = limit or settings.BRIDGE_MAX_BODY_BYTES
    return ApplicationError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        f"The request body is larger than the limit of {limit} bytes.",
        details={"max_bytes": limit},
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception raised in a DRF view ends here."""
    from rest_framework.views import set_rollback  # imported late: DRF views import this module

    error = to_application_error(exc)
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
        return application_error_response(refused)
    return error_response(ErrorCode.VALIDATION_ERROR, "Bad request.")


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(ErrorCode.FORBIDDEN_SCOPE, "Forbidden.")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(
        ErrorCode.NOT_FOUND, f"No route matches {request.path}. The API is described at /api/docs/."
    )


def handler500(request: HttpRequest) -> HttpResponse:
    return error_response(ErrorCode.INTERNAL, details={"request_id": current_request_id()})
