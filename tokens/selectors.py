"""Token reads."""

from datetime import datetime
from typing import NamedTuple

from django.db.models import QuerySet

from tokens.models import Token, TokenSecret

# Authentication runs on every request: one hand-written join (through raw(), which still applies
# each field's database converters) costs half of what compiling the equivalent ORM query does.
_LIVE_SECRETS_SQL = f"""
    SELECT t.*, s.digest AS secret_digest, s.pepper_id AS secret_pepper_id
    FROM {Token._meta.db_table} t
    JOIN {TokenSecret._meta.db_table} s ON s.token_id = t.id
    WHERE t.key_id = %s AND (s.valid_until IS NULL OR s.valid_until > %s)
"""  # noqa: S608  (table names come from model metadata, values are parameters)


class TokenNotFoundError(LookupError):
    pass


def token_get(*, reference: str) -> Token:
    """A token by key id, or by the start of its plaintext (`brg_<key id>…`)."""
    key_id = reference.removeprefix("brg_")[:12]
    try:
        return Token.objects.get(key_id=key_id)
    except Token.DoesNotExist:
        raise TokenNotFoundError(f"No token with key id {key_id!r}.") from None


def token_list(*, include_inactive: bool = True) -> QuerySet[Token]:
    tokens = Token.objects.all()
    if not include_inactive:
        tokens = tokens.filter(revoked_at__isnull=True)
    return tokens


class LiveSecret(NamedTuple):
    token: Token
    digest: str
    pepper_id: str


def token_live_secrets(*, key_id: str, now: datetime) -> list[LiveSecret]:
    """The secrets of the token `key_id` still valid at `now` (empty if the key id is unknown)."""
    rows = Token.objects.raw(_LIVE_SECRETS_SQL, [key_id, now])
    # The two extra columns arrive as attributes raw() sets on each row.
    return [LiveSecret(row, row.secret_digest, row.secret_pepper_id) for row in rows]  # type: ignore[attr-defined]
