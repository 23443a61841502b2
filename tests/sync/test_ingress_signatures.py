"""Standard Webhooks headers are checked before use: no input reaches int() unvetted (point 4).

Both signed routes (Baserow through a signing relay, and Docmost) answer 401 to a timestamp that
is not a short run of ASCII digits, and to a signature that is not ASCII, instead of a 500.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest

from sync.models import WebhookEvent

pytestmark = pytest.mark.django_db

KEY = b"relay-signing-key-0123456789abcdef"
ROUTES = ["/api/webhooks/baserow/projet-changed/", "/api/webhooks/docmost/"]


@pytest.fixture(autouse=True)
def _signing_secrets(settings):
    secret = "whsec_" + base64.b64encode(KEY).decode()
    settings.STANDARD_WEBHOOK_SECRETS = [secret]
    settings.DOCMOST_WEBHOOK_SECRETS = [secret]


def signature(body: bytes, timestamp: str, message_id: str = "msg_1") -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()


def post(api_client, route, body, *, timestamp, sig=None, message_id="msg_1"):
    return api_client.generic(
        "POST",
        route,
        body,
        content_type="application/json",
        HTTP_WEBHOOK_ID=message_id,
        HTTP_WEBHOOK_TIMESTAMP=timestamp,
        HTTP_WEBHOOK_SIGNATURE=sig if sig is not None else signature(body, timestamp, message_id),
    )


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "timestamp",
    ["²", "1" + "0" * 400, "١٧٠٠٠٠٠٠٠٠", " 1700000000", "+1700000000", "-1", "1e9", "", "9" * 13],
)
def test_a_timestamp_that_is_not_ascii_digits_of_sane_length_is_401(api_client, route, timestamp):
    response = post(api_client, route, b"{}", timestamp=timestamp)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_INVALID"
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("sig", ["v1,é", "v1,\u00ff\u00fe", "v1," + "é" * 44])
def test_a_signature_that_is_not_ascii_is_401(api_client, route, sig):
    timestamp = str(int(time.time()))
    assert post(api_client, route, b"{}", timestamp=timestamp, sig=sig).status_code == 401


def test_a_signed_docmost_event_with_an_overlong_message_id_is_quarantined_not_cut(api_client):
    body = json.dumps({"type": "page.updated", "data": {"pageId": str(uuid.uuid4())}}).encode()
    timestamp = str(int(time.time()))
    message_id = "msg_" + "a" * 70

    first = post(api_client, ROUTES[1], body, timestamp=timestamp, message_id=message_id)
    other = post(api_client, ROUTES[1], body, timestamp=timestamp, message_id=message_id + "b")

    assert first.json()["data"]["status"] == other.json()["data"]["status"] == "quarantined"
    assert WebhookEvent.objects.filter(status="quarantined").count() == 2
    assert "webhook-id" in WebhookEvent.objects.first().last_error


@pytest.mark.parametrize("page_id", [["x"], {"a": 1}, 12, "", "x" * 65])
def test_a_signed_docmost_event_without_a_usable_page_id_is_quarantined(api_client, page_id):
    body = json.dumps({"type": "page.updated", "data": {"pageId": page_id}}).encode()
    response = post(api_client, ROUTES[1], body, timestamp=str(int(time.time())))
    assert response.json()["data"]["status"] == "quarantined"
    assert "pageId" in WebhookEvent.objects.get().last_error
