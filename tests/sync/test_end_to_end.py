"""End to end through a real Celery worker and a real Redis broker (not eager tasks).

The worker runs in a thread of the test process, so it shares the in-process Baserow and Docmost
doubles; everything between the HTTP request and the Docmost page goes through Redis and a
committed PostgreSQL inbox.
"""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connections

from config.celery import app
from sync import tasks
from sync.models import EntityLink, WebhookEvent
from tests.sync.test_webhooks import docmost_back, new_projet, pages_titled

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_worker():
    worker_index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    broker = settings.REDIS_URL.rsplit("/", 1)[0] + f"/{11 + worker_index}"
    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    _switch_broker(broker=broker, task_always_eager=False, result_backend=None)
    app.connection_for_write().default_channel.client.flushdb()  # no leftovers from a past run
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        _switch_broker(**previous)
        connections.close_all()


def _switch_broker(*, broker=None, broker_url=None, **conf):
    """Point the app at another broker, dropping the pools built for the previous one."""
    app.conf.update(broker_url=broker or broker_url, **conf)
    app._pool = None  # connection pool of the old broker (eager tests may have built it)
    app.amqp._producer_pool = None


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_webhook_to_docmost_page_through_the_broker_and_a_worker(
    baserow, docmost_fake, real_worker
):
    row, event = new_projet(baserow, "Bout en bout")

    response = baserow.post("projet-changed", event)

    assert response.status_code == 200
    assert wait_for(lambda: WebhookEvent.objects.filter(status="done").exists())
    assert len(pages_titled(docmost_fake, "Projet Bout en bout - Boulangerie Martin")) == 1
    assert EntityLink.objects.get(entity="projet", row_id=row).docmost_page_id


def test_docmost_outage_then_the_relay_delivers_through_the_worker(
    baserow, docmost_fake, real_worker, settings
):
    settings.SYNC_RELAY_AFTER_SECONDS = 0
    docmost_fake.fail_next(503, times=10_000)
    _row, event = new_projet(baserow, "Après la panne")
    baserow.post("projet-changed", event)
    assert wait_for(lambda: WebhookEvent.objects.filter(status="pending", attempts=1).exists())

    docmost_back(docmost_fake)
    WebhookEvent.objects.update(next_attempt_at=None)  # its backoff has elapsed
    tasks.relay_pending_events.delay()

    assert wait_for(lambda: WebhookEvent.objects.filter(status="done").exists())
    assert len(pages_titled(docmost_fake, "Projet Après la panne - Boulangerie Martin")) == 1


def test_duplicate_deliveries_racing_through_the_worker_make_one_page(
    baserow, docmost_fake, real_worker
):
    _row, event = new_projet(baserow, "Course")
    for _ in range(5):
        baserow.post("projet-changed", event)
    other_webhook = {
        **event,
        "webhook_id": event["webhook_id"] + 1,
    }  # a second webhook, same change
    baserow.post("projet-changed", other_webhook)

    assert wait_for(
        lambda: WebhookEvent.objects.exclude(status__in=["pending", "processing"]).count() == 2
    )
    assert WebhookEvent.objects.count() == 2
    assert len(pages_titled(docmost_fake, "Projet Course - Boulangerie Martin")) == 1


def test_concurrent_duplicate_deliveries_store_one_row(baserow):
    import threading

    from rest_framework.test import APIClient

    from tests.sync.conftest import SECRET

    _row, event = new_projet(baserow, "Simultané")
    barrier, results = threading.Barrier(4), []

    def deliver():
        client = APIClient()
        barrier.wait()
        try:
            response = client.post(
                "/api/webhooks/baserow/projet-changed/",
                event,
                format="json",
                HTTP_X_BRIDGE_WEBHOOK_SECRET=SECRET,
            )
            results.append((response.status_code, response.json()["data"]["status"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in results] == [200] * 4
    assert sorted(kind for _, kind in results) == [
        "accepted",
        "duplicate",
        "duplicate",
        "duplicate",
    ]
    assert WebhookEvent.objects.count() == 1
