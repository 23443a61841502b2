"""Idempotency-Key on writes (Stripe's scheme).

A retried request with the same key and the same method, path and body gets the first response
again, without a second write. The same key with a different request is 409. Keys belong to a
token and live 24 hours. A request that failed with an exception or a 5xx leaves no record, so
it can be retried. A record left in flight by a process that died expires with the write locks
(`LOCK_EXPIRY_SECONDS`): after that, the key can be used again, unless the audit trail shows
that the dead request already wrote something (then the key answers 409 for good).

Decisions use the bridge's own request id, never the client's `X-Request-ID`.
"""

import functools
import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from hub.errors import ApplicationError, ErrorCode, error_body
from hub.locks import LOCK_EXPIRY_SECONDS
from hub.logging import current_request_id
from hub.models import AuditEntry, IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
LIFETIME = timedelta(hours=24)
# 1 to 255 printable ASCII characters, neither first nor last a space (HTTP strips those).
KEY_PATTERN = r"^[!-~]([ -~]{0,253}[!-~])?$"
KEY_RULE = "1 to 255 printable ASCII characters, not starting or ending with a space."

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    description="Retrying with the same key and body returns the first answer without writing "
    f"again (24 h), with the header `{REPLAYED_HEADER}: true`; the same key with another body "
    f"is 409. {KEY_RULE}",
)


def _request_hash(request: Request) -> str:
    body = request._request.body  # read (and cached by Django) before DRF parses it
    material = f"{request.method} {request.get_full_path()}\n".encode() + body
    return hashlib.sha256(material).hexdigest()


PARTIAL_WRITE_NOTE = (
    "Part of this request was written; it is not done again with this Idempotency-Key: "
    "check the resource before retrying with a new key."
)


def _abandoned(record: IdempotencyRecord) -> bool:
    """In flight for longer than any write may hold its locks: its process died."""
    return not record.completed and record.created_at < timezone.now() - timedelta(
        seconds=LOCK_EXPIRY_SECONDS
    )


def _settle_abandoned(record: IdempotencyRecord) -> bool:
    """Free an abandoned key (True), or, if its request wrote before dying, keep a 409 for it."""
    if not (record.request_id and AuditEntry.objects.filter(request_id=record.request_id).exists()):
        record.delete()
        return True
    record.completed = True
    record.status_code = ErrorCode.CONFLICT.status
    record.response_body = error_body(
        ErrorCode.CONFLICT,
        "The first request with this Idempotency-Key stopped before answering. "
        + PARTIAL_WRITE_NOTE,
        {HEADER: record.key},
    )
    record.save(update_fields=["completed", "status_code", "response_body"])
    return False


def _claim(token_key_id: str, key: str, digest: str) -> tuple[IdempotencyRecord, bool]:
    for _attempt in range(2):
        try:
            with transaction.atomic():  # a savepoint: a duplicate key must not poison the caller
                record = IdempotencyRecord.objects.create(
                    token_key_id=token_key_id,
                    key=key,
                    request_hash=digest,
                    request_id=current_request_id(),
                )
            return record, True
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(token_key_id=token_key_id, key=key).first()
            if existing is None:
                continue  # released in between: try again
            if existing.created_at < timezone.now() - LIFETIME:
                existing.delete()
                continue
            if _abandoned(existing) and _settle_abandoned(existing):
                continue
            return existing, False
    raise ApplicationError(ErrorCode.CONFLICT, "This Idempotency-Key is contended; retry.")


def _settle_failure(record: IdempotencyRecord, exc: BaseException) -> None:
    """A request that failed before writing anything may be retried with its key; one that
    failed after a write (the audit trail shows it) keeps its error, so a retry cannot write a
    second time."""
    from bridge_api.errors import to_application_error

    wrote = AuditEntry.objects.filter(request_id=current_request_id()).exists()
    if not wrote or not isinstance(exc, Exception):
        record.delete()
        return
    error = to_application_error(exc)
    record.completed = True
    record.status_code = error.status_code
    record.response_body = error_body(
        error.code,
        f"{error.message} {PARTIAL_WRITE_NOTE}",
        error.details,
    )
    record.save(update_fields=["completed", "status_code", "response_body"])


def idempotent(method: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None or request.auth is None:
            return method(view, request, *args, **kwargs)
        if not re.fullmatch(KEY_PATTERN, key):
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR, details={HEADER: [f"Must be {KEY_RULE}"]}
            )
        digest = _request_hash(request)
        record, claimed = _claim(request.auth.key_id, key, digest)  # type: ignore[union-attr]
        if not claimed:
            if record.request_hash != digest:
                raise ApplicationError(
                    ErrorCode.CONFLICT,
                    "This Idempotency-Key was already used for a different request.",
                    details={HEADER: key},
                )
            if not record.completed:
                raise ApplicationError(
                    ErrorCode.CONFLICT,
                    "A request with this Idempotency-Key is still being processed; retry later.",
                    details={HEADER: key},
                )
            return Response(
                record.response_body,
                status=record.status_code or 200,
                headers={REPLAYED_HEADER: "true"},
            )
        try:
            response = method(view, request, *args, **kwargs)
        except BaseException as exc:
            _settle_failure(record, exc)
            raise
        if response.status_code >= 500:
            record.delete()
        else:
            record.completed = True
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["completed", "status_code", "response_body"])
        return response

    return wrapper
