"""The `Idempotency-Key` header on REST writes, over the application layer's idempotency store.

A retried request with the same key and the same method, path and body gets the first response
again (with `Idempotent-Replayed: true`), without a second write; the rules are in
`hub.idempotency`, which MCP tools share.
"""

import functools
from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from hub.idempotency import (
    HEADER,
    KEY_MAX_LENGTH,
    KEY_PATTERN,
    KEY_RULE,
    Outcome,
    idempotency_fingerprint,
    idempotent_call,
)

REPLAYED_HEADER = "Idempotent-Replayed"

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": KEY_MAX_LENGTH, "pattern": KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    description="Retrying with the same key and body returns the first answer without writing "
    f"again (24 h), with the header `{REPLAYED_HEADER}: true`; the same key with another body "
    f"is 409. {KEY_RULE}",
)


def request_fingerprint(request: Request) -> str:
    body = request._request.body  # read (and cached by Django) before DRF parses it
    return idempotency_fingerprint(f"{request.method} {request.get_full_path()}", body)


def idempotent(method: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None or request.auth is None:
            return method(view, request, *args, **kwargs)
        answered: list[Response] = []

        def call() -> Outcome:
            response = method(view, request, *args, **kwargs)
            answered.append(response)
            return Outcome(response.status_code, response.data)

        outcome, replayed = idempotent_call(
            owner=request.auth.key_id,  # type: ignore[union-attr]
            key=key,
            fingerprint=request_fingerprint(request),
            call=call,
        )
        if replayed:
            return Response(outcome.body, status=outcome.status, headers={REPLAYED_HEADER: "true"})
        return answered[0]

    return wrapper
