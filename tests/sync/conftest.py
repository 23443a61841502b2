import itertools
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest

from integrations.docmost.connection import connect_fake, use_docmost
from integrations.fakes.baserow.fake import WebhookDelivery
from integrations.fakes.docmost.fake import FakeDocmost

SECRET = "s3cr3t-webhook-value-0123456789abcdef"
HEADER = "X-Bridge-Webhook-Secret"
OLD_SECRET = "old-secret-still-valid-during-rotation"
_webhook_ids = itertools.count(100)


@pytest.fixture
def docmost_fake():
    fake = FakeDocmost()
    use_docmost(connect_fake(fake))
    yield fake
    use_docmost(None)


@pytest.fixture(autouse=True)
def _webhook_settings(settings, docmost_fake):
    settings.BASEROW_WEBHOOK_SECRETS = [SECRET, OLD_SECRET]
    settings.BRIDGE_ADMIN_EMAILS = ["admin@example.org"]


class Baserow:
    """Drives the fake Baserow as a user would, and turns its events into webhook deliveries.

    The bridge's own webhooks are registered in the fake (`baserow_webhooks_ensure`, as
    `manage.py baserow_webhooks` does), so each change produces Baserow's real deliveries
    (`deliveries`): one per webhook, linked-table `rows.updated` and empty events included.
    """

    def __init__(self, connection, api_client):
        from sync.webhook_registration import baserow_webhooks_ensure

        self.connection = connection
        self.fake = connection.fake
        self.client = connection.client
        self.api = api_client
        self.events: list[dict[str, Any]] = []
        self.fake.webhook_listener = self.events.append
        self.deliveries: list[WebhookDelivery] = []
        self.fake.webhook_sender = self.deliveries.append
        self.webhook_id = next(_webhook_ids)  # for hand-written deliveries
        baserow_webhooks_ensure(
            client=self.client,
            mapping=connection.mapping,
            bridge_url="http://bridge.example.org",
            header=HEADER,
            secrets=[SECRET],
        )
        self.fake.calls.clear()  # tests count the bridge's own calls

    def table(self, entity: str) -> int:
        return self.connection.mapping.table(entity).table_id

    def delivery(self, payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {
            "workspace_id": 1,
            "webhook_id": self.webhook_id,
            "event_id": str(uuid.uuid4()),
            **payload,
            **extra,
        }

    def post(self, kind: str, body: Any, secret: str | None = SECRET, raw: bytes | None = None):
        headers = {"HTTP_X_BRIDGE_WEBHOOK_SECRET": secret} if secret is not None else {}
        data = raw if raw is not None else json.dumps(body).encode()
        return self.api.generic(
            "POST",
            f"/api/webhooks/baserow/{kind}/",
            data,
            content_type="application/json",
            **headers,
        )

    def send(self, delivery: WebhookDelivery):
        """POST one delivery as Baserow makes it: its URL, its headers, its body."""
        headers = {k: v for k, v in delivery.headers.items() if k.lower() != "content-type"}
        return self.api.generic(
            delivery.method,
            urlsplit(delivery.url).path,
            json.dumps(delivery.body).encode(),
            content_type="application/json",
            headers=headers,
        )

    def last_change(self) -> list[WebhookDelivery]:
        """Every delivery of the most recent change (they share its event id)."""
        event_id = self.deliveries[-1].body["event_id"]
        return [d for d in self.deliveries if d.body["event_id"] == event_id]

    def take(self) -> list[WebhookDelivery]:
        """The deliveries not taken yet, oldest first."""
        taken, self.deliveries[:] = list(self.deliveries), []
        return taken

    def last_event(self) -> dict[str, Any]:
        """The body the changed table's own webhook got for the last change."""
        origin = self.events[-1]
        for delivery in reversed(self.deliveries):
            body = delivery.body
            if (
                body["table_id"] == origin["table_id"]
                and body["event_type"] == origin["event_type"]
            ):
                return body
        return self.delivery(origin)  # a table the bridge has no webhook on


@pytest.fixture
def baserow(demo_baserow, api_client):
    return Baserow(demo_baserow, api_client)
