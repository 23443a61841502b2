"""The Docmost ids a full sync writes back are audited in the name of whoever asked for the run."""

from io import StringIO

import pytest
from django.core.management import call_command

from hub.models import AuditEntry, EchoLedgerEntry
from sync.models import EntityLink, SyncRun

pytestmark = pytest.mark.django_db

SYNCED = ("projet", "formation", "bloc")


def audited_rows():
    entries = AuditEntry.objects.filter(action__endswith=".docmost_ids")
    return {
        entity: sorted(entries.filter(entity=entity).values_list("entity_id", flat=True))
        for entity in SYNCED
    }


def linked_rows():
    """The rows that got a page or space: a first sync wrote each one's id back once."""
    links = EntityLink.objects.filter(entity__in=SYNCED)
    return {
        entity: sorted(links.filter(entity=entity).values_list("row_id", flat=True))
        for entity in SYNCED
    }


def test_a_full_sync_through_the_api_audits_each_written_row_with_the_token_and_request(
    client_for, baserow, docmost_fake, django_capture_on_commit_callbacks
):
    admin = client_for("admin:sync", name="ops-console")
    with django_capture_on_commit_callbacks(execute=True):
        started = admin.post("/api/v1/sync/all")

    assert started.status_code == 202
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.DONE
    assert run.requested_by_token_key_id == admin.token.key_id
    assert run.requested_by_token_name == "ops-console"
    assert run.request_id == started["X-Request-ID"]
    assert audited_rows() == linked_rows()  # one entry per written row
    assert len(audited_rows()["projet"]) == 8
    entries = AuditEntry.objects.filter(action__endswith=".docmost_ids")
    assert set(entries.values_list("token_key_id", "token_name", "request_id")) == {
        (admin.token.key_id, "ops-console", started["X-Request-ID"])
    }
    projet = entries.filter(entity="projet").first()
    assert projet.after["docmost_page_id"]  # the row as Baserow now has it
    # Still recognised as the bridge's own writes when Baserow reports them back.
    assert EchoLedgerEntry.objects.filter(entity="projet").count() == 8


def test_a_full_sync_by_the_command_is_audited_as_the_command(baserow, docmost_fake):
    call_command("sync", "full", stdout=StringIO(), stderr=StringIO())

    entries = AuditEntry.objects.filter(action__endswith=".docmost_ids")
    assert audited_rows() == linked_rows()
    run = SyncRun.objects.get()
    assert len(run.request_id) == 32  # the command's own request id
    assert set(entries.values_list("token_key_id", "token_name", "request_id")) == {
        ("", "command: manage.py sync", run.request_id)
    }


def test_the_scheduled_reconciliation_is_audited_as_the_schedule(
    baserow, docmost_fake, django_capture_on_commit_callbacks
):
    from sync.tasks import reconcile

    with django_capture_on_commit_callbacks(execute=True):
        reconcile()

    run = SyncRun.objects.get()
    assert run.requested_by_token_name == "sync (scheduled reconciliation)"
    names = set(
        AuditEntry.objects.filter(action__endswith=".docmost_ids").values_list(
            "token_name", flat=True
        )
    )
    assert names == {"sync (scheduled reconciliation)"}


def test_a_forced_sync_is_audited_with_the_token(client_for, baserow, docmost_fake):
    admin = client_for("admin:sync")
    response = admin.post("/api/v1/sync/projet/1")

    entry = AuditEntry.objects.get(entity="projet", entity_id=1, action="projet.docmost_ids")
    assert (entry.token_key_id, entry.request_id) == (admin.token.key_id, response["X-Request-ID"])
