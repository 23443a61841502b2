"""Force sync, full sync (streamed, batched, resumable), reconciliation, the sync command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hub.models import Alert
from integrations.docmost.client import DocmostUnavailable
from sync import orchestration, pages
from sync.models import EntityLink, SyncRun
from tests.sync.test_webhooks import pages_titled

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_projets(baserow):
    """1,200 projets (six Baserow pages of 200) on top of the demo's eight."""
    rows = baserow.client.batch_create(
        baserow.table("projet"),
        [{"nom": f"Masse {n}", "client": [1 + n % 5], "statut": "en_cours"} for n in range(1200)],
    )
    baserow.fake.calls.clear()
    return [row["id"] for row in rows]


@pytest.fixture
def thousands_of_projets(baserow):
    """2,400 projets (twelve Baserow pages) on top of the demo's eight."""
    rows = baserow.client.batch_create(
        baserow.table("projet"),
        [{"nom": f"Masse {n}", "client": [1 + n % 5], "statut": "en_cours"} for n in range(2400)],
    )
    baserow.fake.calls.clear()
    return [row["id"] for row in rows]


def projet_pages(docmost_fake):
    return [p for p in docmost_fake.pages.values() if (p["title"] or "").startswith("Projet ")]


def full_run():
    run = SyncRun.objects.create(kind=SyncRun.Kind.FULL_SYNC, entities=["formation", "projet"])
    return orchestration.sync_run_execute(run_id=run.pk)


def test_force_sync_one_projet(client_for, baserow, docmost_fake):
    response = client_for("admin:sync").post("/api/v1/sync/projet/1")

    assert response.status_code == 200
    assert "page created" in response.json()["data"]["outcome"]
    assert len(pages_titled(docmost_fake, "Projet Site vitrine - Boulangerie Martin")) == 1
    assert client_for("admin:sync").post("/api/v1/sync/projet/99999").status_code == 404
    assert client_for("read:*").post("/api/v1/sync/projet/1").status_code == 403


def test_force_sync_one_formation(client_for, baserow, docmost_fake):
    response = client_for("admin:sync").post("/api/v1/sync/formation/1")
    assert "space created" in response.json()["data"]["outcome"]
    assert EntityLink.objects.filter(entity="bloc").count() == 3  # its three blocs


def test_full_sync_gives_every_projet_exactly_one_page_with_batch_writes(
    baserow, docmost_fake, thousands_of_projets
):
    run = full_run()

    assert run.status == SyncRun.Status.DONE
    assert run.processed == 2408 + 3  # projets + formations
    pages = projet_pages(docmost_fake)
    assert len(pages) == 2408
    assert len({p["title"] for p in pages}) == 2408
    calls = baserow.fake.calls
    single_row_writes = [c for c in calls if c.method == "PATCH" and not c.path.endswith("/batch/")]
    batch_writes = [c for c in calls if c.path.endswith("/batch/") and c.method == "PATCH"]
    projet_table = f"/api/database/rows/table/{baserow.table('projet')}/"
    assert not [c for c in single_row_writes if c.path.startswith(projet_table)]
    assert len([c for c in batch_writes if c.path.startswith(projet_table)]) == 13  # ⌈2408/200⌉
    assert all(c.params.get("send_webhook_events") == "false" for c in batch_writes)
    listed = [
        c
        for c in calls
        if c.method == "GET" and c.path == projet_table and "filters" not in c.params
    ]
    assert [c.params["size"] for c in listed] == ["200"] * 13  # streamed page by page
    stored = baserow.client.get_row(baserow.table("projet"), thousands_of_projets[-1])
    assert (
        stored["docmost_page_id"]
        == EntityLink.objects.get(entity="projet", row_id=thousands_of_projets[-1]).docmost_page_id
    )

    again = full_run()  # nothing changed: nothing created, nothing written
    assert again.created == again.updated == 0
    assert len(projet_pages(docmost_fake)) == 2408


class WorkerKilled(BaseException):
    """The process dies: nothing catches it, the run row keeps its last saved cursor."""


def test_a_crashed_full_sync_resumes_without_duplicates(
    baserow, docmost_fake, many_projets, monkeypatch
):
    real = pages.projet_page_ensure
    done = {"n": 0}

    def die_after_500(projet, taches):
        done["n"] += 1
        if done["n"] > 500:
            raise WorkerKilled
        return real(projet, taches)

    monkeypatch.setattr(pages, "projet_page_ensure", die_after_500)
    with pytest.raises(WorkerKilled):
        full_run()
    monkeypatch.setattr(pages, "projet_page_ensure", real)
    crashed = SyncRun.objects.get()
    assert crashed.status == SyncRun.Status.RUNNING
    assert crashed.cursor == {"entity": "projet", "page": 3}  # pages 1-2 were saved

    resumed = orchestration.sync_run_execute(run_id=crashed.pk)

    assert resumed.status == SyncRun.Status.DONE
    titles = [p["title"] for p in projet_pages(docmost_fake)]
    assert len(titles) == 1208
    assert len(set(titles)) == 1208  # the pages made before the crash were not made again
    assert EntityLink.objects.filter(entity="projet").exclude(docmost_page_id="").count() == 1208


def test_docmost_errors_on_some_rows_are_counted_and_healed_next_time(
    baserow, docmost_fake, monkeypatch
):
    real = pages.projet_page_ensure

    def flaky(projet, taches):
        if projet.id % 2:
            raise DocmostUnavailable("Docmost answered 503")
        return real(projet, taches)

    monkeypatch.setattr(pages, "projet_page_ensure", flaky)
    run = full_run()
    assert run.status == SyncRun.Status.DONE
    assert run.errors == 4
    assert "503" in run.last_error
    monkeypatch.setattr(pages, "projet_page_ensure", real)

    assert full_run().created == 4
    assert len(projet_pages(docmost_fake)) == 8


def test_reconciliation_heals_a_gap_flags_deleted_rows_and_detects_dead_webhooks(
    baserow, docmost_fake
):
    projet_table = baserow.table("projet")
    baserow.fake.webhooks[projet_table] = [
        {"id": 77, "name": "projets → bridge", "active": False, "failed_triggers": 8}
    ]
    full_run()
    gap = baserow.client.create_row(projet_table, {"nom": "Pendant la panne", "client": [3]})["id"]
    baserow.client.delete_row(projet_table, 2)

    run = SyncRun.objects.create(kind=SyncRun.Kind.RECONCILIATION, entities=["formation", "projet"])
    run = orchestration.sync_run_execute(run_id=run.pk)

    assert run.status == SyncRun.Status.DONE
    assert EntityLink.objects.get(entity="projet", row_id=gap).docmost_page_id
    assert len(pages_titled(docmost_fake, "Projet Pendant la panne - Azur Immobilier")) == 1
    assert EntityLink.objects.get(entity="projet", row_id=2).source_deleted_at is not None
    assert run.flagged == 1
    alert = Alert.objects.get(kind=Alert.Kind.WEBHOOK_DEACTIVATED)
    assert "projets → bridge" in alert.message


def test_full_sync_and_status_through_the_api(
    client_for, baserow, docmost_fake, django_capture_on_commit_callbacks
):
    admin = client_for("admin:sync")
    with django_capture_on_commit_callbacks(execute=True):
        started = admin.post("/api/v1/sync/all")

    assert started.status_code == 202
    status = admin.get("/api/v1/sync/status").json()["data"]
    assert status["last_runs"][0]["status"] == "done"
    assert status["last_runs"][0]["processed"] == 11
    assert status["queue_depth"] is None  # no broker in tests: tasks run inline
    assert set(status["counts"]) >= {"pending", "failed", "done"}


def test_a_second_run_is_refused_while_one_runs(client_for):
    SyncRun.objects.create(kind=SyncRun.Kind.FULL_SYNC, entities=["projet"])
    response = client_for("admin:sync").post("/api/v1/sync/all")
    assert response.status_code == 409
    assert response.json()["error"]["details"]["run_id"]


def test_sync_command_full_and_resume(baserow, docmost_fake):
    out, err = StringIO(), StringIO()
    call_command("sync", "full", stdout=out, stderr=err)

    assert "done; 11 rows" in out.getvalue()
    run = SyncRun.objects.get()
    with pytest.raises(CommandError, match="No unfinished"):
        call_command("sync", "full", "--resume", str(run.pk), stdout=out, stderr=err)


# -- the Clôturer projet button -------------------------------------------------------------------


def test_cloturer_projet_with_a_narrow_token(client_for, baserow, docmost_fake):
    button = client_for("action:projets")
    pages.sync_projet(1)  # the page exists

    response = button.post("/api/v1/projets/1/cloturer", {}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["statut"] == "cloture"
    assert baserow.client.get_row(baserow.table("projet"), 1)["statut"]["value"] == "cloture"
    link = EntityLink.objects.get(entity="projet", row_id=1)
    assert "cloture" in docmost_fake.content(link.docmost_page_id)

    writes_before = len([c for c in baserow.fake.calls if c.method == "PATCH"])
    again = button.post("/api/v1/projets/1/cloturer", {}, format="json")
    assert again.status_code == 200
    assert again.json()["meta"]["effects"][0] == "already closed"
    assert "page already current" in again.json()["meta"]["effects"][1]
    assert len([c for c in baserow.fake.calls if c.method == "PATCH"]) == writes_before


def test_cloturer_projet_needs_its_scope_and_a_valid_statut(client_for, baserow):
    assert (
        client_for("read:*").post("/api/v1/projets/1/cloturer", {}, format="json").status_code
        == 403
    )
    assert (
        client_for("write:attributions")
        .post("/api/v1/projets/1/cloturer", {}, format="json")
        .status_code
        == 403
    )
    row = baserow.client.create_row(baserow.table("projet"), {"nom": "Sans statut"})["id"]
    response = client_for("action:projets").post(
        f"/api/v1/projets/{row}/cloturer", {}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["details"]["rule"] == "RG-04"
