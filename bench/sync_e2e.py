"""End-to-end sync benchmark: N projet-created events → Docmost pages, through a real worker.

Django runs against PostgreSQL and Redis; Baserow and Docmost are the in-process doubles; a real
Celery worker (solo pool, in a thread of this process) consumes from a Redis broker. Each projet
is created in the Baserow double one by one (one rows.created event each, as Baserow sends
them), delivered to the webhook receiver, and the clock stops when every projet has its page.

Prints wall time, events/s, Baserow and Docmost calls, and duplicates (must be 0).
"""

import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COUNT = int(os.environ.get("BENCH_SYNC_EVENTS", "1000"))


def main() -> None:
    import django

    django.setup()
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from config.celery import app
    from integrations.baserow.connection import baserow
    from integrations.docmost.connection import docmost
    from sync.models import EntityLink, WebhookEvent

    call_command("migrate", verbosity=0)
    WebhookEvent.objects.all().delete()
    EntityLink.objects.all().delete()
    app.conf.update(broker_url=os.environ["CELERY_BROKER_URL"], task_always_eager=False)
    app.connection_for_write().default_channel.client.flushdb()  # type: ignore[attr-defined]

    connection = baserow()
    fake_docmost = docmost().fake
    assert connection.fake is not None, "the benchmark runs on the in-process doubles"
    assert fake_docmost is not None, "the benchmark runs on the in-process doubles"
    events: list[dict] = []
    connection.fake.webhook_listener = events.append
    table = connection.mapping.table("projet").table_id
    for n in range(COUNT):
        connection.client.create_row(table, {"nom": f"Bench {n}", "client": [1 + n % 5]})
    baserow_calls_before = len(connection.fake.calls)
    docmost_calls_before = len(fake_docmost.calls)

    http = Client(SERVER_NAME="localhost")
    secret = settings.BASEROW_WEBHOOK_SECRETS[0]
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        started = time.perf_counter()
        for event in events:
            body = {**event, "workspace_id": 1, "webhook_id": 7, "event_id": str(uuid.uuid4())}
            response = http.post(
                "/api/webhooks/baserow/projet-changed/",
                body,
                content_type="application/json",
                HTTP_X_BRIDGE_WEBHOOK_SECRET=secret,
            )
            assert response.json()["data"]["status"] == "accepted", response.content
        acknowledged = time.perf_counter() - started
        while (
            EntityLink.objects.filter(entity="projet").exclude(docmost_page_id="").count() < COUNT
        ):
            if time.perf_counter() - started > 600:
                sys.exit("bench: pages still missing after 10 minutes")
            time.sleep(0.2)
        elapsed = time.perf_counter() - started

    titles = [
        p["title"]
        for p in fake_docmost.pages.values()
        if (p["title"] or "").startswith("Projet Bench")
    ]
    duplicates = len(titles) - len(set(titles))
    print(f"\nSync end to end: {COUNT} projet-created events → {len(set(titles))} Docmost pages")
    print(
        f"  all acknowledged after {acknowledged:.1f} s; all pages after {elapsed:.1f} s "
        f"({COUNT / elapsed:.0f} events/s, real worker, solo pool)"
    )
    print(
        f"  Baserow calls: {len(connection.fake.calls) - baserow_calls_before} "
        f"({(len(connection.fake.calls) - baserow_calls_before) / COUNT:.1f} per event); "
        f"Docmost calls: {len(fake_docmost.calls) - docmost_calls_before} "
        f"({(len(fake_docmost.calls) - docmost_calls_before) / COUNT:.1f} per event)"
    )
    print(f"  duplicate pages: {duplicates}")


if __name__ == "__main__":
    main()
