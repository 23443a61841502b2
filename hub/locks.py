"""Serialising check-and-write: a lock per module, personne, attribution or intervention.

With Redis the locks hold across processes and machines (redis-py's Lock). A lock dies with its
holder: its key lives LOCK_TTL_SECONDS and a thread of the holder renews it while the work goes
on, so a killed worker's lock is gone seconds later, not minutes; renewal stops after
LOCK_EXPIRY_SECONDS, the longest any holder may keep it. Without Redis (the zero-configuration
mode, one process) they are process-local. If Redis is unreachable writes are refused:
correctness first.
"""

import contextlib
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from django.conf import settings

from hub.errors import ApplicationError, ErrorCode

# Longer than the slowest write path (Baserow timeouts and retries included): the longest a
# holder keeps renewing its lock.
LOCK_EXPIRY_SECONDS = 120
LOCK_WAIT_SECONDS = 10
# How long a lock outlives a holder that stopped renewing it (killed, frozen).
LOCK_TTL_SECONDS = 10

_local_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)


@contextmanager
def _redis_lock(name: str) -> Iterator[None]:
    from django_redis import get_redis_connection
    from redis.exceptions import LockError, RedisError

    prefix = settings.CACHES["default"].get("KEY_PREFIX", "bridge")
    try:
        lock: Any = get_redis_connection("default").lock(
            f"{prefix}:lock:{name}",
            timeout=LOCK_TTL_SECONDS,
            blocking_timeout=LOCK_WAIT_SECONDS,
            thread_local=False,  # the renewing thread presents the holder's token
        )
        acquired = lock.acquire()
    except RedisError as exc:
        raise ApplicationError(
            ErrorCode.NOT_READY, "Writes are paused: Redis (used for write locks) is unreachable."
        ) from exc
    if not acquired:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            f"Another write on {name} is in progress; retry in a moment.",
            details={"lock": name},
        )
    stop = threading.Event()
    renewer = threading.Thread(
        target=_renew, args=(lock, stop), name=f"lock-renewal:{name}", daemon=True
    )
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        with contextlib.suppress(LockError, RedisError):  # expired meanwhile: nothing to release
            lock.release()


def _renew(lock: Any, stop: threading.Event) -> None:
    """Keep the lock's key alive while its holder runs (held LOCK_EXPIRY_SECONDS at most)."""
    from redis.exceptions import LockError, RedisError

    deadline = time.monotonic() + LOCK_EXPIRY_SECONDS - LOCK_TTL_SECONDS
    while not stop.wait(LOCK_TTL_SECONDS / 3) and time.monotonic() < deadline:
        try:
            lock.reacquire()  # the TTL starts again
        except (LockError, RedisError):  # lost (expired, Redis gone): nothing left to renew
            return


@contextmanager
def _local_lock(name: str) -> Iterator[None]:
    lock = _local_locks[name]
    if not lock.acquire(timeout=LOCK_WAIT_SECONDS):
        raise ApplicationError(
            ErrorCode.CONFLICT, f"Another write on {name} is in progress; retry."
        )
    try:
        yield
    finally:
        lock.release()


@contextmanager
def entity_locks(*names: str) -> Iterator[None]:
    """Hold every named lock (taken in sorted order, so two writers never deadlock)."""
    take = _redis_lock if settings.REDIS_URL else _local_lock
    with ExitStack() as stack:
        for name in sorted(set(names)):
            stack.enter_context(take(name))
        yield
