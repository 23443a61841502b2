from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tokens.models import Token, TokenSecret
from tokens.services import token_authenticate

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("tokens", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_create_prints_the_secret_once_and_stores_its_digest():
    secret, notice = run(
        "create", "--name", "docmost-prod", "--scopes", "read:* write:attributions"
    )

    token = Token.objects.get(name="docmost-prod")
    assert token_authenticate(raw=secret) == token
    assert token.scopes == ["read:*", "write:attributions"]
    assert "not shown again" in notice
    assert not TokenSecret.objects.filter(digest__contains=secret[17:]).exists()


def test_create_with_unknown_scope_fails_clearly():
    with pytest.raises(CommandError, match="Unknown scope"):
        run("create", "--name", "x", "--scopes", "read:everything")
    assert not Token.objects.exists()


def test_create_with_expiry_in_days():
    run("create", "--name", "temp", "--scopes", "read:*", "--expires-in-days", "7")
    assert Token.objects.get(name="temp").expires_at is not None


def test_list_shows_tokens_without_secrets():
    secret, _ = run("create", "--name", "listed", "--scopes", "admin:*")

    listing, _ = run("list")

    assert "listed" in listing
    assert "active" in listing
    assert secret not in listing


def test_rotate_then_revoke():
    old, _ = run("create", "--name", "svc", "--scopes", "read:*")
    key_id = Token.objects.get(name="svc").key_id

    new, notice = run("rotate", key_id, "--grace", "0")

    assert new != old
    assert "stops working now" in notice
    assert token_authenticate(raw=new).key_id == key_id

    message, _ = run("revoke", key_id)
    assert "Revoked" in message
    again, _ = run("revoke", key_id)
    assert "already revoked" in again
    with pytest.raises(CommandError, match="revoked"):
        run("rotate", key_id)


def test_unknown_token_reference_fails_clearly():
    with pytest.raises(CommandError, match="No token with key id"):
        run("revoke", "doesnotexist")
