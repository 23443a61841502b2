"""Baserow webhooks → inbox → processing → Docmost: loop-free and loss-free."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from hub.models import Alert
from sync import handlers, inbox, ingress, pages, tasks
from sync.models import EntityLink, WebhookEvent
from tests.sync.conftest import OLD_SECRET

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Deliver and let the on-commit enqueue run (tasks run inline without a broker)."""

    def deliver(baserow, kind, body, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return baserow.post(kind, body, **kwargs)

    return deliver


def new_projet(baserow, nom="Site vitrine", client=1):
    row = baserow.client.create_row(
        baserow.table("projet"),
        {"nom": nom, "client": [client], "statut": "en_cours", "charge_estimee_h": 40},
    )
    return row["id"], baserow.last_event()


def docmost_back(fake):
    """Docmost recovers: the injected failures stop."""
    fake._failures.clear()


def pages_titled(docmost_fake, title):
    return [
        p for p in docmost_fake.pages.values() if p["title"] == title and not p.get("deletedAt")
    ]


# -- ingress --------------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "wrong", "s3cr3t-webhook-value-0123456789abcdeX"])
def test_missing_or_wrong_secret_is_401_and_nothing_is_stored(baserow, secret):
    _row, event = new_projet(baserow)

    response = baserow.post("projet-changed", event, secret=secret)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_INVALID"
    assert not WebhookEvent.objects.exists()


def test_a_rotated_secret_still_works(baserow, run):
    _row, event = new_projet(baserow)
    assert (
        run(baserow, "projet-changed", event, secret=OLD_SECRET).json()["data"]["status"]
        == "accepted"
    )


def test_body_over_the_limit_is_413_before_anything(baserow, settings):
    settings.BRIDGE_WEBHOOK_MAX_BODY_BYTES = 100
    response = baserow.post("projet-changed", None, raw=b"{" + b" " * 200)
    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


# The common keys of a Baserow event, as JSON text to splice into hand-written bodies.
COMMON = b'"event_id": "0b8f6f2e-3c1a-4d8e-9a57-2f0c4e6b1d93", "table_id": 1'


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (
            b'{"event_type": "rows.created", ' + COMMON + b', "items": [{"no": "id"}]}',
            "items[0].id",
        ),
        (b'{"event_type": "rows.exploded", ' + COMMON + b"}", "unknown event_type"),
        (b'{"event_type": "rows.deleted", ' + COMMON + b', "row_ids": "1,2"}', "row_ids"),
    ],
)
def test_malformed_but_authenticated_is_quarantined_and_acknowledged(baserow, raw, problem):
    response = baserow.post("projet-changed", None, raw=raw)

    assert response.status_code == 200  # a 4xx would make Baserow retry, then deactivate
    assert response.json()["data"]["status"] == "quarantined"
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.QUARANTINED
    assert problem in event.last_error
    assert Alert.objects.filter(kind=Alert.Kind.WEBHOOK_QUARANTINED).count() == 1


def test_event_from_another_table_is_quarantined(baserow):
    _row, event = new_projet(baserow)
    assert baserow.post("formation-changed", event).json()["data"]["status"] == "quarantined"
    assert "check the webhook's URL" in WebhookEvent.objects.get().last_error


def test_unknown_kind_is_404_naming_the_kinds(baserow):
    response = baserow.post("pizza-changed", {})

    assert response.status_code == 404
    error = response.json()["error"]
    assert "point the Baserow webhook at /api/webhooks/baserow/<kind>/" in error["message"]
    assert "projet-changed" in error["message"]
    assert error["details"] == {"kinds": list(ingress.KIND_ENTITY)}


def test_field_events_are_stored_and_ignored(baserow):
    body = baserow.delivery({"event_type": "field.created", "table_id": 1, "field": {"id": 3}})
    assert baserow.post("projet-changed", body).json()["data"]["status"] == "ignored"
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.SKIPPED


# -- idempotence, batches -------------------------------------------------------------------------


def test_same_event_five_times_has_one_effect(baserow, docmost_fake, run):
    _row, event = new_projet(baserow, "Intranet")
    statuses = [run(baserow, "projet-changed", event).json()["data"]["status"] for _ in range(5)]

    assert statuses == ["accepted"] + ["duplicate"] * 4
    assert WebhookEvent.objects.count() == 1
    assert len(pages_titled(docmost_fake, "Projet Intranet - Boulangerie Martin")) == 1


def test_same_event_id_with_two_batches_is_two_events(baserow, run):
    _row, event = new_projet(baserow)
    first = {**event, "batch_id": 1}
    second = {**event, "batch_id": 2}
    run(baserow, "projet-changed", first)
    run(baserow, "projet-changed", second)
    assert sorted(WebhookEvent.objects.values_list("batch_id", flat=True)) == [1, 2]
    assert set(WebhookEvent.objects.values_list("status", flat=True)) <= {"done", "skipped"}


def test_baserow_test_call_is_acknowledged_and_not_stored(baserow, run):
    placeholder = {"id": 0, "order": "0.00000000000000000000", "nom": ""}
    body = {
        "table_id": baserow.table("projet"),
        "database_id": 1,
        "workspace_id": 1,
        "webhook_id": None,
        "event_id": str(uuid.uuid4()),
        "event_type": "rows.created",
        "items": [placeholder],
    }
    response = run(baserow, "projet-changed", body)
    assert response.json()["data"] == {"status": "test", "inbox_id": None}
    assert not WebhookEvent.objects.exists()


# -- the projet page ------------------------------------------------------------------------------


def test_new_projet_gets_its_page_and_the_id_written_back(baserow, docmost_fake, run):
    row, event = new_projet(baserow, "Portail")
    baserow.fake.calls.clear()

    run(baserow, "projet-changed", event)

    (page,) = pages_titled(docmost_fake, "Projet Portail - Boulangerie Martin")
    link = EntityLink.objects.get(entity="projet", row_id=row)
    assert link.docmost_page_id == page["id"]
    assert "Charge estimée" in docmost_fake.content(page["id"])
    stored = baserow.client.get_row(baserow.table("projet"), row)
    assert stored["docmost_page_id"] == page["id"]
    writes = [c for c in baserow.fake.calls if c.method == "PATCH"]
    assert writes
    assert all(c.params.get("send_webhook_events") == "false" for c in writes)
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE


def test_the_bridges_own_write_coming_back_is_ignored(baserow, docmost_fake, run):
    row, event = new_projet(baserow, "Echo")
    before = baserow.client.get_row(baserow.table("projet"), row)
    run(baserow, "projet-changed", event)
    after = baserow.client.get_row(baserow.table("projet"), row)
    assert after["docmost_page_id"] != before["docmost_page_id"]  # the bridge wrote the page id
    # Even if that write did fire a webhook (a proxy dropping the flag, another setting...):
    echo = baserow.delivery(
        {
            "table_id": baserow.table("projet"),
            "event_type": "rows.updated",
            "items": [after],
            "old_items": [before],
        }
    )
    docmost_fake.calls.clear()

    run(baserow, "projet-changed", echo)

    latest = WebhookEvent.objects.order_by("-received_at").first()
    assert latest.status == WebhookEvent.Status.SKIPPED
    assert "echo" in latest.outcome
    assert [c for c in docmost_fake.calls if "/pages/" in c.path] == []


def test_no_op_update_calls_nothing(baserow, docmost_fake, run):
    row, event = new_projet(baserow, "Calme")
    run(baserow, "projet-changed", event)
    baserow.client.update_row(baserow.table("projet"), row, {})  # Baserow fires rows.updated anyway
    docmost_fake.calls.clear()

    run(baserow, "projet-changed", baserow.last_event())

    assert (
        WebhookEvent.objects.order_by("-received_at").first().status == WebhookEvent.Status.SKIPPED
    )
    assert docmost_fake.calls == []


def test_update_v2_then_stale_v1_ends_at_v2(baserow, docmost_fake, run):
    row, created = new_projet(baserow, "V0")
    run(baserow, "projet-changed", created)
    baserow.client.update_row(baserow.table("projet"), row, {"nom": "V1"})
    v1 = baserow.last_event()
    baserow.client.update_row(baserow.table("projet"), row, {"nom": "V2"})
    v2 = baserow.last_event()

    run(baserow, "projet-changed", v2)
    run(baserow, "projet-changed", v1)  # delivered late, out of order

    link = EntityLink.objects.get(entity="projet", row_id=row)
    assert docmost_fake.pages[link.docmost_page_id]["title"] == "Projet V2 - Boulangerie Martin"


def test_delete_then_late_update_resurrects_nothing(baserow, docmost_fake, run):
    row, created = new_projet(baserow, "Éphémère")
    baserow.client.update_row(baserow.table("projet"), row, {"nom": "Éphémère 2"})
    late_update = baserow.last_event()
    baserow.client.delete_row(baserow.table("projet"), row)
    deleted = baserow.last_event()

    run(baserow, "projet-changed", deleted)
    run(baserow, "projet-changed", created)
    run(baserow, "projet-changed", late_update)

    assert (
        not EntityLink.objects.filter(entity="projet", row_id=row)
        .exclude(docmost_page_id="")
        .exists()
    )
    assert not [p for p in docmost_fake.pages.values() if "Éphémère" in (p["title"] or "")]


def test_deleted_projet_keeps_its_page_flagged(baserow, docmost_fake, run):
    row, created = new_projet(baserow, "Supprimé")
    run(baserow, "projet-changed", created)
    baserow.client.delete_row(baserow.table("projet"), row)

    run(baserow, "projet-changed", baserow.last_event())

    link = EntityLink.objects.get(entity="projet", row_id=row)
    assert link.source_deleted_at is not None
    assert docmost_fake.pages[link.docmost_page_id].get("deletedAt") is None


def test_late_create_after_the_page_exists_makes_no_second_page(baserow, docmost_fake, run):
    row, created = new_projet(baserow, "Unique")
    baserow.client.update_row(baserow.table("projet"), row, {"charge_estimee_h": 80})
    run(baserow, "projet-changed", baserow.last_event())
    run(baserow, "projet-changed", created)
    assert len(pages_titled(docmost_fake, "Projet Unique - Boulangerie Martin")) == 1


def test_projet_livre_sends_the_billing_notice_once(baserow, run, mailoutbox):
    row, created = new_projet(baserow, "Facturable")
    run(baserow, "projet-changed", created)
    baserow.client.update_row(baserow.table("projet"), row, {"statut": "livre"})
    run(baserow, "projet-status-changed", baserow.last_event())
    baserow.client.update_row(baserow.table("projet"), row, {"charge_estimee_h": 41})
    run(baserow, "projet-status-changed", baserow.last_event())

    billing = [m for m in mailoutbox if "facturer" in m.subject]
    assert len(billing) == 1
    assert billing[0].to == ["admin@example.org"]


# -- loops, failures, recovery --------------------------------------------------------------------


def test_100_identical_events_in_a_minute_sync_once_and_hold_nothing(baserow, docmost_fake, run):
    """Identical states are not a loop (only echoes are): skipped, and the circuit stays shut."""
    row, _created = new_projet(baserow, "Boucle")
    template = baserow.delivery(baserow.events[-1])

    for _ in range(100):
        run(baserow, "projet-changed", {**template, "event_id": str(uuid.uuid4())})

    events = WebhookEvent.objects.all()
    assert events.filter(status=WebhookEvent.Status.DONE).count() == 1
    assert events.filter(status=WebhookEvent.Status.SKIPPED).count() == 99
    assert events.filter(outcome__contains="identical sync").count() == 99
    assert not Alert.objects.filter(kind=Alert.Kind.LOOP_SUSPECTED, entity_id=row).exists()
    assert len(pages_titled(docmost_fake, "Projet Boucle - Boulangerie Martin")) == 1


def test_docmost_down_for_five_minutes_then_everything_is_processed(baserow, docmost_fake, run):
    docmost_fake.fail_next(503, times=10_000)
    events = [new_projet(baserow, f"Panne {n}")[1] for n in range(3)]
    for event in events:
        run(baserow, "projet-changed", event)
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"pending"}
    assert all(e.last_error for e in WebhookEvent.objects.all())

    docmost_back(docmost_fake)
    with freeze_time(timezone.now() + timedelta(minutes=5)):
        relayed = tasks.relay_pending_events()

    assert relayed == 3
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"done"}
    for n in range(3):
        assert len(pages_titled(docmost_fake, f"Projet Panne {n} - Boulangerie Martin")) == 1


def test_broker_down_at_commit_the_relay_delivers_later(baserow, docmost_fake, run, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.process_webhook_event, "delay", broker_down)
    _row, event = new_projet(baserow, "Sans broker")
    response = run(baserow, "projet-changed", event)
    assert response.status_code == 200  # acknowledged: the row is committed
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PENDING
    monkeypatch.undo()

    assert tasks.relay_pending_events() == 0  # too fresh: the enqueue may still be under way
    with freeze_time(timezone.now() + timedelta(seconds=61)):
        assert tasks.relay_pending_events() == 1
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE
    assert len(pages_titled(docmost_fake, "Projet Sans broker - Boulangerie Martin")) == 1


def test_task_killed_after_the_docmost_write_makes_no_duplicate_on_redelivery(
    baserow, docmost_fake, run, monkeypatch, settings
):
    row, event = new_projet(baserow, "Crash")
    from integrations.docmost.connection import docmost

    client = docmost().client
    original = client.create_page

    def create_then_die(**kwargs):
        original(**kwargs)
        raise SystemExit(
            "worker killed"
        )  # after Docmost created the page, before the link is saved

    monkeypatch.setattr(client, "create_page", create_then_die)
    with pytest.raises(SystemExit):
        run(baserow, "projet-changed", event)
    monkeypatch.setattr(client, "create_page", original)

    # acks_late: the broker redelivers the message at once; the dead worker's lease is still
    # live, so that copy stands back, and the relay takes the event when the (short) lease
    # expires, nobody renewing it.
    assert tasks.process_webhook_event(WebhookEvent.objects.get().pk) == "not pending"
    with freeze_time(timezone.now() + timedelta(seconds=settings.SYNC_LEASE_SECONDS + 1)):
        assert tasks.relay_pending_events() == 1

    assert len(pages_titled(docmost_fake, "Projet Crash - Boulangerie Martin")) == 1
    assert EntityLink.objects.get(entity="projet", row_id=row).docmost_page_id


def test_poison_event_is_dead_lettered_after_n_attempts(baserow, run, monkeypatch, settings):
    settings.SYNC_MAX_ATTEMPTS = 3

    def poison(row_id, created=False):
        raise ValueError("this payload breaks the handler")

    monkeypatch.setitem(handlers.HANDLERS, "projet", poison)
    _row, event = new_projet(baserow, "Poison")
    run(baserow, "projet-changed", event)
    for minutes in (30, 60):
        with freeze_time(timezone.now() + timedelta(minutes=minutes)):
            tasks.relay_pending_events()

    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookEvent.Status.FAILED
    assert stored.attempts == 3
    assert "this payload breaks" in stored.last_error
    assert Alert.objects.filter(kind=Alert.Kind.SYNC_FAILED, entity_id=stored.pk).exists()
    with freeze_time(timezone.now() + timedelta(hours=2)):
        assert tasks.relay_pending_events() == 0  # dead letters stay put


def test_docmost_200_without_applying_content_is_retried_then_failed(
    baserow, docmost_fake, run, settings
):
    settings.SYNC_MAX_ATTEMPTS = 2
    row, created = new_projet(baserow, "Muet")
    run(baserow, "projet-changed", created)
    docmost_fake.ignore_content_updates = True
    baserow.client.update_row(baserow.table("projet"), row, {"charge_estimee_h": 99})

    run(baserow, "projet-changed", baserow.last_event())
    with freeze_time(timezone.now() + timedelta(minutes=30)):
        tasks.relay_pending_events()

    latest = WebhookEvent.objects.order_by("-received_at").first()
    assert latest.status == WebhookEvent.Status.FAILED
    assert "Verification" in latest.last_error


def test_replay_from_the_admin_processes_a_dead_letter_once(
    baserow, docmost_fake, run, settings, admin_client, django_capture_on_commit_callbacks
):
    settings.SYNC_MAX_ATTEMPTS = 1
    docmost_fake.fail_next(503, times=10_000)
    _row, event = new_projet(baserow, "Rejoué")
    run(baserow, "projet-changed", event)
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookEvent.Status.FAILED
    docmost_back(docmost_fake)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/sync/webhookevent/", {"action": "replay", "_selected_action": [stored.pk]}
        )
        admin_client.post(
            "/admin/sync/webhookevent/", {"action": "replay", "_selected_action": [stored.pk]}
        )

    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.DONE
    assert len(pages_titled(docmost_fake, "Projet Rejoué - Boulangerie Martin")) == 1


def test_replay_through_the_api(
    baserow, docmost_fake, run, settings, client_for, django_capture_on_commit_callbacks
):
    settings.SYNC_MAX_ATTEMPTS = 1
    docmost_fake.fail_next(503, times=10_000)
    _row, event = new_projet(baserow, "API")
    run(baserow, "projet-changed", event)
    docmost_back(docmost_fake)
    stored = WebhookEvent.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("admin:sync").post(f"/api/v1/sync/events/{stored.pk}/replay")

    assert response.status_code == 200
    stored.refresh_from_db()
    assert stored.status == WebhookEvent.Status.DONE
    assert client_for("read:*").post(f"/api/v1/sync/events/{stored.pk}/replay").status_code == 403
    status = client_for("admin:sync").get("/api/v1/sync/status").json()["data"]
    assert status["counts"]["done"] == 1


# -- other entities -------------------------------------------------------------------------------


def test_new_formation_gets_a_space_with_a_page_per_bloc(baserow, docmost_fake, run):
    formation = baserow.client.create_row(
        baserow.table("formation"), {"nom": "Data Analyst", "statut": "brouillon"}
    )["id"]
    created = baserow.last_event()
    baserow.client.batch_create(
        baserow.table("bloc"),
        [
            {"nom": "SQL", "formation": [formation], "ordre": 1},
            {"nom": "Python", "formation": [formation], "ordre": 2},
        ],
    )

    run(baserow, "formation-changed", created)

    link = EntityLink.objects.get(entity="formation", row_id=formation)
    space = docmost_fake.spaces[link.docmost_space_id]
    assert space["name"] == "[CFA] Data Analyst"
    titles = sorted(p["title"] for p in docmost_fake.pages.values() if p["spaceId"] == space["id"])
    assert titles == ["Python", "SQL"]
    assert (
        baserow.client.get_row(baserow.table("formation"), formation)["docmost_space_id"]
        == space["id"]
    )


def test_attribution_created_in_baserow_notifies_the_formateur(baserow, run, mailoutbox):
    baserow.client.create_row(
        baserow.table("attribution"),
        {"nom": "x", "module": [1], "personne": [1], "heures_attribuees": 2, "statut": "prevu"},
    )
    run(baserow, "attribution-changed", baserow.last_event())
    assert [m.to for m in mailoutbox] == [["pierre.dupont@acadenice.fr"]]


def test_module_realised_in_baserow_closes_the_formation(baserow, run):
    formation = baserow.client.create_row(
        baserow.table("formation"), {"nom": "Courte", "statut": "en_cours"}
    )["id"]
    bloc = baserow.client.create_row(baserow.table("bloc"), {"nom": "B", "formation": [formation]})[
        "id"
    ]
    module = baserow.client.create_row(
        baserow.table("module"), {"nom": "M", "bloc": [bloc], "heures": 7, "statut": "en_cours"}
    )["id"]
    baserow.client.update_row(baserow.table("module"), module, {"statut": "realise"})

    run(baserow, "module-status-changed", baserow.last_event())

    assert (
        baserow.client.get_row(baserow.table("formation"), formation)["statut"]["value"]
        == "cloturee"
    )


def test_intervention_over_agency_capacity_alerts(baserow, run):
    personne = baserow.client.create_row(
        baserow.table("personne"),
        {"nom_prenom": "Dev", "roles": ["developpeur"], "statut": "actif", "capacite_agence_h": 2},
    )["id"]
    baserow.client.create_row(
        baserow.table("intervention"),
        {
            "nom": "i",
            "tache": [1],
            "personne": [personne],
            "heures": 5,
            "statut": "valide",
            "date": "2026-11-01",
        },
    )
    run(baserow, "intervention-changed", baserow.last_event())
    assert Alert.objects.filter(kind=Alert.Kind.AGENCY_OVERCAPACITY, entity_id=personne).exists()


def test_admin_overview_page(admin_client, baserow, run):
    _row, event = new_projet(baserow)
    run(baserow, "projet-changed", event)
    page = admin_client.get("/admin/sync/webhookevent/overview/")
    assert page.status_code == 200
    assert b"Inbox by status" in page.content


def test_a_batched_payload_syncs_every_row(baserow, docmost_fake, run):
    rows = baserow.client.batch_create(
        baserow.table("projet"), [{"nom": f"Lot {n}", "client": [2]} for n in range(3)]
    )
    run(baserow, "projet-changed", baserow.last_event())  # one event, three items

    assert len(rows) == 3
    for n in range(3):
        assert len(pages_titled(docmost_fake, f"Projet Lot {n} - Mairie de Nice")) == 1


def _signed(body: bytes, secret_bytes: bytes, timestamp: int, message_id: str = "msg_1") -> str:
    import base64
    import hashlib
    import hmac

    signed = f"{message_id}.{timestamp}.".encode() + body
    return (
        "v1," + base64.b64encode(hmac.new(secret_bytes, signed, hashlib.sha256).digest()).decode()
    )


@pytest.mark.parametrize(
    ("age_seconds", "tamper", "status"),
    [(0, False, 200), (299, False, 200), (301, False, 401), (0, True, 401)],
)
def test_standard_webhooks_signatures(baserow, settings, age_seconds, tamper, status):
    import base64
    import json
    import time

    key = b"relay-signing-key-0123456789abcdef"
    settings.STANDARD_WEBHOOK_SECRETS = ["whsec_" + base64.b64encode(key).decode()]
    _row, event = new_projet(baserow)
    body = json.dumps(event).encode()
    timestamp = int(time.time()) - age_seconds
    signature = _signed(body, key, timestamp)
    sent = body.replace(b"Site vitrine", b"Site pirate") if tamper else body

    response = baserow.api.generic(
        "POST",
        "/api/webhooks/baserow/projet-changed/",
        sent,
        content_type="application/json",
        HTTP_WEBHOOK_ID="msg_1",
        HTTP_WEBHOOK_TIMESTAMP=str(timestamp),
        HTTP_WEBHOOK_SIGNATURE=signature,
    )

    assert response.status_code == status


# -- regressions found in review ---------------------------------------------------------------


def test_a_claimed_event_is_not_taken_twice_until_its_lease_expires(
    baserow, run, monkeypatch, settings
):
    monkeypatch.setattr(tasks.process_webhook_event, "delay", lambda *a, **k: None)
    _row, event = new_projet(baserow, "Bail")
    run(baserow, "projet-changed", event)
    stored = WebhookEvent.objects.get()

    assert inbox.event_claim(stored.pk) is not None
    assert inbox.event_claim(stored.pk) is None  # another worker holds it
    with freeze_time(timezone.now() + timedelta(seconds=settings.SYNC_LEASE_SECONDS + 1)):
        assert inbox.event_claim(stored.pk) is not None  # that worker vanished


def test_a_then_b_then_a_within_five_minutes_ends_at_a(baserow, docmost_fake, run):
    row, created = new_projet(baserow, "A")
    run(baserow, "projet-changed", created)
    for name in ("B", "A"):
        baserow.client.update_row(baserow.table("projet"), row, {"nom": name})
        run(baserow, "projet-changed", baserow.last_event())

    link = EntityLink.objects.get(entity="projet", row_id=row)
    assert docmost_fake.pages[link.docmost_page_id]["title"] == "Projet A - Boulangerie Martin"


def test_a_page_adopted_after_a_failed_read_back_gets_its_content(
    baserow, docmost_fake, run, monkeypatch
):
    from integrations.docmost.client import DocmostClient, DocmostVerificationError

    real = DocmostClient._verify
    calls = {"n": 0}

    def fail_first(self, page_id, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            docmost_fake._contents.pop(page_id, None)  # Docmost kept the page, not its content
            raise DocmostVerificationError("content lacks the text", page_id=page_id)
        return real(self, page_id, **kwargs)

    monkeypatch.setattr(DocmostClient, "_verify", fail_first)
    _row, event = new_projet(baserow, "Vide")
    run(baserow, "projet-changed", event)
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PENDING
    with freeze_time(timezone.now() + timedelta(minutes=5)):
        tasks.relay_pending_events()

    (page,) = pages_titled(docmost_fake, "Projet Vide - Boulangerie Martin")
    assert "Charge estimée" in docmost_fake.content(page["id"])
    done = WebhookEvent.objects.get()
    assert done.status == WebhookEvent.Status.DONE
    assert "page adopted" in done.outcome  # not "created": the dead attempt created it


def test_the_billing_notice_survives_a_failed_write_back(
    baserow, run, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from integrations.baserow.client import BaserowUnavailable

    real = pages.docmost_ids_write_back
    failures = {"left": 1}

    def refuse_once(**kwargs):
        if failures["left"]:
            failures["left"] -= 1
            raise BaserowUnavailable("Baserow answered 503 to rows.update.")
        return real(**kwargs)

    monkeypatch.setattr(pages, "docmost_ids_write_back", refuse_once)
    row = baserow.client.create_row(
        baserow.table("projet"), {"nom": "Déjà livré", "client": [1], "statut": "livre"}
    )["id"]

    run(baserow, "projet-changed", baserow.last_event())
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PENDING
    with (
        freeze_time(timezone.now() + timedelta(minutes=5)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.relay_pending_events()

    assert len([m for m in mailoutbox if "facturer" in m.subject]) == 1
    assert baserow.client.get_row(baserow.table("projet"), row)["docmost_page_id"]


def test_linked_table_update_without_old_items_is_synced_from_current_state(
    baserow, docmost_fake, run
):
    """Baserow's linked-table `rows.updated`: items only, no old_items, possibly partial."""
    row, created = new_projet(baserow, "Lié")
    run(baserow, "projet-changed", created)
    baserow.client.update_row(baserow.table("projet"), row, {"nom": "Lié renommé"})
    client_link = [{"id": 1, "value": "Boulangerie Martin", "order": "1.0"}]
    item = {"id": row, "order": "1.00000000000000000000", "client": client_link}
    linked = baserow.delivery(
        {
            "table_id": baserow.table("projet"),
            "event_type": "rows.updated",
            "total_count": 1,
            "items": [item],
        }
    )

    run(baserow, "projet-changed", linked)

    link = EntityLink.objects.get(entity="projet", row_id=row)
    assert (
        docmost_fake.pages[link.docmost_page_id]["title"]
        == "Projet Lié renommé - Boulangerie Martin"
    )
