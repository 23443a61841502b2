"""The bridge's Prometheus metrics, and the registries that expose them.

HTTP metrics are labelled by route template, never raw paths. Task metrics are recorded by Celery
signals (config/celery.py) wherever tasks run: in the worker (exposed on its own endpoint,
`CELERY_METRICS_PORT`) or inline in the web process without a broker. The inbox gauges are not
kept in memory: they are counted in the database when `/api/metrics` is scraped.

With `PROMETHEUS_MULTIPROC_DIR` set, each process writes its samples there and a scrape adds up
every process's files (gunicorn workers; the Celery worker's prefork children).
"""

import logging
import os
from collections.abc import Iterator
from threading import Thread
from wsgiref.simple_server import WSGIServer

from django.db import DatabaseError
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests served, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to serve an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RATE_LIMITER_UNAVAILABLE = Counter(
    "bridge_rate_limiter_unavailable_total",
    "Requests let through without a rate-limit check because the limiter's cache was down.",
)
TASKS = Counter(
    "bridge_celery_tasks_total",
    "Celery task runs by task name and outcome (success, failure, retry, ...).",
    ["task", "outcome"],
)
TASK_DURATION = Histogram(
    "bridge_celery_task_duration_seconds",
    "Time a Celery task run took, by task name (every outcome).",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0),
)


def task_run_record(*, task: str, state: str | None, seconds: float | None) -> None:
    """Count one finished task run (`state` is Celery's: SUCCESS, FAILURE, RETRY, ...)."""
    TASKS.labels(task, (state or "unknown").lower()).inc()
    if seconds is not None:
        TASK_DURATION.labels(task).observe(seconds)


class InboxCollector:
    """Webhook inbox depth by status and dead letters, counted in the database at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count

        from sync.models import WebhookEvent

        try:
            counts = dict(
                WebhookEvent.objects.values_list("status").annotate(n=Count("id")).order_by()
            )
        except DatabaseError:
            logger.warning("bridge.metrics.inbox-unavailable", exc_info=True)
            return
        events = GaugeMetricFamily(
            "bridge_inbox_events",
            "Webhook inbox events by status (pending and processing: the backlog).",
            labels=["status"],
        )
        for status in WebhookEvent.Status.values:
            events.add_metric([status], counts.get(status, 0))
        yield events
        yield GaugeMetricFamily(
            "bridge_inbox_dead_letters",
            "Inbox events that exhausted their attempts (status failed), waiting for a replay.",
            value=counts.get(WebhookEvent.Status.FAILED, 0),
        )


def process_registry() -> CollectorRegistry:
    """This process's metrics, or every process's when multi-process mode is on."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def scrape_text() -> bytes:
    """What `/api/metrics` serves: the processes' metrics, then the inbox gauges."""
    inbox = CollectorRegistry(auto_describe=False)
    inbox.register(InboxCollector())
    return generate_latest(process_registry()) + generate_latest(inbox)


def worker_metrics_serve(*, port: int, addr: str) -> tuple[WSGIServer, Thread]:
    """Serve the worker's metrics over http on (addr, port) from a daemon thread.

    Started in the worker's main process; with prefork, the children's samples reach it through
    PROMETHEUS_MULTIPROC_DIR (set for the worker by config/celery.py)."""
    server, thread = start_http_server(port, addr=addr, registry=process_registry())
    logger.info("bridge.metrics.worker-endpoint", extra={"addr": addr, "port": server.server_port})
    return server, thread
