"""gunicorn settings; every value can be overridden with GUNICORN_* environment variables."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
accesslog = None  # the bridge logs each request itself, as JSON, with its request id
errorlog = "-"
# A body larger than BRIDGE_MAX_BODY_BYTES is refused by the bridge; this caps header abuse.
limit_request_field_size = 8190


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """With several workers, Prometheus metrics are aggregated from PROMETHEUS_MULTIPROC_DIR."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
