"""The embedded scheduler: Celery beat's schedule, run inside the web server without a broker.

Without CELERY_BROKER_URL (the zero-configuration `make run`) tasks run inline and no beat runs,
so nothing would ever retry a failed inbox event, relay one left pending, poll Docmost or prune.
This daemon thread, started in each gunicorn worker (`gunicorn.conf.py`, `post_worker_init`),
runs the tasks of CELERY_BEAT_SCHEDULE itself, at beat's intervals, in the same process: the
same task functions, so behaviour matches a deployment with a broker, where it never starts.

With several workers only one runs the schedule at a time: the one holding an exclusive lock on a
file named after the database (released by the OS when that worker dies; another takes over).
"""

import contextlib
import fcntl
import hashlib
import logging
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

# The project's app (config/celery.py), reached without importing `config` (it imports us).
from celery import current_app as app
from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import connections

logger = logging.getLogger("bridge.embedded")

# Longest sleep between two looks at the schedule (seconds): bounds how late a job may start.
MAX_SLEEP_SECONDS = 5.0


def embedded_mode() -> bool:
    """No broker: tasks run inline, and no beat exists to run the periodic ones."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


@dataclass
class Job:
    """One entry of CELERY_BEAT_SCHEDULE, with when it last ran (beat's own `is_due` decides)."""

    name: str
    task: str
    schedule: Any  # a celery.schedules.schedule (or crontab)
    last_run_at: datetime

    def due(self) -> tuple[bool, float]:
        is_due, next_in = self.schedule.is_due(self.last_run_at)
        return bool(is_due), float(next_in)


def jobs_from_settings() -> list[Job]:
    """The beat schedule as jobs, each first due one interval from now (as beat starts)."""
    app.autodiscover_tasks(force=True)  # the apps' `tasks` modules, registered as in a worker
    now = app.now()
    return [
        Job(
            name=name,
            task=entry["task"],
            schedule=maybe_schedule(entry["schedule"]),
            last_run_at=now,
        )
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    ]


def job_run(*, job: Job) -> bool:
    """Run one job's task here, inline; a failure is logged, never raised (the thread lives on).
    Returns whether the task succeeded."""
    try:
        app.tasks[job.task].apply(throw=True)
    except Exception:
        logger.exception("bridge.embedded.task-failed", extra={"job": job.name, "task": job.task})
        return False
    return True


def jobs_run_due(*, jobs: list[Job]) -> float:
    """Run every due job; returns the seconds until the next one is due."""
    waits = []
    for job in jobs:
        is_due, next_in = job.due()
        if is_due:
            job.last_run_at = app.now()
            job_run(job=job)
            is_due, next_in = job.due()
        waits.append(next_in)
    return min(waits, default=MAX_SLEEP_SECONDS)


def _lock_path() -> Path:
    name = str(settings.DATABASES["default"].get("NAME", ""))
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"bridge-embedded-scheduler-{digest}.lock"


class EmbeddedScheduler(threading.Thread):
    """The daemon thread; `stop()` ends it after the job it may be running."""

    def __init__(self, jobs: list[Job] | None = None) -> None:
        super().__init__(name="bridge-embedded-scheduler", daemon=True)
        self.jobs = jobs if jobs is not None else jobs_from_settings()
        self._stopped = threading.Event()
        self._lock_file: IO[bytes] | None = None

    def stop(self) -> None:
        self._stopped.set()

    def _leader(self) -> bool:
        """Whether this process holds the schedule (tried again on each look if not)."""
        if self._lock_file is not None:
            return True
        handle = _lock_path().open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock_file = handle
        return True

    def _release(self) -> None:
        if self._lock_file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def run(self) -> None:
        logger.info("bridge.embedded.started", extra={"jobs": [job.name for job in self.jobs]})
        try:
            while not self._stopped.is_set():
                wait = jobs_run_due(jobs=self.jobs) if self._leader() else MAX_SLEEP_SECONDS
                connections.close_all()  # this thread's only: none left open between looks
                self._stopped.wait(max(0.1, min(wait, MAX_SLEEP_SECONDS)))
        finally:
            self._release()


def embedded_scheduler_start() -> EmbeddedScheduler | None:
    """Start the scheduler in this process in embedded mode; with a broker, do nothing (beat
    does the job there) and return None."""
    if not embedded_mode():
        return None
    scheduler = EmbeddedScheduler()
    scheduler.start()
    return scheduler
