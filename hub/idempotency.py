"""Idempotency keys on writes (Stripe's scheme), for every door (REST, MCP tools).

A retried call with the same key and the same arguments (their fingerprint) gets the first
outcome again, without a second write. The same key with other arguments is a CONFLICT. Keys
belong to their owner (a token's key id) and live 24 hours. A call that failed with an exception
or a 5xx leaves no record, so it can be retried. A record left in flight by a process that died
expires with the write locks (`LOCK_EXPIRY_SECONDS`): after that, the key can be used again,
unless the audit trail shows that the dead call already wrote something (then the key answers
CONFLICT for good).

Decisions use the bridge's own request id, never a client's `X-Request-ID`.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from hub.errors import ApplicationError, ErrorCode, application_error, error_body
from hub.locks import LOCK_EXPIRY_SECONDS
from hub.logging import current_request_id
from hub.models import AuditEntry, IdempotencyRecord

HEADER = "Idempotency-Key"
LIFETIME = timedelta(hours=24)


KEY_MAX_LENGTH = 255


@dataclass(frozen=True)
class Outcome:
    """What a call answered: a status (HTTP's, for every door) and a JSON-ready body."""

    status: int
    body: Any


# A key is 1 to 255 printable ASCII characters, neither first nor last a space: what an HTTP
# header value can carry intact (HTTP strips outer spaces), and so the same rule for every door.
KEY_PATTERN = rf"^[!-~]([ -~]{{0,{KEY_MAX_LENGTH - 2}}}[!-~])?$"
KEY_RULE = f"1 to {KEY_MAX_LENGTH} printable ASCII characters, not starting or ending with a space."


def idempotency_key_check(key: str) -> None:
    """A VALIDATION_ERROR naming the key when it breaks `KEY_RULE`."""
    if not re.fullmatch(KEY_PATTERN, key):
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, details={HEADER: [f"Must be {KEY_RULE}"]}
        )


def idempotency_fingerprint(*parts: bytes | str) -> str:
    """A digest of what makes two calls the same call (operation, target, arguments)."""
    material = b"\n".join(part.encode() if isinstance(part, str) else part for part in parts)
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
    """A call that failed before writing anything may be retried with its key; one that
    failed after a write (the audit trail shows it) keeps its error, so a retry cannot write a
    second time."""
    wrote = AuditEntry.objects.filter(request_id=current_request_id()).exists()
    if not wrote or not isinstance(exc, Exception):
        record.delete()
        return
    error = _as_application_error(exc)
    record.completed = True
    record.status_code = error.status_code
    record.response_body = error_body(
        error.code,
        f"{error.message} {PARTIAL_WRITE_NOTE}",
        error.details,
    )
    record.save(update_fields=["completed", "status_code", "response_body"])


def _as_application_error(exc: Exception) -> ApplicationError:
    if isinstance(exc, ApplicationError):
        return exc
    known = application_error(exc)
    if known is not None:
        return known
    return ApplicationError(ErrorCode.INTERNAL, details={"request_id": current_request_id()})


def idempotent_call(
    *, owner: str, key: str, fingerprint: str, call: Callable[[], Outcome]
) -> tuple[Outcome, bool]:
    """Run `call` once per (owner, key): the outcome, and whether it is a replay of the first.

    The same key with another fingerprint, or while the first call is still running, is a
    CONFLICT; outcomes of 5xx and exceptions before any write are not kept (retry is safe)."""
    idempotency_key_check(key)
    record, claimed = _claim(owner, key, fingerprint)
    if not claimed:
        if record.request_hash != fingerprint:
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
        return Outcome(record.status_code or 200, record.response_body), True
    try:
        outcome = call()
    except BaseException as exc:
        _settle_failure(record, exc)
        raise
    if outcome.status >= 500:
        record.delete()
    else:
        record.completed = True
        record.status_code = outcome.status
        record.response_body = outcome.body
        record.save(update_fields=["completed", "status_code", "response_body"])
    return outcome, False
