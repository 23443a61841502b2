"""Readiness checks: each dependency the service needs to answer requests.

`READINESS_CHECKS` is the registry `/api/ready` runs. A check returns a short note on success and
raises on failure. The upstream probes (Baserow, Docmost) use clients of their own with a short
timeout and no retries: a probe must report a down upstream within its timeout, not wait through
the retries that protect real work. Results are kept `READY_CACHE_SECONDS` per process, so probes
hitting the public endpoint never multiply the calls made upstream.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

ReadinessCheck = Callable[[], str]


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return connection.vendor


def check_redis() -> str:
    if not settings.REDIS_URL:
        return "not configured (in-process cache)"
    from django_redis import get_redis_connection

    get_redis_connection("default").ping()
    return "ok"


def _probe_timeout() -> tuple[float, float]:
    seconds = settings.READY_PROBE_TIMEOUT_SECONDS
    return (seconds, seconds)


def check_baserow() -> str:
    from integrations.baserow.client import BaserowClient
    from integrations.baserow.connection import baserow

    if baserow().is_demo:
        return "demo mode (in-process Baserow; set BASEROW_URL for a real one)"
    probe = BaserowClient(
        base_url=settings.BASEROW_URL,
        database_token=settings.BASEROW_DATABASE_TOKEN,
        timeout=_probe_timeout(),
        max_retries=0,
    )
    probe.check_token()
    return "ok"


def check_docmost() -> str:
    from integrations.docmost.client import DocmostClient
    from integrations.docmost.connection import CacheTokenStore, docmost

    if docmost().is_demo:
        return "demo mode (in-process Docmost; set DOCMOST_URL for a real one)"
    probe = DocmostClient(
        base_url=settings.DOCMOST_URL,
        email=settings.DOCMOST_EMAIL,
        password=settings.DOCMOST_PASSWORD,
        timeout=_probe_timeout(),
        max_retries=0,
        token_store=CacheTokenStore(),  # the shared session: a probe does not log in again
    )
    probe.check()
    return "ok"


READINESS_CHECKS: dict[str, ReadinessCheck] = {
    "database": check_database,
    "redis": check_redis,
    "baserow": check_baserow,
    "docmost": check_docmost,
}


@dataclass(frozen=True)
class Readiness:
    ready: bool
    checks: dict[str, dict[str, Any]]  # name -> {ok, detail, duration_ms}
    checked_at: datetime
    monotonic: float  # time.monotonic() when checked: the cache's clock

    @property
    def failed(self) -> list[str]:
        return [name for name, result in self.checks.items() if not result["ok"]]


def run_readiness_checks() -> Readiness:
    """Run every check now; each one's outcome, the error text of a failure, and its duration."""
    results: dict[str, dict[str, Any]] = {}
    for name, check in READINESS_CHECKS.items():
        started = time.perf_counter()
        try:
            note = check()
            outcome: dict[str, Any] = {"ok": True, "detail": note}
        except Exception as exc:  # any failure means "not ready"; the reason is reported
            outcome = {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}
        outcome["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
        results[name] = outcome
    ready = all(result["ok"] for result in results.values())
    return Readiness(
        ready=ready, checks=results, checked_at=timezone.now(), monotonic=time.monotonic()
    )


_lock = threading.Lock()
_last: Readiness | None = None


def readiness_get() -> Readiness:
    """The latest result if younger than READY_CACHE_SECONDS, else a fresh one.

    Concurrent requests wait for the one run in progress instead of starting their own."""
    global _last
    max_age = settings.READY_CACHE_SECONDS
    with _lock:
        if _last is not None and time.monotonic() - _last.monotonic < max_age:
            return _last
        _last = run_readiness_checks()
        return _last


def readiness_forget() -> None:
    """Drop the cached result (tests; the next request runs the checks)."""
    global _last
    with _lock:
        _last = None
