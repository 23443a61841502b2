"""Request-level middleware: request id, access log, metrics, body size limit."""

import io
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse

from bridge_api.errors import application_error_response, error_response, payload_too_large
from bridge_api.metrics import HTTP_DURATION, HTTP_REQUESTS
from hub.errors import ErrorCode
from hub.logging import (
    reset_client_request_id,
    reset_request_id,
    set_client_request_id,
    set_request_id,
)

logger = logging.getLogger("bridge.request")

REQUEST_ID_HEADER = "X-Request-ID"
# A client's request id is logged only if it is short and harmless.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
UNMATCHED_ROUTE = "<unmatched>"
# Metric labels take only these methods: any token is a valid HTTP method, and each new label
# value is a new time series kept in memory for good (`curl -X RANDOM…` in a loop).
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _drop_body(response: HttpResponseBase) -> None:
    """A HEAD answer has headers only. Django leaves removing the body to the server and
    gunicorn sends it, which a keep-alive client then reads as the start of the next response.
    Content-Length stays: it is the length a GET would have (RFC 9110, 9.3.2)."""
    if isinstance(response, StreamingHttpResponse):
        response.streaming_content = []
    elif isinstance(response, HttpResponse):
        response.content = b""


def route_template(request: HttpRequest) -> str:
    """The URL pattern that served the request (`api/v1/personnes/<int:id>`), not the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name == "api-not-found":
        return UNMATCHED_ROUTE
    return "/" + match.route


class RequestContextMiddleware:
    """Outermost middleware: assigns the request id, then logs and measures the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # The bridge's own id: the audit trail and the idempotency store decide on it, so a
        # client must not be able to choose it. A sane incoming id is kept for correlation only.
        request_id = uuid.uuid4().hex
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        client_request_id = incoming if _VALID_REQUEST_ID.match(incoming) else ""
        context_token = set_request_id(request_id)
        client_token = set_client_request_id(client_request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            route = route_template(request)
            method = request.method if request.method in KNOWN_METHODS else "other"
            HTTP_REQUESTS.labels(method, route, str(response.status_code)).inc()
            HTTP_DURATION.labels(method, route).observe(duration)
            logger.info(
                "bridge.request",
                extra={
                    "method": (request.method or "")[:20],
                    "route": route,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 2),
                    "token_id": getattr(request, "bridge_token_id", None),
                },
            )
            response[REQUEST_ID_HEADER] = request_id
            if request.method == "HEAD":
                _drop_body(response)
            return response
        finally:
            reset_client_request_id(client_token)
            reset_request_id(context_token)


def body_limit(path: str) -> int:
    """Webhooks carry up to 200 full rows; API requests are small."""
    if path.startswith("/api/webhooks/"):
        return int(settings.BRIDGE_WEBHOOK_MAX_BODY_BYTES)
    return int(settings.BRIDGE_MAX_BODY_BYTES)


# A Content-Length is ASCII digits (int() would also take "²" or "١٢"), and of sane length.
_CONTENT_LENGTH = re.compile(r"[0-9]{1,19}")
_READ_CHUNK_BYTES = 64 * 1024


def _is_chunked(request: HttpRequest) -> bool:
    return "chunked" in str(request.META.get("HTTP_TRANSFER_ENCODING", "")).lower()


def _buffer_terminated_body(request: HttpRequest, *, limit: int) -> HttpResponse | None:
    """Read a chunked body (no Content-Length) up to `limit` bytes, or answer 411/413.

    Django reads a body without Content-Length as empty, which would store a real delivery as
    an empty, quarantined one. A server that decodes chunked bodies says so with
    `wsgi.input_terminated` (gunicorn does); the body is then read here, stopping one byte past
    the limit, and handed on as if it had been sent with its length. Any other server would hand
    over the raw chunk framing, so the request is refused: 411, never silently emptied.
    """
    if not request.META.get("wsgi.input_terminated"):
        return error_response(
            ErrorCode.LENGTH_REQUIRED,
            "A chunked body needs a server that decodes it: send a Content-Length header.",
        )
    stream = request.META["wsgi.input"]
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(_READ_CHUNK_BYTES, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        return application_error_response(payload_too_large(limit))
    body = b"".join(chunks)
    request.META["CONTENT_LENGTH"] = str(len(body))
    request._stream = io.BytesIO(body)  # what WSGIRequest reads the body from
    return None


class BodySizeLimitMiddleware:
    """Answers 413 from the declared Content-Length, before anything reads or parses the body.

    The limit depends on the route (`body_limit`); Django's single DATA_UPLOAD_MAX_MEMORY_SIZE
    is off so it cannot undercut a webhook's larger limit. A chunked body is read here up to
    the route's limit (see `_buffer_terminated_body`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.path)
        declared = str(request.META.get("CONTENT_LENGTH") or "")
        if declared:
            if not _CONTENT_LENGTH.fullmatch(declared):
                return error_response(
                    ErrorCode.VALIDATION_ERROR,
                    "The Content-Length header must be the body's length in bytes "
                    "(ASCII digits, at most 19).",
                    details={"Content-Length": [declared[:32]]},
                )
            if int(declared) > limit:
                return application_error_response(payload_too_large(limit))
        elif _is_chunked(request):
            refused = _buffer_terminated_body(request, limit=limit)
            if refused is not None:
                return refused
        return self.get_response(request)
