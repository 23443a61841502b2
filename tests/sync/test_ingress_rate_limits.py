"""Webhook rate limits: junk can never starve a real delivery (issue 9, point 1).

The secret is checked first; an authenticated delivery counts against its webhook (credential
and kind), a failed authentication against the real peer address. X-Forwarded-For is written
by the client, so it decides nothing unless BRIDGE_TRUSTED_PROXIES says a proxy wrote it.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest

from bridge_api.models import BlockedPeer
from sync.models import WebhookEvent
from tests.sync.conftest import OLD_SECRET, SECRET

pytestmark = pytest.mark.django_db

BASEROW_URL = "/api/webhooks/baserow/projet-changed/"
DOCMOST_URL = "/api/webhooks/docmost/"
DOCMOST_KEY = b"docmost-relay-key-0123456789abcdef"


def post(api_client, url, body=b"{}", **headers):
    return api_client.generic("POST", url, body, content_type="application/json", **headers)


def schema_event(baserow) -> bytes:
    """A valid delivery that needs no processing (stored, answered 200, status ignored)."""
    event = {"event_type": "field.created", "table_id": baserow.table("projet"), "field": {}}
    return json.dumps(baserow.delivery(event)).encode()


def junk_until_throttled(api_client, url, *, attempts=200, spoof=True, **headers):
    """Posts with a wrong secret until one is refused with 429; returns every response."""
    responses = []
    for n in range(attempts):
        spoofed = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n % 250}"} if spoof and n % 2 else {}
        response = post(api_client, url, **headers, **spoofed)
        responses.append(response)
        if response.status_code == 429:
            break
    return responses


def assert_throttled_in_the_envelope(responses):
    *refused, throttled = responses
    assert {r.status_code for r in refused} == {401}
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "RATE_LIMITED"
    assert int(throttled["Retry-After"]) >= 1


def test_a_flood_of_junk_from_spoofed_addresses_is_throttled_and_a_valid_delivery_passes(
    baserow, api_client
):
    responses = junk_until_throttled(api_client, BASEROW_URL, HTTP_X_BRIDGE_WEBHOOK_SECRET="wrong")

    assert_throttled_in_the_envelope(responses)
    # The same peer keeps being refused for its junk...
    assert post(api_client, BASEROW_URL, HTTP_X_BRIDGE_WEBHOOK_SECRET="x").status_code == 429
    # ...but a real delivery from that same peer still goes through.
    valid = post(
        api_client, BASEROW_URL, schema_event(baserow), HTTP_X_BRIDGE_WEBHOOK_SECRET=SECRET
    )
    assert valid.status_code == 200
    assert valid.json()["data"]["status"] == "ignored"
    assert WebhookEvent.objects.count() == 1


def test_junk_does_not_use_up_the_budget_of_real_deliveries(baserow, api_client, settings):
    settings.BRIDGE_RATE_LIMITS = {**settings.BRIDGE_RATE_LIMITS, "webhook": "3/m"}
    for _ in range(10):
        post(api_client, BASEROW_URL, HTTP_X_BRIDGE_WEBHOOK_SECRET="wrong")

    statuses = [
        post(
            api_client, BASEROW_URL, schema_event(baserow), HTTP_X_BRIDGE_WEBHOOK_SECRET=SECRET
        ).status_code
        for _ in range(3)
    ]

    assert statuses == [200, 200, 200]


def test_authenticated_deliveries_are_limited_per_webhook_whatever_address_they_claim(
    baserow, api_client, settings
):
    settings.BRIDGE_RATE_LIMITS = {**settings.BRIDGE_RATE_LIMITS, "webhook": "3/m"}

    def deliver(url=BASEROW_URL, secret=SECRET, n=0):
        return post(
            api_client,
            url,
            schema_event(baserow),
            HTTP_X_BRIDGE_WEBHOOK_SECRET=secret,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code

    assert [deliver(n=n) for n in range(4)] == [200, 200, 200, 429]  # a new address: no reset
    # Another webhook (another kind, or the other secret) has its own budget.
    assert deliver(url="/api/webhooks/baserow/formation-changed/") == 200
    assert deliver(secret=OLD_SECRET) == 200


def test_failures_are_counted_per_real_peer_behind_a_trusted_proxy(baserow, api_client, settings):
    settings.BRIDGE_TRUSTED_PROXIES = 1
    settings.BRIDGE_AUTH_FAILURE_RATES = {**settings.BRIDGE_AUTH_FAILURE_RATES, "webhook": "2/m"}

    def junk(client_address):
        return post(
            api_client,
            BASEROW_URL,
            HTTP_X_BRIDGE_WEBHOOK_SECRET="wrong",
            HTTP_X_FORWARDED_FOR=f"10.9.9.9, {client_address}",  # the proxy appended the peer
        ).status_code

    assert [junk("192.0.2.1") for _ in range(3)] == [401, 401, 429]
    assert BlockedPeer.objects.get().peer == "192.0.2.1"  # listed in the admin
    assert junk("192.0.2.2") == 401  # another client behind the same proxy is not affected


def _docmost_signature(body: bytes, timestamp: str, key: bytes = DOCMOST_KEY) -> str:
    signed = b"msg_1." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def test_docmost_bad_signatures_are_throttled_and_a_signed_event_still_passes(api_client, settings):
    settings.DOCMOST_WEBHOOK_SECRETS = ["whsec_" + base64.b64encode(DOCMOST_KEY).decode()]
    timestamp = str(int(time.time()))
    bad = {
        "HTTP_WEBHOOK_ID": "msg_1",
        "HTTP_WEBHOOK_TIMESTAMP": timestamp,
        "HTTP_WEBHOOK_SIGNATURE": "v1,AAAA",
    }

    assert_throttled_in_the_envelope(junk_until_throttled(api_client, DOCMOST_URL, **bad))

    body = json.dumps({"type": "page.updated", "data": {"pageId": str(uuid.uuid4())}}).encode()
    signed = {**bad, "HTTP_WEBHOOK_SIGNATURE": _docmost_signature(body, timestamp)}
    response = post(api_client, DOCMOST_URL, body, **signed)
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "accepted"
