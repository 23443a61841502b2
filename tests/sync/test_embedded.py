"""Embedded defaults keep their promise: SQLite under concurrent posts, retries without a broker."""

import json
import os
import runpy
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery.schedules import maybe_schedule
from django.utils import timezone

from sync.embedded import (
    EmbeddedScheduler,
    Job,
    embedded_scheduler_start,
    jobs_from_settings,
    jobs_run_due,
)
from sync.models import EntityLink, WebhookEvent

ROOT = Path(__file__).resolve().parents[2]
SECRET = "probe-webhook-secret-0123456789abcdef"
# What a bare `make run` has: none of the services the test suite itself runs on.
UNSET = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "BASEROW_URL", "DOCMOST_URL"}


def probe(*args: str, database_url: str | None = None) -> dict:
    """Run tests/sync/sqlite_probe.py in a fresh process on the embedded defaults."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET and not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.django.base",
        DOTENV_FILE="",
        SECRET_KEY="probe-secret-key",
        TOKEN_PEPPER="probe-pepper",
        BASEROW_WEBHOOK_SECRETS=SECRET,
        LOG_LEVEL="INFO",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-m", "tests.sync.sqlite_probe", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("PROBE ")]
    return {**json.loads(line.removeprefix("PROBE ")), "_output": result.stdout + result.stderr}


# -- SQLite ---------------------------------------------------------------------------------------


def test_without_database_url_sqlite_runs_in_wal_with_immediate_transactions_and_a_timeout():
    options = probe("options")

    assert options["ENGINE"] == "django.db.backends.sqlite3"
    assert options["NAME"].endswith("db.sqlite3")
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_four_concurrent_webhook_posters_on_sqlite_store_and_process_everything(tmp_path):
    result = probe("concurrency", "4", "10", database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result["crashes"] == []
    assert result["statuses"] == [200] * 40
    assert result["stored"] == 40
    assert set(result["by_status"]) <= {"done", "skipped"}, result["by_status"]
    assert result["unattempted"] == 0
    assert result["errors"] == []
    assert "database is locked" not in result["_output"]


def test_redeliveries_on_sqlite_are_duplicates_not_quarantined_nor_500(tmp_path):
    """SQLite names no constraint in its IntegrityError: a Baserow retry of an accepted event was
    quarantined (with an alert), and a retried quarantined body was a 500."""
    result = probe("redelivery", database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result["answers"] == [
        [200, "accepted"],
        [200, "duplicate"],
        [200, "quarantined"],
        [200, "duplicate"],
        [200, "quarantined"],
        [200, "duplicate"],
    ]
    assert result["stored"] == 3
    assert result["quarantined"] == 2
    assert result["alerts"] == 2


# -- the embedded scheduler -----------------------------------------------------------------------


def failed_once(baserow, nom="Portail"):
    """A projet event whose first attempt failed (Docmost was down), due for its retry."""
    row = baserow.client.create_row(
        baserow.table("projet"),
        {"nom": nom, "client": [1], "statut": "en_cours", "charge_estimee_h": 8},
    )["id"]
    body = baserow.last_event()
    event = WebhookEvent.objects.create(
        kind="projet-changed",
        webhook_id=body["webhook_id"],
        event_id=body["event_id"],
        event_type=body["event_type"],
        table_id=body["table_id"],
        payload=body,
        attempts=1,
        last_error="DocmostUnavailable: Docmost is down",
        next_attempt_at=timezone.now() - timedelta(seconds=5),
    )
    return row, event


def relay_only(jobs):
    """The schedule with only the relay due now (the others ran just now)."""
    (relay,) = [job for job in jobs if job.task == "sync.relay_pending_events"]
    relay.last_run_at -= timedelta(hours=1)
    return relay


@pytest.mark.django_db
def test_the_schedule_retries_a_failed_pending_event_without_a_broker(baserow, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER  # no broker: embedded mode
    row, event = failed_once(baserow)
    jobs = jobs_from_settings()
    assert {job.task for job in jobs} >= {
        "sync.relay_pending_events",
        "sync.poll_docmost",
        "sync.prune",
    }
    relay_only(jobs)

    wait = jobs_run_due(jobs=jobs)

    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.DONE
    assert event.attempts == 2
    assert event.last_error == ""
    assert EntityLink.objects.get(entity="projet", row_id=row).docmost_page_id
    assert 0 < wait <= settings.CELERY_BEAT_SCHEDULE["relay-pending-webhook-events"]["schedule"]


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_thread_relays_pending_events_by_itself(baserow):
    _row, event = failed_once(baserow, nom="Intranet")
    jobs = jobs_from_settings()
    relay_only(jobs)
    scheduler = EmbeddedScheduler(jobs=jobs)
    scheduler.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            event.refresh_from_db()
            if event.status == WebhookEvent.Status.DONE:
                break
            time.sleep(0.1)
    finally:
        scheduler.stop()
        scheduler.join(timeout=30)

    assert event.status == WebhookEvent.Status.DONE
    assert not scheduler.is_alive()


def test_a_failing_job_is_logged_and_the_schedule_goes_on(caplog):
    broken = Job(
        name="broken",
        task="sync.no_such_task",
        schedule=maybe_schedule(timedelta(seconds=60)),
        last_run_at=timezone.now() - timedelta(hours=1),
    )
    jobs = [broken, *jobs_from_settings()]

    assert jobs_run_due(jobs=jobs) > 0

    (record,) = [r for r in caplog.records if r.getMessage() == "bridge.embedded.task-failed"]
    assert record.task == "sync.no_such_task"
    assert not broken.due()[0]  # not retried in a tight loop: next time is one interval away


def test_one_process_at_a_time_runs_the_schedule():
    first, second = EmbeddedScheduler(jobs=[]), EmbeddedScheduler(jobs=[])
    try:
        assert first._leader()
        assert not second._leader()
        first._release()
        assert second._leader()
    finally:
        first._release()
        second._release()


def test_with_a_broker_nothing_starts(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    before = threading.active_count()

    assert embedded_scheduler_start() is None
    assert threading.active_count() == before


def test_gunicorn_starts_the_scheduler_in_each_worker(settings):
    settings.CELERY_BEAT_SCHEDULE = {}  # started, with nothing to run
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    hooks["post_worker_init"](None)

    (thread,) = [t for t in threading.enumerate() if t.name == "bridge-embedded-scheduler"]
    assert isinstance(thread, EmbeddedScheduler)
    assert thread.daemon
    thread.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
