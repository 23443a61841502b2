"""Task outcomes and durations are recorded, the worker serves them on its own endpoint, and
/api/metrics shows the webhook inbox by status with its dead letters."""

import re
import urllib.request

import pytest
from prometheus_client import REGISTRY

from bridge_api.metrics import worker_metrics_serve
from config.celery import app
from sync.models import WebhookEvent

pytestmark = pytest.mark.django_db


@app.task(name="tests.metrics.adds")
def adds(a: int, b: int) -> int:
    return a + b


@app.task(name="tests.metrics.breaks")
def breaks() -> None:
    raise RuntimeError("boom")


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_task_run_records_its_outcome_and_duration():
    runs_before = sample("bridge_celery_task_duration_seconds_count", task="tests.metrics.adds")
    ok_before = sample("bridge_celery_tasks_total", task="tests.metrics.adds", outcome="success")
    failed_before = sample(
        "bridge_celery_tasks_total", task="tests.metrics.breaks", outcome="failure"
    )

    assert adds.apply(args=(2, 3)).get() == 5
    breaks.apply(throw=False)

    assert sample("bridge_celery_tasks_total", task="tests.metrics.adds", outcome="success") == (
        ok_before + 1
    )
    assert sample("bridge_celery_tasks_total", task="tests.metrics.breaks", outcome="failure") == (
        failed_before + 1
    )
    assert sample("bridge_celery_task_duration_seconds_count", task="tests.metrics.adds") == (
        runs_before + 1
    )


def test_worker_endpoint_serves_task_and_upstream_metrics():
    adds.apply(args=(1, 1))
    server, thread = worker_metrics_serve(port=0, addr="127.0.0.1")
    try:
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    assert re.search(
        r'bridge_celery_tasks_total\{outcome="success",task="tests.metrics.adds"\} \d', text
    )
    assert 'bridge_celery_task_duration_seconds_bucket{le="0.01",task="tests.metrics.adds"}' in (
        text
    )
    assert "# TYPE baserow_api_calls_total counter" in text
    assert "# TYPE docmost_api_calls_total counter" in text


def test_metrics_show_the_inbox_by_status_and_the_dead_letters(client_for):
    for index, status in enumerate(["pending", "pending", "processing", "failed", "done"]):
        WebhookEvent.objects.create(
            kind="projet-changed", event_id=f"evt-{index}", payload={}, status=status
        )

    text = client_for("admin:*").get("/api/metrics").content.decode()

    assert 'bridge_inbox_events{status="pending"} 2.0' in text
    assert 'bridge_inbox_events{status="processing"} 1.0' in text
    assert 'bridge_inbox_events{status="quarantined"} 0.0' in text
    assert "bridge_inbox_dead_letters 1.0" in text
