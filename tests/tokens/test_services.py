from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tokens import crypto
from tokens.models import Token, TokenRevokedError, TokenSecret
from tokens.services import (
    TokenAuthenticationError,
    TokenValidationError,
    token_authenticate,
    token_create,
    token_revoke,
    token_rotate,
)

pytestmark = pytest.mark.django_db


def test_create_stores_only_a_digest_of_the_secret():
    issued = token_create(name="docmost-prod", scopes=["read:*", "write:attributions"])
    secret_row = TokenSecret.objects.get(token=issued.token)
    parsed = crypto.parse(issued.plaintext)

    assert parsed is not None
    assert parsed.key_id == issued.token.key_id
    assert parsed.secret not in secret_row.digest
    assert secret_row.digest == crypto.digest(parsed.secret, "test-only-token-pepper")
    assert issued.token.scopes == ["read:*", "write:attributions"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "x", "scopes": ["read:everything"]}, "Unknown scope"),
        ({"name": "x", "scopes": []}, "at least one scope"),
        ({"name": "  ", "scopes": ["read:*"]}, "needs a name"),
        (
            {"name": "x", "scopes": ["read:*"], "expires_at": timezone.now() - timedelta(days=1)},
            "in the past",
        ),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(kwargs, message):
    with pytest.raises(TokenValidationError, match=message):
        token_create(**kwargs)
    assert Token.objects.count() == 0


def test_revoked_token_cannot_be_unrevoked():
    token = token_create(name="x", scopes=["read:*"]).token
    assert token_revoke(token=token) is True
    assert token_revoke(token=token) is False  # idempotent, reports it

    token.revoked_at = None
    with pytest.raises(TokenRevokedError):
        token.save()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoked_token_cannot_be_rotated():
    token = token_create(name="x", scopes=["read:*"]).token
    token_revoke(token=token)
    with pytest.raises(TokenRevokedError):
        token_rotate(token=token, grace_seconds=60)


def test_rotation_never_extends_an_older_secret():
    issued = token_create(name="x", scopes=["read:*"])
    token_rotate(token=issued.token, grace_seconds=60)
    token_rotate(token=issued.token, grace_seconds=3600)  # must not give the first secret 1 h

    first = TokenSecret.objects.filter(token=issued.token).order_by("created_at").first()
    assert first is not None
    assert first.valid_until is not None
    assert first.valid_until <= timezone.now() + timedelta(seconds=61)


def test_token_hashed_under_a_previous_pepper_still_authenticates():
    with override_settings(TOKEN_PEPPER="old-pepper"):
        issued = token_create(name="x", scopes=["read:*"])
    with override_settings(TOKEN_PEPPER="new-pepper", TOKEN_PEPPERS_PREVIOUS=["old-pepper"]):
        assert token_authenticate(raw=issued.plaintext) == issued.token
    with (
        override_settings(TOKEN_PEPPER="new-pepper", TOKEN_PEPPERS_PREVIOUS=[]),
        pytest.raises(TokenAuthenticationError),
    ):
        token_authenticate(raw=issued.plaintext)
