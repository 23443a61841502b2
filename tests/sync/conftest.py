import itertools
import json
import uuid
from typing import Any

import pytest

from integrations.docmost.connection import connect_fake, use_docmost
from integrations.docmost.fake import FakeDocmost

SECRET = "s3cr3t-webhook-value-0123456789abcdef"
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
    """Drives the fake Baserow as a user would, and turns its events into webhook deliveries."""

    def __init__(self, connection, api_client):
        self.connection = connection
        self.fake = connection.fake
        self.client = connection.client
        self.api = api_client
        self.events: list[dict[str, Any]] = []
        self.fake.webhook_listener = self.events.append
        self.webhook_id = next(_webhook_ids)

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

    def last_event(self) -> dict[str, Any]:
        return self.delivery(self.events[-1])


@pytest.fixture
def baserow(demo_baserow, api_client):
    return Baserow(demo_baserow, api_client)
