"""Token lifecycle seen through the API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from tokens import crypto
from tokens.models import Token
from tokens.services import token_revoke, token_rotate

pytestmark = pytest.mark.django_db

ME = "/api/v1/tokens/me"


def get_me(raw: str | None, header: str | None = None):
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    elif raw is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client.get(ME)


def assert_401(response, code="AUTH_INVALID"):
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert response["WWW-Authenticate"] == 'Bearer realm="bridge"'


def test_created_token_authenticates_and_describes_itself(make_token):
    token = make_token(name="docmost-prod", scopes=["read:personnes", "write:attributions"])

    response = get_me(token.plaintext)

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == "docmost-prod"
    assert data["key_id"] == token.key_id
    assert data["scopes"] == ["read:personnes", "write:attributions"]
    assert data["expires_at"] is None


def test_if_no_header_then_401_auth_required():
    assert_401(get_me(None), code="AUTH_REQUIRED")


def test_if_checksum_wrong_then_rejected_without_any_query(make_token):
    raw = make_token().plaintext
    mistyped = raw[:-1] + ("a" if raw[-1] != "a" else "b")

    with CaptureQueriesContext(connection) as queries:
        response = get_me(mistyped)

    assert_401(response)
    assert "checksum" in response.json()["error"]["message"]
    assert len(queries) == 0


def test_unknown_key_id_and_wrong_secret_are_indistinguishable(make_token):
    real = crypto.parse(make_token().plaintext)
    assert real is not None
    wrong_secret = crypto.compose(real.key_id, crypto.generate_secret())
    unknown_id = crypto.compose(crypto.generate_key_id(), real.secret)

    first, second = get_me(wrong_secret), get_me(unknown_id)

    assert_401(first)
    assert_401(second)
    assert first.json() == second.json()


def test_if_expired_then_401(make_token):
    token = make_token(expires_at=timezone.now() + timedelta(hours=1))
    assert get_me(token.plaintext).status_code == 200

    with freeze_time(timezone.now() + timedelta(hours=2)):
        response = get_me(token.plaintext)

    assert_401(response)
    assert "expired" in response.json()["error"]["message"]


def test_if_revoked_then_next_request_401(make_token):
    token = make_token()
    assert get_me(token.plaintext).status_code == 200

    token_revoke(token=token)
    response = get_me(token.plaintext)

    assert_401(response)
    assert "revoked" in response.json()["error"]["message"]


def test_rotation_keeps_old_secret_valid_until_grace_ends(make_token):
    token = make_token()
    old = token.plaintext

    new = token_rotate(token=token, grace_seconds=300).plaintext

    assert new != old
    assert get_me(old).status_code == 200
    assert get_me(new).status_code == 200
    assert get_me(new).json()["data"]["key_id"] == token.key_id  # same identity
    with freeze_time(timezone.now() + timedelta(seconds=301)):
        assert_401(get_me(old))
        assert get_me(new).status_code == 200


def test_rotation_with_zero_grace_stops_old_secret_now(make_token):
    token = make_token()
    old = token.plaintext

    new = token_rotate(token=token, grace_seconds=0).plaintext

    assert_401(get_me(old))
    assert get_me(new).status_code == 200


def test_last_used_written_once_for_100_requests_in_a_minute(make_token):
    token = make_token()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.plaintext}")

    with CaptureQueriesContext(connection) as queries:
        for _ in range(100):
            assert client.get(ME).status_code == 200

    updates = [q for q in queries if q["sql"].startswith("UPDATE") and "last_used_at" in q["sql"]]
    assert len(updates) == 1
    token.refresh_from_db()
    assert token.last_used_at is not None

    with freeze_time(timezone.now() + timedelta(seconds=61)):
        client.get(ME)
    assert Token.objects.get(pk=token.pk).last_used_at > token.last_used_at


MALFORMED_HEADERS = [
    "",
    " ",
    "Bearer",
    "Bearer ",
    "Bearer  ",
    "Basic dXNlcjpwYXNz",
    "Token brg_abc",
    "bearer",
    "Bearer brg_",
    "Bearer brg_" + "x" * 5000,
    "Bearer " + "é" * 62,
    "Bearer brg_" + "A" * 12 + "_" + "B" * 49,
    "Bearer brg_AAAAAAAAAAAA_" + "B" * 48 + "\x00",
    "Bearer brg_AAAAAAAAAAAA_" + "B" * 43 + "%00%00%",
    "Bearer null",
    "Bearer undefined",
    "Bearer ' OR 1=1 --",
    "Bearer brg_" + "A" * 12 + "_" + "B" * 49 + " extra",
    "Bearer\tbrg_token",
]


@pytest.mark.parametrize("header", MALFORMED_HEADERS)
def test_malformed_authorization_header_is_401_never_500(header):
    response = get_me(None, header=header)

    assert_401(response)
    body = response.json()["error"]
    assert body["details"] is None
    assert "brg_" not in body["message"] or "Bearer brg_…" in body["message"]
