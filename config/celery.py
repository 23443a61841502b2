"""The Celery application, and the worker's Prometheus metrics.

Start a worker and the beat scheduler (after setting CELERY_BROKER_URL):

    celery -A config worker --loglevel=INFO
    celery -A config beat --loglevel=INFO

Every task run is counted by outcome and timed (Celery signals, so also for tasks run inline).
The worker serves its metrics, with the Baserow and Docmost calls its tasks made, on
`CELERY_METRICS_ADDR:CELERY_METRICS_PORT` (default 127.0.0.1:9808; 0 turns it off). Its prefork
children write their samples to PROMETHEUS_MULTIPROC_DIR, which the worker gets a fresh directory
for when it is unset.
"""

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from celery import Celery, signals

import config.env  # noqa: F401  (reads .env and drops an empty PROMETHEUS_MULTIPROC_DIR first)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.base")


def _is_worker_command(argv: list[str]) -> bool:
    """`celery … worker …` (also `python -m celery`), not beat, inspect or the web process."""
    if not argv:
        return False
    program = Path(argv[0])
    return "celery" in (program.name, program.parent.name) and "worker" in argv[1:]


# The worker loads Django, and with it prometheus_client, before any worker signal is sent:
# the multi-process directory its prefork children write to must be chosen here, at import.
if _is_worker_command(sys.argv) and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="bridge-worker-metrics-")

app = Celery("bridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_started: dict[str, float] = {}  # task id -> perf_counter() at prerun, in the process running it


@signals.worker_init.connect
def _serve_worker_metrics(**_kwargs: Any) -> None:
    from django.conf import settings

    from bridge_api.metrics import worker_metrics_serve

    if settings.CELERY_METRICS_PORT:
        worker_metrics_serve(port=settings.CELERY_METRICS_PORT, addr=settings.CELERY_METRICS_ADDR)


@signals.worker_process_shutdown.connect
def _forget_dead_child(pid: int | None = None, **_kwargs: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())  # type: ignore[no-untyped-call]


@signals.task_prerun.connect
def _task_started(task_id: str | None = None, **_kwargs: Any) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _task_finished(
    task_id: str | None = None, task: Any = None, state: str | None = None, **_kwargs: Any
) -> None:
    from bridge_api.metrics import task_run_record

    started = _started.pop(task_id, None) if task_id else None
    seconds = time.perf_counter() - started if started is not None else None
    task_run_record(task=getattr(task, "name", None) or "unknown", state=state, seconds=seconds)
