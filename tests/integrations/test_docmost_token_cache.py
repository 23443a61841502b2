"""The Docmost session token is kept in Redis sealed under SECRET_KEY, for the session's life."""

import base64
import json
import time

import pytest
from django.core.cache import caches
from django_redis import get_redis_connection

from integrations.docmost.client import DocmostClient
from integrations.docmost.connection import (
    EXPIRY_MARGIN_SECONDS,
    TOKEN_KEY,
    UNKNOWN_LIFETIME_SECONDS,
    CacheTokenStore,
    token_lifetime,
)
from integrations.fakes.docmost.fake import TOKEN_LIFETIME, FakeDocmost
from integrations.fakes.transport import fake_session
from integrations.sealing import seal, unseal


def client_for(fake: FakeDocmost) -> DocmostClient:
    return DocmostClient(
        base_url=fake.base_url,
        email=fake.email,
        password=fake.password,
        session=fake_session(fake),
        token_store=CacheTokenStore(),
    )


def jwt(claims: dict) -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.fixture
def redis():
    return get_redis_connection("ratelimit")


@pytest.fixture
def raw_key():
    return caches["ratelimit"].make_key(TOKEN_KEY)


def test_token_in_redis_is_sealed_and_expires_with_the_session(redis, raw_key):
    fake = FakeDocmost()
    client_for(fake).check()
    token = CacheTokenStore().get()

    raw = redis.get(raw_key)
    ttl = redis.ttl(raw_key)

    assert token
    assert fake.logins == 1
    assert raw is not None
    assert token.encode() not in raw
    assert token.split(".")[1].encode() not in raw  # not even the claims
    expected = TOKEN_LIFETIME.total_seconds() - EXPIRY_MARGIN_SECONDS
    assert expected - 30 <= ttl <= expected


def test_processes_share_the_sealed_token_without_logging_in_again():
    fake = FakeDocmost()
    client_for(fake).check()
    client_for(fake).check()

    assert fake.logins == 1


def test_a_clear_text_token_left_by_an_older_version_is_ignored():
    fake = FakeDocmost()
    client_for(fake).check()
    token = CacheTokenStore().get()
    caches["ratelimit"].set(TOKEN_KEY, token, timeout=None)  # what the cache held before

    assert CacheTokenStore().get() is None
    client_for(fake).check()
    assert fake.logins == 2
    assert CacheTokenStore().get() not in (None, token)


def test_an_expired_session_is_not_cached():
    CacheTokenStore().set(jwt({"exp": int(time.time()) + 10}))

    assert caches["ratelimit"].get(TOKEN_KEY) is None


@pytest.mark.parametrize("token", ["opaque-session-token", "a.b.c", jwt({"sub": "x"})])
def test_a_token_without_a_readable_expiry_gets_the_default_lifetime(token):
    assert token_lifetime(token) == UNKNOWN_LIFETIME_SECONDS


def test_sealed_value_opens_only_for_its_purpose_and_unaltered():
    sealed = seal("secret-token", purpose="one")
    raw = bytearray(base64.urlsafe_b64decode(sealed))
    raw[20] ^= 1
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode()

    assert "secret-token" not in sealed
    assert unseal(sealed, purpose="one") == "secret-token"
    assert seal("secret-token", purpose="one") != sealed  # a fresh nonce each time
    assert unseal(sealed, purpose="two") is None
    assert unseal(tampered, purpose="one") is None


@pytest.mark.parametrize("garbage", ["", "not base64 !", "AQ==", "é", "x" * 200])
def test_garbage_does_not_open(garbage):
    assert unseal(garbage, purpose="one") is None


def test_a_value_sealed_under_a_previous_secret_key_still_opens(settings):
    sealed = seal("t0k3n", purpose="p")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key"

    assert unseal(sealed, purpose="p") == "t0k3n"
    settings.SECRET_KEY_FALLBACKS = []
    assert unseal(sealed, purpose="p") is None
