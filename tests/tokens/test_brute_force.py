"""Brute force: bad bearer tokens throttled per real peer address; admin logins by axes."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from bridge_api.models import BlockedPeer

pytestmark = pytest.mark.django_db

ME = "/api/v1/tokens/me"
BAD = "brg_aaaaaaaaaaaa_" + "b" * 49


@pytest.fixture
def low_limit(settings):
    settings.BRIDGE_AUTH_FAILURE_RATES = {**settings.BRIDGE_AUTH_FAILURE_RATES, "bearer": "5/m"}


def get_me(token, *, remote="203.0.113.7", **headers):
    client = APIClient(REMOTE_ADDR=remote)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get(ME, **headers)


def test_after_the_limit_of_bad_tokens_the_address_gets_429_even_with_a_valid_token(
    low_limit, make_token, caplog
):
    good = make_token(scopes=["read:*"]).plaintext
    caplog.set_level(logging.WARNING, logger="bridge.auth")
    assert [get_me(BAD).status_code for _ in range(5)] == [401] * 5

    blocked = get_me(good)

    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "RATE_LIMITED"
    assert int(blocked["Retry-After"]) >= 1
    (row,) = BlockedPeer.objects.all()
    assert (row.door, row.peer, row.failures) == ("bearer", "203.0.113.7", 5)
    assert any(r.getMessage() == "bridge.auth.blocked" for r in caplog.records)
    assert good not in caplog.text


def test_other_addresses_and_valid_tokens_are_not_affected(low_limit, make_token):
    good = make_token(scopes=["read:*"]).plaintext
    for _ in range(6):
        get_me(BAD)
    assert get_me(good, remote="198.51.100.9").status_code == 200
    assert get_me(good, remote="203.0.113.7").status_code == 429


def test_a_spoofed_forwarded_for_does_not_escape_the_block(low_limit, make_token):
    for index in range(6):
        get_me(BAD, HTTP_X_FORWARDED_FOR=f"10.0.0.{index}")
    assert get_me(BAD, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429
    assert BlockedPeer.objects.get().peer == "203.0.113.7"


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_peer(low_limit, settings, make_token):
    settings.BRIDGE_TRUSTED_PROXIES = 1
    good = make_token(scopes=["read:*"]).plaintext
    for _ in range(5):
        get_me(BAD, remote="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50")
    # Same proxy, another client: not blocked; the blocked client: 429.
    other = get_me(good, remote="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.51")
    assert other.status_code == 200
    same = get_me(good, remote="10.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.50")
    assert same.status_code == 429
    assert BlockedPeer.objects.get().peer == "203.0.113.50"


def test_valid_tokens_never_count_towards_the_block(low_limit, make_token):
    good = make_token(scopes=["read:*"]).plaintext
    assert {get_me(good).status_code for _ in range(12)} == {200}
    assert not BlockedPeer.objects.exists()


def test_blocked_peers_are_listed_in_the_admin(low_limit):
    for _ in range(5):
        get_me(BAD)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/bridge_api/blockedpeer/")
    assert page.status_code == 200
    assert b"203.0.113.7" in page.content


# -- admin login (django-axes) ----------------------------------------------------------------


def login(client, password):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "boss", "password": password},
        REMOTE_ADDR="203.0.113.8",
    )


def test_admin_login_is_locked_after_repeated_wrong_passwords(settings):
    get_user_model().objects.create_superuser("boss", "boss@example.org", "right-password")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong").status_code == 200  # the form again, with an error
    assert login(client, "wrong").status_code == 429  # the limit-th failure locks

    locked = login(client, "right-password")

    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"unlocks by itself after {minutes}\xa0minutes;" in locked.content.decode()
    assert b"PT" not in locked.content.split(b"unlocks by itself after")[1][:20]
    assert "_auth_user_id" not in client.session
    admin = get_user_model().objects.create_superuser("other", "o@example.org", "pw")
    viewer = Client()
    viewer.force_login(admin)
    attempts = viewer.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200
    assert b"boss" in attempts.content


def test_admin_login_with_the_right_password_before_the_limit_works(settings):
    get_user_model().objects.create_superuser("boss", "boss@example.org", "right-password")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "wrong")
    assert login(client, "right-password").status_code == 302
    assert "_auth_user_id" in client.session
