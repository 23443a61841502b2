"""The optional signed inbound Docmost webhook (Standard Webhooks), feeding the same inbox."""

import base64
import hashlib
import hmac
import json
import time

import pytest

from sync.models import EntityLink, WebhookEvent

pytestmark = pytest.mark.django_db

KEY = b"docmost-relay-key-0123456789abcdef"


@pytest.fixture
def relay(settings, docmost_fake, baserow):
    settings.DOCMOST_WEBHOOK_SECRETS = ["whsec_" + base64.b64encode(KEY).decode()]
    parent = docmost_fake.add_page(docmost_fake.general["id"], "Comptes-rendus")
    settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID = parent["id"]
    return parent


def post(api_client, body, *, message_id="msg_1", age=0, key=KEY, raw=None):
    data = raw if raw is not None else json.dumps(body).encode()
    timestamp = str(int(time.time()) - age)
    signed = f"{message_id}.{timestamp}.".encode() + data
    signature = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return api_client.generic(
        "POST",
        "/api/webhooks/docmost/",
        data,
        content_type="application/json",
        HTTP_WEBHOOK_ID=message_id,
        HTTP_WEBHOOK_TIMESTAMP=timestamp,
        HTTP_WEBHOOK_SIGNATURE=signature,
    )


def test_signed_page_event_creates_the_compte_rendu_row(
    api_client, relay, docmost_fake, baserow, django_capture_on_commit_callbacks
):
    page = docmost_fake.add_page(
        docmost_fake.general["id"],
        "Réunion du 3 novembre",
        markdown="Notes",
        parent_page_id=relay["id"],
        by_other_user=True,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = post(api_client, {"type": "page.created", "data": {"pageId": page["id"]}})

    assert response.json()["data"]["status"] == "accepted"
    link = EntityLink.objects.get(entity="compte_rendu", docmost_page_id=page["id"])
    row = baserow.client.get_row(baserow.table("compte_rendu"), link.row_id)
    assert row["titre"] == "Réunion du 3 novembre"
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE


def test_same_message_twice_is_one_event(api_client, relay, docmost_fake):
    page = docmost_fake.add_page(docmost_fake.general["id"], "CR", parent_page_id=relay["id"])
    body = {"type": "page.updated", "data": {"pageId": page["id"]}}
    assert post(api_client, body).json()["data"]["status"] == "accepted"
    assert post(api_client, body).json()["data"]["status"] == "duplicate"
    assert WebhookEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [({"age": 301}, "stale"), ({"key": b"another-key-another-key-another!!"}, "wrong key")],
)
def test_stale_or_wrong_signatures_are_401_and_store_nothing(api_client, relay, kwargs, why):
    response = post(api_client, {"type": "page.created", "data": {"pageId": "x"}}, **kwargs)
    assert response.status_code == 401, why
    assert not WebhookEvent.objects.exists()


def test_unsigned_is_401(api_client, relay):
    response = api_client.post("/api/webhooks/docmost/", {"type": "page.created"}, format="json")
    assert response.status_code == 401


def test_signed_but_malformed_is_quarantined(api_client, relay):
    response = post(api_client, None, raw=b'{"type": "page.created"}')
    assert response.json()["data"]["status"] == "quarantined"
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.QUARANTINED
