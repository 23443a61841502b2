"""Token reads."""

from django.db.models import QuerySet

from tokens.models import Token


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
