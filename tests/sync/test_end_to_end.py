"""End to end through a real Celery worker and a real Redis broker (not eager tasks).

The worker runs in a thread of the test process, so it shares the in-process Baserow and Docmost
doubles; everything between the HTTP request and the Docmost page goes through Redis and a
committed PostgreSQL inbox. The killed-worker test also runs a worker *process* (the doubles
served over HTTP) and kills it with SIGKILL mid-event.

The broker is this test run's Redis database under a key prefix per xdist worker: nothing
outside this run's keys is read or flushed.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connections

from config.celery import app
from sync import tasks
from sync.models import EntityLink, WebhookEvent
from tests.sync.test_webhooks import docmost_back, new_projet, pages_titled

pytestmark = pytest.mark.django_db(transaction=True)


BROKER_PREFIX = f"bridge-test-broker-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}:"
BROKER_OPTIONS = {
    **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": BROKER_PREFIX,
}


@pytest.fixture
def broker():
    """The app sends through this run's Redis broker (no worker yet)."""
    keys = ("broker_url", "task_always_eager", "result_backend", "broker_transport_options")
    previous = {key: app.conf[key] for key in keys}
    _switch_broker(
        broker_url=settings.REDIS_URL,
        task_always_eager=False,
        result_backend=None,
        broker_transport_options=BROKER_OPTIONS,
    )
    _flush_broker()  # no leftovers from a past run
    try:
        yield
    finally:
        _flush_broker()
        _switch_broker(**previous)
        connections.close_all()


@pytest.fixture
def real_worker(broker):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def _flush_broker():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(match=f"{BROKER_PREFIX}*"):
        client.delete(key)
    client.close()


def _switch_broker(**conf):
    """Point the app at another broker, dropping the pools built for the previous one."""
    app.conf.update(**conf)
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


# -- a worker process killed mid-event ------------------------------------------------------------


class DocmostHang:
    """The served Docmost answers the first page creation only after `release` (the page is
    created at once): the worker that asked is then inside its event, holding its locks."""

    def __init__(self, fake):
        self.created = threading.Event()
        self.release = threading.Event()
        self._handle = fake.handle
        fake.handle = self.handle

    def handle(self, method, url, headers, body):
        answer = self._handle(method, url, headers, body)
        if url.endswith("/api/pages/create") and not self.created.is_set():
            self.created.set()
            self.release.wait(60)
        return answer


def _worker_process(baserow_url, docmost_url, baserow, docmost_fake, log):
    """`celery worker` in its own process, against this run's database, Redis and broker."""
    fake = baserow.fake
    database = connections["default"].settings_dict
    env = {
        **os.environ,
        "DOTENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "config.django.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.REDIS_URL,
        "CELERY_METRICS_PORT": "0",
        "BASEROW_URL": baserow_url,
        "BASEROW_DATABASE_TOKEN": fake.database_token,
        "BASEROW_EMAIL": fake.email,
        "BASEROW_PASSWORD": fake.password,
        "BASEROW_SCHEMA": json.dumps(baserow.connection.mapping.to_json()),
        "DOCMOST_URL": docmost_url,
        "DOCMOST_EMAIL": docmost_fake.email,
        "DOCMOST_PASSWORD": docmost_fake.password,
        "SYNC_LEASE_SECONDS": str(settings.SYNC_LEASE_SECONDS),
    }
    launcher = (
        "import json, sys; from config.celery import app; "
        "app.conf.broker_transport_options = json.loads(sys.argv[1]); "
        "app.worker_main(['worker', '--pool', 'solo', '--loglevel', 'WARNING', "
        "'--without-heartbeat', '--without-gossip', '--without-mingle'])"
    )
    return subprocess.Popen(
        [sys.executable, "-c", launcher, json.dumps(BROKER_OPTIONS)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_a_worker_killed_mid_event_is_recovered_in_seconds_with_one_page(
    baserow, docmost_fake, broker, settings, tmp_path
):
    """SIGKILL while the page is being created: the event's short lease lapses (nobody renews
    it), the dead worker's lock expires, the relay hands the event to a live worker, which adopts
    the page; the next event for the projet is not held for minutes either."""
    from tests.fake_http import serve_fake

    settings.SYNC_LEASE_SECONDS = 2
    hang = DocmostHang(docmost_fake)
    log = tmp_path / "worker.log"
    with (
        serve_fake(baserow.fake) as baserow_url,
        serve_fake(docmost_fake) as docmost_url,
        log.open("wb") as log_file,
    ):
        worker = _worker_process(baserow_url, docmost_url, baserow, docmost_fake, log_file)
        try:
            row, created = new_projet(baserow, "Tué")
            assert baserow.post("projet-changed", created).status_code == 200
            assert hang.created.wait(60), log.read_text()
            baserow.client.update_row(baserow.table("projet"), row, {"charge_estimee_h": 41})
            assert baserow.post("projet-changed", baserow.last_event()).status_code == 200
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
            hang.release.set()
        killed_at = time.monotonic()

        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):

            def recovered():
                tasks.relay_pending_events.delay()  # the beat, every SYNC_RELAY_EVERY_SECONDS
                return WebhookEvent.objects.filter(status="done").count() == 2

            assert wait_for(recovered, timeout=30)
        recovery = time.monotonic() - killed_at

    assert recovery < 20  # seconds: a lease of 2 s, a lock of 10 s; not 10 min, not 2 min
    (page,) = pages_titled(docmost_fake, "Projet Tué - Boulangerie Martin")
    assert EntityLink.objects.get(entity="projet", row_id=row).docmost_page_id == page["id"]
    assert "41" in docmost_fake.content(page["id"])


def test_a_slow_event_keeps_its_short_lease_while_its_worker_works(baserow, settings, monkeypatch):
    from sync import handlers, inbox

    settings.SYNC_LEASE_SECONDS = 1
    monkeypatch.setattr(tasks.process_webhook_event, "delay", lambda *args, **kwargs: None)
    _row, event = new_projet(baserow, "Lent")
    baserow.post("projet-changed", event)
    stored = WebhookEvent.objects.get()
    started, release = threading.Event(), threading.Event()

    def slow(row_id, created=False):
        started.set()
        release.wait(10)
        return f"projet {row_id}: slow but alive"

    monkeypatch.setitem(handlers.HANDLERS, "projet", slow)

    def work():
        try:
            tasks.process_webhook_event(stored.pk)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert started.wait(10)
        time.sleep(2.5)  # more than two leases
        assert inbox.event_claim(stored.pk) is None  # renewed: still its worker's
    finally:
        release.set()
        worker.join()
    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.DONE
    assert stored.attempts == 1
