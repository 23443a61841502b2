"""Write locks die with their holder: a short TTL, renewed by the holder while it works."""

import threading
import time

import pytest
from django.conf import settings
from django_redis import get_redis_connection

from hub import locks
from hub.errors import ApplicationError


def _key(name: str) -> str:
    return f"{settings.CACHES['default']['KEY_PREFIX']}:lock:{name}"


@pytest.fixture
def short_ttl(monkeypatch):
    monkeypatch.setattr(locks, "LOCK_TTL_SECONDS", 1)
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 0.2)


def test_a_lock_lives_a_few_seconds_unless_renewed():
    redis = get_redis_connection("default")
    with locks.entity_locks("ttl-probe"):
        assert 0 < redis.pttl(_key("ttl-probe")) <= locks.LOCK_TTL_SECONDS * 1000
    assert not redis.exists(_key("ttl-probe"))  # released on exit


def test_a_holder_working_longer_than_the_ttl_keeps_its_lock(short_ttl):
    held, done = threading.Event(), threading.Event()

    def slow_holder():
        with locks.entity_locks("slow"):
            held.set()
            done.wait(5)

    holder = threading.Thread(target=slow_holder)
    holder.start()
    held.wait(5)
    try:
        time.sleep(2.5)  # more than twice the TTL
        with pytest.raises(ApplicationError), locks.entity_locks("slow"):
            pass
    finally:
        done.set()
        holder.join()
    with locks.entity_locks("slow"):  # released with its holder
        pass


def test_a_lock_left_by_a_dead_holder_is_free_after_its_ttl(short_ttl):
    # What a killed process leaves: the key, its token, and nobody renewing it.
    redis = get_redis_connection("default")
    redis.set(_key("orphan"), "token-of-a-dead-worker", px=locks.LOCK_TTL_SECONDS * 1000)
    with pytest.raises(ApplicationError), locks.entity_locks("orphan"):
        pass

    time.sleep(locks.LOCK_TTL_SECONDS + 0.2)

    with locks.entity_locks("orphan"):
        pass
