"""The `Idempotency-Key` header on REST writes, over the application layer's idempotency store.

A retried request with the same key and the same method, path and body gets the first response
again (with `Idempotent-Replayed: true`), without a second write; the rules are in
`hub.idempotency`, which MCP tools share.
"""

import functools
from collections.abc import Callable
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from hub.idempotency import HEADER, Outcome, idempotency_fingerprint, idempotent_call

REPLAYED_HEADER = "Idempotent-Replayed"


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
