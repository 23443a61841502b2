import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from rest_framework.test import APIClient

from bridge_api.health import readiness_forget
from tests.baserow_fixtures import demo_baserow, fake  # noqa: F401  (fixtures)
from tests.factories import TokenFactory
from tokens.models import Token


@pytest.fixture(autouse=True)
def _configured_log_level() -> None:
    """Each test logs at the configured level (INFO, as production), even after a test changed
    the root logger's (Celery's test worker sets it to its own level and leaves it there)."""
    logging.getLogger().setLevel(settings.LOG_LEVEL)


@pytest.fixture(autouse=True, scope="session")
def _no_flush_of_the_shared_redis() -> Iterator[None]:
    """`cache.clear()` on Redis is FLUSHDB: it would wipe every xdist worker's keys (another
    worker's rate-limit counters in the middle of its test). Tests use `delete_pattern("*")`,
    which stays inside this worker's key prefix."""
    from django_redis.cache import RedisCache

    def refuse(self: RedisCache) -> None:
        raise AssertionError("cache.clear() flushes every worker's keys: use delete_pattern('*')")

    original = RedisCache.clear
    RedisCache.clear = refuse
    yield
    RedisCache.clear = original


@pytest.fixture(autouse=True)
def _clean_caches() -> None:
    """Each test starts with empty caches and rate-limit counters (this worker's keys only),
    and no readiness result kept from another test."""
    for alias in ("default", "ratelimit"):
        caches[alias].delete_pattern("*")
    readiness_forget()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_token(db: None) -> Callable[..., Token]:
    """Create a token; its plaintext is on `token.plaintext`."""

    def make(**kwargs: Any) -> Token:
        return TokenFactory(**kwargs)

    return make


@pytest.fixture
def client_for(make_token: Callable[..., Token]) -> Callable[..., APIClient]:
    """An API client authenticated with a fresh token holding `scopes`."""

    def build(*scopes: str, **kwargs: Any) -> APIClient:
        token = make_token(scopes=list(scopes) or ["read:*"], **kwargs)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.plaintext}")
        client.token = token
        return client

    return build
