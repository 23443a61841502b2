"""gunicorn settings; every value can be overridden with GUNICORN_* environment variables."""

import os
import tempfile

from config.env import env  # also reads .env, as the application will

bind = os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"
# Demo mode (no BASEROW_URL): the in-process Baserow lives in one process, so one worker with
# threads serves it, and a write is visible to the next request. Otherwise processes scale out.
_demo = not env.str("BASEROW_URL", default="")
workers = int(os.environ.get("GUNICORN_WORKERS") or (1 if _demo else 2))
threads = int(os.environ.get("GUNICORN_THREADS") or (4 if _demo else 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 20
keepalive = 5
accesslog = None  # the bridge logs each request itself, as JSON, with its request id
errorlog = "-"
# A body larger than BRIDGE_MAX_BODY_BYTES is refused by the bridge; this caps header abuse.
limit_request_field_size = 8190

# Several workers each count their own metrics; Prometheus' multi-process mode adds them up in
# /api/metrics. It needs an empty directory per server start, known before workers import it.
if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="bridge-prometheus-")


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """Drop a dead worker's live gauges from the aggregated metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Embedded mode (no CELERY_BROKER_URL): run beat's schedule in the worker (sync/embedded.py),
    so pending and failed inbox events are retried, Docmost polled and old records pruned."""
    from sync.embedded import embedded_scheduler_start

    embedded_scheduler_start()
