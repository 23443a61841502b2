import re

import pytest
from django.contrib.auth import get_user_model

from tokens.models import Token
from tokens.services import token_authenticate, token_create

pytestmark = pytest.mark.django_db

SECRET_RE = re.compile(r"brg_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}")


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def test_admin_create_shows_the_secret_once(admin_client):
    response = admin_client.post(
        "/admin/tokens/token/add/",
        {"name": "from-admin", "description": "", "scopes": ["read:personnes", "admin:sync"]},
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    (secret,) = set(SECRET_RE.findall(response.content.decode()))
    token = Token.objects.get(name="from-admin")
    assert token_authenticate(raw=secret) == token
    assert token.created_by == "admin"

    detail = admin_client.get(f"/admin/tokens/token/{token.pk}/change/").content.decode()
    assert secret not in detail
    assert SECRET_RE.search(detail) is None


def test_admin_rotate_action_asks_for_grace_then_shows_new_secret(admin_client):
    issued = token_create(name="svc", scopes=["read:*"])
    data = {"action": "rotate_tokens", "_selected_action": [issued.token.pk]}

    confirm = admin_client.post("/admin/tokens/token/", data)
    assert b"grace_seconds" in confirm.content

    done = admin_client.post("/admin/tokens/token/", {**data, "apply": "1", "grace_seconds": "0"})

    (secret,) = set(SECRET_RE.findall(done.content.decode()))
    assert secret != issued.plaintext
    assert token_authenticate(raw=secret) == issued.token


def test_admin_revoke_action_confirms_then_revokes(admin_client):
    issued = token_create(name="svc", scopes=["read:*"])
    data = {"action": "revoke_tokens", "_selected_action": [issued.token.pk]}

    admin_client.post("/admin/tokens/token/", data)
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None  # only the confirmation page so far

    admin_client.post("/admin/tokens/token/", {**data, "apply": "1"})
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None


def test_admin_cannot_delete_tokens(admin_client):
    issued = token_create(name="svc", scopes=["read:*"])
    response = admin_client.get(f"/admin/tokens/token/{issued.token.pk}/delete/")
    assert response.status_code == 403
