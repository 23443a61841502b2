"""Token operations. The admin, the `tokens` command and the API all call these."""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tokens import crypto
from tokens.models import Token, TokenRevokedError, TokenSecret
from tokens.scopes import invalid_scopes
from tokens.selectors import token_live_secrets


class TokenValidationError(ValueError):
    """Bad input to a token operation (unknown scope, empty name, …)."""


class TokenAuthenticationError(Exception):
    """A presented token was refused. `message` is safe to show to the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Unknown key id and wrong secret answer with the same message (and comparable work).
NOT_VALID = "The API token is not valid."


@dataclass(frozen=True)
class IssuedToken:
    token: Token
    plaintext: str  # shown once, never stored


def _new_secret(token: Token, *, valid_until: datetime | None = None) -> str:
    secret = crypto.generate_secret()
    pepper_identifier, pepper = crypto.current_pepper()
    TokenSecret.objects.create(
        token=token,
        digest=crypto.digest(secret, pepper),
        pepper_id=pepper_identifier,
        valid_until=valid_until,
    )
    return crypto.compose(token.key_id, secret)


def _clean_scopes(scopes: list[str]) -> list[str]:
    cleaned = sorted({scope.strip() for scope in scopes if scope.strip()})
    if not cleaned:
        raise TokenValidationError("A token needs at least one scope.")
    unknown = invalid_scopes(cleaned)
    if unknown:
        raise TokenValidationError(f"Unknown scope(s): {', '.join(unknown)}.")
    return cleaned


@transaction.atomic
def token_create(
    *,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    description: str = "",
    created_by: str = "",
) -> IssuedToken:
    name = name.strip()
    if not name:
        raise TokenValidationError("A token needs a name.")
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenValidationError("The expiry date is in the past.")
    token = Token.objects.create(
        name=name,
        description=description,
        key_id=crypto.generate_key_id(),
        scopes=_clean_scopes(scopes),
        expires_at=expires_at,
        created_by=created_by,
    )
    return IssuedToken(token=token, plaintext=_new_secret(token))


def token_rotation_grace_check(*, grace_seconds: int) -> int:
    """The grace period, if allowed: between 0 and TOKEN_ROTATION_GRACE_MAX_SECONDS. A longer
    one is refused rather than shortened, so whoever asked knows what they got."""
    if grace_seconds < 0:
        raise TokenValidationError("The grace period cannot be negative.")
    maximum = settings.TOKEN_ROTATION_GRACE_MAX_SECONDS
    if grace_seconds > maximum:
        raise TokenValidationError(
            f"The grace period cannot exceed {maximum} seconds "
            f"(TOKEN_ROTATION_GRACE_MAX_SECONDS); {grace_seconds} was asked."
        )
    return grace_seconds


@transaction.atomic
def token_rotate(*, token: Token, grace_seconds: int | None = None) -> IssuedToken:
    """Issue a new secret; the current ones keep working for `grace_seconds` (0 = stop now)."""
    if grace_seconds is None:
        grace_seconds = settings.TOKEN_ROTATION_GRACE_SECONDS
    token_rotation_grace_check(grace_seconds=grace_seconds)
    locked = Token.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise TokenRevokedError(f"Token {locked.key_id} is revoked; it cannot be rotated.")
    now = timezone.now()
    grace_end = now + timedelta(seconds=grace_seconds)
    # A secret already ending sooner keeps its earlier end: a rotation never extends a secret.
    still_valid = TokenSecret.objects.filter(token=locked)
    still_valid.filter(valid_until__isnull=True).update(valid_until=grace_end)
    still_valid.filter(valid_until__gt=grace_end).update(valid_until=grace_end)
    return IssuedToken(token=locked, plaintext=_new_secret(locked))


@transaction.atomic
def token_revoke(*, token: Token) -> bool:
    """Revoke for good. Returns False if it was already revoked."""
    updated = Token.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    return bool(updated)


def token_authenticate(*, raw: str) -> Token:
    """The active token `raw` belongs to, or `TokenAuthenticationError`.

    A malformed token or a bad checksum is refused before any query. Unknown key ids and wrong
    secrets are indistinguishable to the caller. Status (revoked, expired) is only revealed to
    someone who holds a valid secret.
    """
    parsed = crypto.parse(raw)
    if parsed is None:
        raise TokenAuthenticationError(
            "The API token is malformed or mistyped (its checksum does not match); copy it again."
        )
    now = timezone.now()
    candidates = token_live_secrets(key_id=parsed.key_id, now=now)
    token: Token | None = None
    if not candidates:
        crypto.digest(parsed.secret, crypto.current_pepper()[1])  # same work as a real check
    for candidate in candidates:
        pepper = crypto.pepper_by_id(candidate.pepper_id)
        if pepper is None:
            continue  # hashed under a pepper that has since been retired
        if hmac.compare_digest(candidate.digest, crypto.digest(parsed.secret, pepper)):
            token = candidate.token
    if token is None:
        raise TokenAuthenticationError(NOT_VALID)
    if token.revoked_at is not None:
        raise TokenAuthenticationError("The API token has been revoked.")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenAuthenticationError("The API token has expired.")
    token_mark_used(token=token, now=now)
    return token


def token_mark_used(*, token: Token, now: datetime) -> None:
    """Record use at most once per resolution window, with one conditional UPDATE."""
    resolution = timedelta(seconds=settings.TOKEN_LAST_USED_RESOLUTION_SECONDS)
    if token.last_used_at is not None and now - token.last_used_at < resolution:
        return
    Token.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - resolution)
    ).update(last_used_at=now)
    token.last_used_at = now
