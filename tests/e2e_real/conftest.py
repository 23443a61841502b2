"""`make e2e-real`: the bridge's real processes against running real Baserow and Docmost.

Opt-in twice: the tests carry the `e2e_real` marker and run only when it is selected
(`pytest -m e2e_real tests/e2e_real`, which `make e2e-real` does) and the `REAL_*` variables of
the contract suite describe the instances (`real_baserow.sh info | sed 's/export /export REAL_/'`);
otherwise they are skipped, so `make test` never starts them.

The module-scoped `stack` sets up, in order: the bridge's own PostgreSQL database (dropped and
recreated: E2E_DATABASE_URL must name a database containing `e2e`) and Redis databases (the
broker's, E2E_BROKER_URL, is flushed; the cache, E2E_REDIS_URL, uses a key prefix of the run's
own), an empty Baserow database with its token, `baserow_bootstrap`, gunicorn on E2E_BRIDGE_PORT,
`baserow_webhooks`, `docmost_setup` (a space of the run's own), a Celery worker and beat. At the
end, whatever happened, every process is stopped and the Baserow database (trash emptied), its
token and the Docmost space are deleted. Logs stay in the work directory printed at the end.
"""

import contextlib
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from integrations.docmost.client import DocmostClient, DocmostNotFound
from tests.e2e_real.harness import (
    REQUIRED,
    TIMINGS,
    BridgeProcesses,
    DocmostProxy,
    Inbox,
    RealBaserow,
    forwarded_for,
    http_ready,
    recreate_database,
    redis_db_flush,
    redis_prefix_delete,
    timed,
    wait_until,
)

RUN = secrets.token_hex(3)
WORKDIR: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e_real: end to end against real Baserow and Docmost (make e2e-real)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    selected = "e2e_real" in (config.option.markexpr or "")
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    for item in items:
        if "e2e_real" not in item.keywords:
            continue
        if not selected:
            item.add_marker(pytest.mark.skip(reason="end to end on real systems: make e2e-real"))
        elif missing:
            item.add_marker(
                pytest.mark.skip(reason=f"real systems not configured (set {', '.join(missing)})")
            )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TIMINGS and not WORKDIR:
        return
    terminalreporter.section("e2e-real: observed latencies")
    for step, seconds in TIMINGS:
        terminalreporter.write_line(f"{seconds:7.1f} s  {step}")
    for path in WORKDIR:
        terminalreporter.write_line(f"logs: {path}")


@dataclass
class Stack:
    baserow: RealBaserow
    docmost: DocmostClient  # the test's own session (its own client address)
    proxy: DocmostProxy
    bridge: BridgeProcesses
    inbox: Inbox
    space_id: str
    parent_page_id: str
    maildir: Path
    run: str

    def name(self, what: str) -> str:
        return f"{what} {self.run}{secrets.token_hex(2)}"


def _setting(name: str, default: str) -> str:
    return os.environ.get(name) or default


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    env = os.environ
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix=f"bridge-e2e-{RUN}-"))
    WORKDIR.append(workdir)
    database_url = _setting("E2E_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bridge_e2e")
    redis_url = _setting("E2E_REDIS_URL", "redis://127.0.0.1:6379/12")
    broker_url = _setting("E2E_BROKER_URL", "redis://127.0.0.1:6379/13")
    port = int(_setting("E2E_BRIDGE_PORT", "8400"))
    cache_prefix = f"bridge-e2e-{RUN}"
    maildir = workdir / "mail"
    baserow = RealBaserow(
        url=env["REAL_BASEROW_URL"],
        email=env["REAL_BASEROW_ADMIN_EMAIL"],
        password=env["REAL_BASEROW_ADMIN_PASSWORD"],
        workspace_id=int(env["REAL_BASEROW_WORKSPACE_ID"]),
    )
    docmost = DocmostClient(
        base_url=env["REAL_DOCMOST_URL"],
        email=env["REAL_DOCMOST_EMAIL"],
        password=env["REAL_DOCMOST_PASSWORD"],
    )
    docmost.session.headers["X-Forwarded-For"] = forwarded_for()
    proxy = DocmostProxy(env["REAL_DOCMOST_URL"], client_address=forwarded_for()).start()
    slug = f"e2e-{RUN}"
    bridge_env = {
        **{k: v for k, v in env.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")},
        "DOTENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "config.django.base",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TOKEN_PEPPER": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": cache_prefix,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_BEAT_SCHEDULE_FILENAME": str(workdir / "celerybeat-schedule"),
        "CELERY_METRICS_PORT": "0",
        "LOG_FORMAT": "text",
        "BASEROW_URL": env["REAL_BASEROW_URL"],
        "BASEROW_EMAIL": env["REAL_BASEROW_ADMIN_EMAIL"],
        "BASEROW_PASSWORD": env["REAL_BASEROW_ADMIN_PASSWORD"],
        "BASEROW_WEBHOOK_SECRETS": secrets.token_urlsafe(32),
        "BRIDGE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "DOCMOST_URL": proxy.url,
        "DOCMOST_EMAIL": env["REAL_DOCMOST_EMAIL"],
        "DOCMOST_PASSWORD": env["REAL_DOCMOST_PASSWORD"],
        "DOCMOST_AGENCY_SPACE_NAME": f"[E2E {RUN}] Projets",
        "DOCMOST_AGENCY_SPACE_SLUG": slug,
        "DOCMOST_POLL_EVERY_SECONDS": "3",
        "EMAIL_URL": f"filemail://{maildir}",
        "BRIDGE_ADMIN_EMAILS": "facturation@e2e.invalid",
    }
    bridge = BridgeProcesses(env=bridge_env, workdir=workdir)
    inbox: Inbox | None = None
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(proxy.stop)
        cleanup.callback(proxy.dump, workdir / "docmost-calls.jsonl")
        cleanup.callback(redis_prefix_delete, redis_url, cache_prefix)
        recreate_database(database_url)
        redis_db_flush(broker_url)
        database_id = baserow.database_create(f"bridge e2e {RUN}")
        cleanup.callback(baserow.database_delete, database_id)
        token_id = baserow.token_create(f"bridge e2e {RUN}", database_id)
        cleanup.callback(baserow.token_delete, token_id)
        cleanup.callback(_space_delete, docmost, slug)
        cleanup.callback(bridge.stop_all)  # first of all: nothing writes while it is cleaned
        bridge_env |= {
            "BASEROW_DATABASE_ID": str(database_id),
            "BASEROW_DATABASE_TOKEN": baserow.token,
        }

        schema = workdir / "baserow-schema.json"
        t0 = time.monotonic()
        bridge.manage("baserow_bootstrap", "--output", str(schema))
        timed("setup: baserow_bootstrap (empty database → schema)", time.monotonic() - t0)
        bridge_env["BASEROW_SCHEMA_FILE"] = str(schema)
        baserow.mapping = json.loads(schema.read_text())
        bridge.manage("migrate", "--noinput", "-v0")
        bridge.start_web(port)
        http_ready(f"http://127.0.0.1:{port}/api/health", timeout=60, processes=bridge)
        print(bridge.manage("baserow_webhooks"))
        out = bridge.manage("docmost_setup")
        ids = dict(line.split("=", 1) for line in out.split() if "=" in line)
        bridge.start_worker()
        bridge.start_beat()
        bridge.wait_log("worker", " ready.")
        bridge.wait_log("beat", "beat: Starting...")
        inbox = Inbox(database_url)
        cleanup.callback(inbox.close)
        timed("setup: everything up (database, bootstrap, processes)", time.monotonic() - started)
        yield Stack(
            baserow=baserow,
            docmost=docmost,
            proxy=proxy,
            bridge=bridge,
            inbox=inbox,
            space_id=ids["agency_space_id"],
            parent_page_id=ids["comptes_rendus_parent_page_id"],
            maildir=maildir,
            run=RUN,
        )


def _space_delete(docmost: DocmostClient, slug: str) -> None:
    """The run's Docmost space, if it was created (by `docmost_setup`), with its pages."""
    try:
        space = docmost.get_space(slug)
    except DocmostNotFound:
        return
    docmost._call("/api/spaces/delete", {"spaceId": space["id"]})

    def gone() -> bool:
        try:
            docmost.get_space(slug)
        except DocmostNotFound:
            return True
        return False

    with contextlib.suppress(AssertionError, requests.RequestException):
        wait_until(gone, timeout=10, what=f"space {slug} deleted")
