"""Retention: what `sync.prune` deletes, what it keeps, and the rotation grace cap."""

import itertools
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from hub.models import Alert, EchoLedgerEntry, IdempotencyRecord
from sync import tasks
from sync.models import WebhookEvent
from sync.retention import delete_in_batches, retention_prune
from tokens.models import TokenSecret
from tokens.services import TokenValidationError, token_create, token_rotate

pytestmark = [pytest.mark.django_db]

DAY = timedelta(days=1)
_ids = itertools.count()


def aged(model, age, field, **fields):
    """A row whose timestamp is `age` in the past (auto_now_add fields are set afterwards)."""
    row = model.objects.create(**fields)
    model.objects.filter(pk=row.pk).update(**{field: timezone.now() - age})
    return row


def event(status, age, **fields):
    defaults = {"kind": "projet-changed", "event_id": f"event-{next(_ids)}", "payload": {}}
    return aged(WebhookEvent, age, "received_at", status=status, **{**defaults, **fields})


def alert_for(evt, *, acknowledged_ago=None):
    alert = Alert.objects.create(
        kind=Alert.Kind.SYNC_FAILED, message="m", entity="webhook_event", entity_id=evt.pk
    )
    if acknowledged_ago is not None:
        Alert.objects.filter(pk=alert.pk).update(acknowledged_at=timezone.now() - acknowledged_ago)
    return alert


def exists(row):
    return type(row).objects.filter(pk=row.pk).exists()


def test_processed_events_older_than_the_retention_are_pruned(settings):
    settings.RETENTION_DONE_EVENTS_DAYS = 30
    old_done = event(WebhookEvent.Status.DONE, 31 * DAY)
    old_skipped = event(WebhookEvent.Status.SKIPPED, 31 * DAY)
    recent_done = event(WebhookEvent.Status.DONE, 29 * DAY)
    old_pending = event(WebhookEvent.Status.PENDING, 60 * DAY)
    old_processing = event(WebhookEvent.Status.PROCESSING, 60 * DAY)

    result = retention_prune()

    assert result.processed_events == 2
    assert not exists(old_done)
    assert not exists(old_skipped)
    assert all(exists(e) for e in (recent_done, old_pending, old_processing))


def test_dead_letters_and_quarantined_events_are_kept_until_acknowledged(settings):
    settings.RETENTION_DONE_EVENTS_DAYS = 30
    unacknowledged = event(WebhookEvent.Status.FAILED, 400 * DAY)
    alert_for(unacknowledged)
    quarantined = event(WebhookEvent.Status.QUARANTINED, 400 * DAY)
    alert_for(quarantined)
    without_alert = event(WebhookEvent.Status.FAILED, 400 * DAY)
    just_acknowledged = event(WebhookEvent.Status.FAILED, 400 * DAY)
    alert_for(just_acknowledged, acknowledged_ago=DAY)
    acknowledged = event(WebhookEvent.Status.FAILED, 400 * DAY)
    acknowledged_alert = alert_for(acknowledged, acknowledged_ago=31 * DAY)
    half_acknowledged = event(WebhookEvent.Status.QUARANTINED, 400 * DAY)
    alert_for(half_acknowledged, acknowledged_ago=31 * DAY)
    alert_for(half_acknowledged)

    result = retention_prune()

    assert result.dead_letters == 1
    assert not exists(acknowledged)
    kept = (unacknowledged, quarantined, without_alert, just_acknowledged, half_acknowledged)
    assert all(exists(e) for e in kept)
    assert exists(acknowledged_alert)  # 31 days: younger than the alerts' retention


def test_acknowledged_alerts_are_pruned_after_their_age_unless_their_event_remains(settings):
    settings.RETENTION_RESOLVED_ALERTS_DAYS = 90
    old_ack = aged(Alert, 0 * DAY, "created_at", kind=Alert.Kind.OTHER, message="resolved")
    Alert.objects.filter(pk=old_ack.pk).update(acknowledged_at=timezone.now() - 91 * DAY)
    recent_ack = Alert.objects.create(
        kind=Alert.Kind.OTHER, message="m", acknowledged_at=timezone.now() - 89 * DAY
    )
    open_alert = aged(Alert, 400 * DAY, "created_at", kind=Alert.Kind.OTHER, message="open")
    dead = event(WebhookEvent.Status.FAILED, 400 * DAY)
    about_a_kept_event = alert_for(dead, acknowledged_ago=91 * DAY)
    settings.RETENTION_DONE_EVENTS_DAYS = 1000  # the dead letter itself stays

    result = retention_prune()

    assert result.alerts == 1
    assert not exists(old_ack)
    assert all(exists(a) for a in (recent_ack, open_alert, about_a_kept_event))


def test_echo_ledger_and_idempotency_records_are_pruned_after_their_age(settings):
    settings.RETENTION_ECHO_LEDGER_DAYS = 7
    settings.RETENTION_IDEMPOTENCY_HOURS = 24
    ledger = {"entity": "projet", "row_id": 1, "fields": ["nom"], "digest": "d"}
    old_echo = aged(EchoLedgerEntry, 8 * DAY, "created_at", **ledger)
    recent_echo = aged(EchoLedgerEntry, 6 * DAY, "created_at", **ledger)
    key = {"token_key_id": "k", "request_hash": "h"}
    old_key = aged(IdempotencyRecord, timedelta(hours=25), "created_at", key="a", **key)
    live_key = aged(IdempotencyRecord, timedelta(hours=23), "created_at", key="b", **key)

    result = retention_prune()

    assert (result.echo_ledger, result.idempotency_records) == (1, 1)
    assert not exists(old_echo)
    assert not exists(old_key)
    assert exists(recent_echo)
    assert exists(live_key)


def test_deletes_run_in_bounded_batches():
    for _ in range(7):
        event(WebhookEvent.Status.DONE, 40 * DAY)
    deletes = []

    def spy(execute, sql, params, many, context):
        if sql.startswith("DELETE"):
            deletes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        deleted = delete_in_batches(
            queryset=WebhookEvent.objects.filter(status=WebhookEvent.Status.DONE), batch_size=3
        )

    assert deleted == 7
    assert len(deletes) == 3  # 3 + 3 + 1 rows
    assert not WebhookEvent.objects.exists()


def test_dry_run_counts_and_deletes_nothing():
    old = event(WebhookEvent.Status.DONE, 400 * DAY)

    result = retention_prune(dry_run=True)

    assert result.processed_events == 1
    assert exists(old)


def test_the_beat_task_and_the_command_prune(settings):
    assert settings.CELERY_BEAT_SCHEDULE["prune"] == {"task": "sync.prune", "schedule": 86400}
    first = event(WebhookEvent.Status.DONE, 400 * DAY)

    assert tasks.prune.apply().result["processed_events"] == 1
    assert not exists(first)

    second = event(WebhookEvent.Status.DONE, 400 * DAY)
    out = StringIO()
    call_command("prune", stdout=out)
    assert "processed events: deleted 1" in out.getvalue()
    assert not exists(second)


# -- rotation grace cap ---------------------------------------------------------------------------


@pytest.mark.parametrize("grace", [7 * 86400 + 1, 30 * 86400])
def test_a_rotation_grace_beyond_the_cap_is_refused_not_clamped(settings, grace):
    settings.TOKEN_ROTATION_GRACE_MAX_SECONDS = 7 * 86400
    issued = token_create(name="svc", scopes=["read:*"])

    with pytest.raises(TokenValidationError, match="cannot exceed 604800 seconds"):
        token_rotate(token=issued.token, grace_seconds=grace)

    secret = TokenSecret.objects.get(token=issued.token)
    assert secret.valid_until is None  # nothing changed


def test_a_rotation_grace_at_the_cap_is_accepted(settings):
    settings.TOKEN_ROTATION_GRACE_MAX_SECONDS = 7 * 86400
    issued = token_create(name="svc", scopes=["read:*"])

    token_rotate(token=issued.token, grace_seconds=7 * 86400)

    old = TokenSecret.objects.filter(token=issued.token, valid_until__isnull=False).get()
    assert old.valid_until is not None
    assert old.valid_until - timezone.now() > timedelta(days=6, hours=23)


def test_the_command_refuses_a_grace_beyond_the_cap():
    issued = token_create(name="svc", scopes=["read:*"])

    with pytest.raises(CommandError, match="TOKEN_ROTATION_GRACE_MAX_SECONDS"):
        call_command("tokens", "rotate", issued.token.key_id, "--grace", str(8 * 86400))

    assert TokenSecret.objects.filter(token=issued.token).count() == 1


def test_the_admin_refuses_a_grace_beyond_the_cap(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    issued = token_create(name="svc", scopes=["read:*"])
    data = {"action": "rotate_tokens", "_selected_action": [issued.token.pk], "apply": "1"}

    response = client.post("/admin/tokens/token/", {**data, "grace_seconds": str(8 * 86400)})

    assert response.status_code == 200
    assert "cannot exceed 604800 seconds" in response.content.decode()
    assert not re.search(r"brg_[0-9A-Za-z]{12}_", response.content.decode())
    assert TokenSecret.objects.filter(token=issued.token).count() == 1
