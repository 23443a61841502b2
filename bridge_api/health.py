"""Readiness checks: each dependency the service needs to answer requests.

`READINESS_CHECKS` is the registry `/api/ready` runs; later integrations (Baserow, Docmost) add
theirs here. A check returns a short note on success and raises on failure.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection

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


def check_baserow() -> str:
    from integrations.baserow.connection import baserow

    connection = baserow()
    if connection.is_demo:
        return "demo mode (in-process Baserow; set BASEROW_URL for a real one)"
    connection.client.check_token()
    return "ok"


def check_docmost() -> str:
    from integrations.docmost.connection import docmost

    connection = docmost()
    if connection.is_demo:
        return "demo mode (in-process Docmost; set DOCMOST_URL for a real one)"
    connection.client.check()
    return "ok"


READINESS_CHECKS: dict[str, ReadinessCheck] = {
    "database": check_database,
    "redis": check_redis,
    "baserow": check_baserow,
    "docmost": check_docmost,
}


def run_readiness_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Run every check; return whether all passed and each one's outcome and duration."""
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
    return all(result["ok"] for result in results.values()), results
