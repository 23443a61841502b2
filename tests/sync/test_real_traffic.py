"""Real Baserow traffic, as the fake now sends it: every webhook's delivery of every change.

Creating a tâche sends `rows.created` to the tâche webhook and a linked-table `rows.updated`
(the projet row with its new `tache` link, no `old_items`) to each projet webhook; a tâche's or
a client's edit reaches the projet webhooks only as an empty event; Baserow's test call is a
`rows.deleted` of row 0 with `webhook_id: null`. (tests/integrations/
test_fake_baserow_webhook_patterns.py checks these against a real Baserow's recording.)
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from hub.models import Alert
from sync import tasks
from sync.ingress import RECEIVED
from sync.models import EntityLink, WebhookEvent
from tests.sync.conftest import HEADER, SECRET
from tests.sync.test_webhooks import new_projet

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def deliver(baserow, django_capture_on_commit_callbacks):
    """Send deliveries as Baserow does (all the pending ones by default), tasks run inline."""

    def send(deliveries=None):
        responses = []
        for delivery in baserow.take() if deliveries is None else deliveries:
            with django_capture_on_commit_callbacks(execute=True):
                responses.append(baserow.send(delivery))
        return responses

    return send


def page_of(docmost_fake, row):
    link = EntityLink.objects.get(entity="projet", row_id=row)
    return docmost_fake.pages[link.docmost_page_id], docmost_fake.content(link.docmost_page_id)


def page_updates(docmost_fake):
    return [c for c in docmost_fake.calls if c.path == "/api/pages/update"]


def second_projet_webhook(baserow):
    """A second webhook on the projet table: Baserow calls both with every event."""
    baserow.client.create_webhook(
        baserow.table("projet"),
        {
            "url": "http://bridge.example.org/api/webhooks/baserow/projet-status-changed/",
            "name": "second",
            "include_all_events": False,
            "events": ["rows.created", "rows.updated", "rows.deleted"],
            "headers": {HEADER: SECRET},
            "use_user_field_names": True,
        },
    )


def new_tache(baserow, projet, nom="Maquettes", statut="a_faire", estimation=2):
    return baserow.client.create_row(
        baserow.table("tache"),
        {"nom": nom, "projet": [projet], "statut": statut, "estimation_h": estimation},
    )["id"]


@pytest.fixture
def projet(baserow, deliver):
    """A projet whose page exists, and no delivery pending."""
    row, _event = new_projet(baserow, "Réel")
    deliver()
    return row


# -- 1. linked-table rows.updated -----------------------------------------------------------------


def test_a_tache_created_reaches_the_page_through_the_projets_linked_event(
    baserow, docmost_fake, deliver, projet
):
    new_tache(baserow, projet, "Cahier des charges")
    deliver([d for d in baserow.take() if d.url.endswith("/projet-changed/")])
    # The projet's own fields are what they were at that sync: only its `tache` link changes.
    new_tache(baserow, projet, "Maquettes")
    linked = [d for d in baserow.take() if d.url.endswith("/projet-changed/")]
    assert [d.body.get("old_items") for d in linked] == [None]  # no old_items: linked event

    deliver(linked)

    assert "Maquettes" in page_of(docmost_fake, projet)[1]
    assert WebhookEvent.objects.latest("received_at").status == WebhookEvent.Status.DONE


# -- 3. tâche changes ----------------------------------------------------------------------------


def test_a_tache_statut_edit_reaches_the_page_and_the_empty_events_are_noise(
    baserow, docmost_fake, deliver, projet
):
    tache = new_tache(baserow, projet, "Maquettes")
    deliver()
    stored = WebhookEvent.objects.count()
    noise = RECEIVED.labels("projet-changed", "noise")._value.get()

    baserow.client.update_row(baserow.table("tache"), tache, {"statut": "terminee"})
    change = baserow.take()
    empty = [d for d in change if d.body.get("items") == []]
    assert [d.url.rsplit("/", 2)[-2] for d in empty] == ["projet-changed"]
    responses = deliver(change)

    assert "- [x] Maquettes (terminee" in page_of(docmost_fake, projet)[1]
    answers = {r.json()["data"]["status"] for r in responses}
    assert answers == {"accepted", "noise"}
    assert WebhookEvent.objects.count() == stored + 1  # the tâche's event only
    assert not WebhookEvent.objects.filter(kind="projet-changed", outcome="").exists()
    assert RECEIVED.labels("projet-changed", "noise")._value.get() == noise + 1


def test_a_tache_unlinked_from_its_projet_leaves_the_page(baserow, docmost_fake, deliver, projet):
    tache = new_tache(baserow, projet, "Partie")
    deliver()
    assert "Partie" in page_of(docmost_fake, projet)[1]

    baserow.client.update_row(baserow.table("tache"), tache, {"projet": []})
    change = baserow.take()
    assert [d.url.rsplit("/", 2)[-2] for d in change] == ["tache-changed"]  # the projet: nothing
    deliver(change)

    assert "Partie" not in page_of(docmost_fake, projet)[1]


def test_a_tache_deleted_leaves_the_page(baserow, docmost_fake, deliver, projet):
    tache = new_tache(baserow, projet, "Supprimée")
    deliver()

    baserow.client.delete_row(baserow.table("tache"), tache)
    deliver()

    assert "Supprimée" not in page_of(docmost_fake, projet)[1]


# -- 4. test calls --------------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", ["rows.deleted", "rows.created", "rows.updated"])
def test_baserow_test_call_is_answered_test_without_any_effect(
    baserow, deliver, projet, event_type
):
    EntityLink.objects.create(entity="projet", row_id=0, docmost_page_id="page-of-row-0")
    answer = baserow.client._request(  # the "trigger test webhook" button of Baserow's UI
        "POST",
        f"/api/database/webhooks/table/{baserow.table('projet')}/test-call/",
        "webhooks.test_call",
        json={
            "url": "http://bridge.example.org/api/webhooks/baserow/projet-changed/",
            "event_type": event_type,
            "headers": {HEADER: SECRET},
            "use_user_field_names": True,
        },
        auth="jwt",
    )
    (call,) = baserow.take()
    assert call.body["webhook_id"] is None
    stored = WebhookEvent.objects.count()

    (response,) = deliver([call])

    assert answer["status_code"] == 200
    assert response.status_code == 200
    assert response.json()["data"] == {"status": "test", "inbox_id": None}
    assert WebhookEvent.objects.count() == stored
    assert EntityLink.objects.get(entity="projet", row_id=0).source_deleted_at is None


# -- 6. the page covers the projet, its client and its tâches, updated once ---------------------


def test_a_tache_added_updates_the_page_once_whatever_the_deliveries(
    baserow, docmost_fake, deliver, projet
):
    second_projet_webhook(baserow)
    docmost_fake.calls.clear()

    new_tache(baserow, projet, "Une fois")
    change = baserow.take()
    assert len(change) == 3  # tâche webhook, two projet webhooks
    deliver(change[::-1])  # any order

    assert len(page_updates(docmost_fake)) == 1
    assert "Une fois" in page_of(docmost_fake, projet)[1]


def test_a_client_renamed_updates_its_projets_pages_once(baserow, docmost_fake, deliver, projet):
    client = baserow.client.get_row(baserow.table("projet"), projet)["client"][0]["id"]
    docmost_fake.calls.clear()

    baserow.client.update_row(baserow.table("client"), client, {"nom": "Boulangerie Dupont"})
    deliver()

    page, content = page_of(docmost_fake, projet)
    assert page["title"] == "Projet Réel - Boulangerie Dupont"
    assert "Boulangerie Dupont" in content
    updated = {c.body["pageId"] for c in page_updates(docmost_fake)}
    assert page["id"] in updated
    assert [c.body["pageId"] for c in page_updates(docmost_fake)].count(page["id"]) == 1


def test_each_change_of_what_the_page_shows_updates_it_exactly_once(
    baserow, docmost_fake, deliver, projet
):
    tache = new_tache(baserow, projet, "Suivie")
    deliver()
    changes = [
        ("tache", tache, {"estimation_h": 3}),
        ("tache", tache, {"nom": "Suivie renommée"}),
        ("projet", projet, {"charge_estimee_h": 41}),
        ("projet", projet, {"statut": "livre"}),
    ]
    for entity, row, values in changes:
        docmost_fake.calls.clear()
        baserow.client.update_row(baserow.table(entity), row, values)
        deliver()
        assert len(page_updates(docmost_fake)) == 1, values

    docmost_fake.calls.clear()
    baserow.client.update_row(baserow.table("projet"), projet, {})  # nothing shown changed
    deliver()
    assert page_updates(docmost_fake) == []


# -- 2. the loop breaker defers, never drops ------------------------------------------------------


def test_six_taches_in_a_row_then_genuine_edits_are_all_applied(
    baserow, docmost_fake, deliver, projet, mailoutbox
):
    second_projet_webhook(baserow)
    for n in range(6):
        new_tache(baserow, projet, f"Tâche {n}")
        deliver()  # 3 deliveries each: 18 in all, more than the threshold
    baserow.client.update_row(baserow.table("projet"), projet, {"statut": "livre"})
    deliver()
    baserow.client.update_row(baserow.table("projet"), projet, {"charge_estimee_h": 85})
    deliver()

    content = page_of(docmost_fake, projet)[1]
    assert all(f"Tâche {n}" in content for n in range(6))
    assert "**Statut :** livre" in content
    assert "85" in content
    assert not Alert.objects.filter(kind=Alert.Kind.LOOP_SUSPECTED).exists()
    assert len([m for m in mailoutbox if "facturer" in m.subject]) == 1


def test_echoes_open_the_circuit_and_a_genuine_change_waits_for_it_then_applies(
    baserow, docmost_fake, deliver, projet, settings, django_capture_on_commit_callbacks
):
    settings.SYNC_LOOP_THRESHOLD = 3
    table = baserow.table("projet")
    after = baserow.client.get_row(table, projet)
    before = {**after, "docmost_page_id": ""}
    echo = {
        "table_id": table,
        "event_type": "rows.updated",
        "items": [after],
        "old_items": [before],
    }
    for _ in range(5):  # the bridge's page-id write coming back again and again
        with django_capture_on_commit_callbacks(execute=True):
            baserow.post("projet-changed", baserow.delivery(echo, event_id=str(uuid.uuid4())))
    assert set(WebhookEvent.objects.filter(outcome__contains="echo").values_list("status")) == {
        (WebhookEvent.Status.SKIPPED,)
    }
    assert Alert.objects.filter(kind=Alert.Kind.LOOP_SUSPECTED, entity_id=projet).count() == 1

    baserow.client.update_row(table, projet, {"charge_estimee_h": 80})
    deliver()

    held = WebhookEvent.objects.latest("received_at")
    assert held.status == WebhookEvent.Status.PENDING
    assert "circuit open" in held.outcome
    assert held.attempts == 0  # a deferral is no failed attempt
    closes = timezone.now() + timedelta(seconds=settings.SYNC_CIRCUIT_OPEN_SECONDS)
    assert held.next_attempt_at is not None
    assert abs((held.next_attempt_at - closes).total_seconds()) < 5
    assert "80" not in page_of(docmost_fake, projet)[1]
    baserow.client.update_row(table, projet, {"charge_estimee_h": 85})  # meanwhile, again
    deliver()

    with freeze_time(timezone.now() + timedelta(seconds=settings.SYNC_CIRCUIT_OPEN_SECONDS + 1)):
        tasks.relay_pending_events()

    assert "**Charge estimée :** 85" in page_of(docmost_fake, projet)[1]  # the latest state
    assert not WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING).exists()
