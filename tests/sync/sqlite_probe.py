"""Run in a subprocess by tests/sync/test_embedded.py: the embedded defaults, for real.

`python -m tests.sync.sqlite_probe concurrency THREADS POSTS` migrates the SQLite database named
by DATABASE_URL, then THREADS threads each post POSTS Baserow webhooks at once (tasks run inline,
no broker, as in `make run`), and prints what the inbox holds as JSON.
`python -m tests.sync.sqlite_probe redelivery` posts a valid delivery, an empty body and a
junk body twice each (Baserow retries) and prints the answers and what the inbox holds.
`python -m tests.sync.sqlite_probe options` prints the default database settings.
"""

import json
import os
import sys
import threading
import uuid
from typing import Any

import django


def _options() -> dict[str, Any]:
    from django.conf import settings

    default = settings.DATABASES["default"]
    return {"ENGINE": default["ENGINE"], "NAME": str(default["NAME"]), **default["OPTIONS"]}


def _concurrency(threads: int, posts: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client

    from integrations.baserow.connection import baserow
    from sync.models import WebhookEvent

    call_command("migrate", verbosity=0)
    connection = baserow()
    projet_table = connection.mapping.table("projet").table_id
    nom = connection.mapping.table("projet").name("nom")
    row_ids = [row["id"] for row in connection.client.iter_rows(projet_table)]
    secret = os.environ["BASEROW_WEBHOOK_SECRETS"].split(",")[0]
    statuses: list[int] = []
    crashes: list[str] = []
    barrier = threading.Barrier(threads)

    def post_all(index: int) -> None:
        client = Client(raise_request_exception=False, HTTP_HOST="localhost")
        barrier.wait()
        for n in range(posts):
            row_id = row_ids[(index * posts + n) % len(row_ids)]
            body = {
                "workspace_id": 1,
                "webhook_id": 1000 + index,
                "event_id": str(uuid.uuid4()),
                "event_type": "rows.updated",
                "table_id": projet_table,
                "items": [{"id": row_id}],
                # A changed name: each event is really processed (Docmost page, link, write-back).
                "old_items": [{"id": row_id, nom: f"before {n}"}],
            }
            try:
                response = client.post(
                    "/api/webhooks/baserow/projet-changed/",
                    json.dumps(body),
                    content_type="application/json",
                    HTTP_X_BRIDGE_WEBHOOK_SECRET=secret,
                )
                statuses.append(response.status_code)
            except Exception as exc:  # recorded: the test shows it
                crashes.append(f"{type(exc).__name__}: {exc}")

    workers = [threading.Thread(target=post_all, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    events = WebhookEvent.objects.all()
    return {
        "statuses": sorted(statuses),
        "crashes": crashes,
        "stored": events.count(),
        "by_status": dict(events.values_list("status").annotate(n=Count("pk"))),
        "errors": sorted({e.last_error for e in events if e.last_error}),
        "unattempted": events.filter(attempts=0).count(),
    }


def _redelivery() -> dict[str, Any]:
    from django.core.management import call_command
    from django.test import Client

    from hub.models import Alert
    from integrations.baserow.connection import baserow
    from sync.models import WebhookEvent

    call_command("migrate", verbosity=0)
    client = Client(raise_request_exception=False, HTTP_HOST="localhost")
    secret = os.environ["BASEROW_WEBHOOK_SECRETS"].split(",")[0]
    valid = {
        "workspace_id": 1,
        "webhook_id": 1,
        "event_id": str(uuid.uuid4()),
        "event_type": "rows.updated",
        "table_id": baserow().mapping.table("projet").table_id,
        "items": [{"id": 1}],
    }
    answers: list[list[Any]] = []
    for body in (json.dumps(valid), "", "not json"):
        for _ in range(2):
            response = client.post(
                "/api/webhooks/baserow/projet-changed/",
                body,
                content_type="application/json",
                HTTP_X_BRIDGE_WEBHOOK_SECRET=secret,
            )
            answers.append([response.status_code, response.json().get("data", {}).get("status")])
    return {
        "answers": answers,
        "stored": WebhookEvent.objects.count(),
        "quarantined": WebhookEvent.objects.filter(status="quarantined").count(),
        "alerts": Alert.objects.count(),
    }


def main(argv: list[str]) -> None:
    django.setup()
    if argv[0] == "options":
        result = _options()
    elif argv[0] == "redelivery":
        result = _redelivery()
    else:
        result = _concurrency(int(argv[1]), int(argv[2]))
    sys.stdout.write("PROBE " + json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
