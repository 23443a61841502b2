"""Docmost → Baserow by polling `/api/pages/recent`: comptes rendus become `compte_rendu` rows."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from hub.models import AuditEntry, EchoLedgerEntry
from integrations.docmost.client import DocmostClient, DocmostUnavailable
from integrations.docmost.connection import docmost
from sync import tasks
from sync.models import DocmostPollState, EntityLink
from sync.polling import PollResult, page_hash, poll_docmost
from sync.tasks import poll_docmost_task

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def parent(docmost_fake, baserow, settings):
    """The dedicated « Comptes rendus » page, written by a person, configured as the parent.

    Created in the past, with the fake's strictly increasing clock wound back to then, so that
    pages created under freeze_time keep the frozen time as createdAt/updatedAt."""
    docmost_fake._last_now = datetime(2026, 11, 1, tzinfo=UTC)
    with freeze_time("2026-11-01 08:00:00"):
        space = docmost_fake.general["id"]
        page = docmost_fake.add_page(space, "Comptes rendus", by_other_user=True)
    settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID = page["id"]
    settings.DOCMOST_POLL_OVERLAP_SECONDS = 300
    settings.DOCMOST_POLL_SPACE_ID = ""
    return page


def new_report(fake, parent, title="Réunion de lancement", markdown="Ordre du jour."):
    return fake.add_page(
        fake.general["id"],
        title,
        markdown=markdown,
        parent_page_id=parent["id"],
        by_other_user=True,
    )


def edit_by_someone_else(fake, page_id, **changes):
    """A person edits the page (the fake's update always signs as the service user)."""
    docmost().client.update_page(page_id=page_id, **changes)
    fake.pages[page_id]["lastUpdatedById"] = fake.other_user["id"]


def stamp(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def compte_rendus(baserow):
    """The compte_rendu rows by docmost_page_id, and the table mapping (field names)."""
    table_id = baserow.table("compte_rendu")
    mapping = baserow.connection.mapping.table("compte_rendu")
    calls = len(baserow.fake.calls)
    found = {
        row[mapping.name("docmost_page_id")]: row
        for row in baserow.client.iter_rows(table_id)
        if row[mapping.name("docmost_page_id")]
    }
    del baserow.fake.calls[calls:]  # reading back is not the bridge's doing
    return found, mapping


def writes(baserow):
    return [c for c in baserow.fake.calls if c.method in ("POST", "PATCH", "DELETE")]


def mark():
    return DocmostPollState.objects.get(key="recent").high_water_mark


# -- creation and de-duplication ------------------------------------------------------------------


def test_a_new_page_under_the_parent_becomes_one_compte_rendu_row(docmost_fake, baserow, parent):
    with freeze_time("2026-11-21 23:30:00"):  # 22 November in Paris
        page = new_report(docmost_fake, parent, title="Point hebdo")

    result = poll_docmost()

    assert result == PollResult(seen=2, created=1, ignored=1)
    found, names = compte_rendus(baserow)
    assert list(found) == [page["id"]]
    row = found[page["id"]]
    assert row[names.name("titre")] == "Point hebdo"
    assert row[names.name("date")] == "2026-11-22"
    assert row[names.name("projet")] == []
    [write] = writes(baserow)
    assert write.method == "POST"
    assert write.params["send_webhook_events"] == "false"
    link = EntityLink.objects.get(entity="compte_rendu", docmost_page_id=page["id"])
    assert link.row_id == row["id"]
    assert link.state == {
        "hash": page_hash("Point hebdo", "Ordre du jour."),
        "updatedAt": page["updatedAt"],
    }
    assert EchoLedgerEntry.objects.filter(entity="compte_rendu", row_id=row["id"]).count() == 1
    audit = AuditEntry.objects.get(entity="compte_rendu", entity_id=row["id"])
    assert (audit.action, audit.token_name) == ("compte_rendu.create", "sync (Docmost poll)")
    assert mark() == datetime.fromisoformat(page["updatedAt"])


def test_the_same_page_seen_twice_is_written_once(docmost_fake, baserow, parent):
    page = new_report(docmost_fake, parent)
    poll_docmost()
    baserow.fake.calls.clear()
    docmost_fake.calls.clear()

    again = poll_docmost()  # the overlap window walks the same page again

    assert again.created == again.updated == 0
    assert again.skipped_unchanged == 1
    assert baserow.fake.calls == []
    assert [c.path for c in docmost_fake.calls] == ["/api/pages/recent"]  # no content read
    found, _ = compte_rendus(baserow)
    assert list(found) == [page["id"]]


def test_a_row_left_without_link_by_a_crash_is_adopted_not_duplicated(
    docmost_fake, baserow, parent
):
    page = new_report(docmost_fake, parent)
    poll_docmost()
    EntityLink.objects.filter(entity="compte_rendu").delete()  # died before saving the link
    DocmostPollState.objects.all().delete()

    result = poll_docmost()

    assert (result.created, result.updated) == (0, 1)
    found, _ = compte_rendus(baserow)
    assert list(found) == [page["id"]]
    assert EntityLink.objects.get(entity="compte_rendu").row_id == found[page["id"]]["id"]


# -- the bridge's own edits and other people's ----------------------------------------------------


def test_the_bridges_own_edit_is_skipped(docmost_fake, baserow, parent):
    page = new_report(docmost_fake, parent)
    poll_docmost()
    # The bridge rewrites the page and records the hash of what it wrote.
    docmost().client.update_page(page_id=page["id"], markdown="Relevé de décisions.")
    link = EntityLink.objects.get(entity="compte_rendu", docmost_page_id=page["id"])
    link.state = {**link.state, "hash": page_hash(page["title"], "Relevé de décisions.")}
    link.save()
    assert docmost_fake.pages[page["id"]]["lastUpdatedById"] == docmost_fake.user["id"]
    baserow.fake.calls.clear()

    result = poll_docmost()

    assert result.skipped_own == 1
    assert result.created == result.updated == 0
    assert writes(baserow) == []
    link.refresh_from_db()
    assert link.state["updatedAt"] == docmost_fake.pages[page["id"]]["updatedAt"]


def test_a_bridge_edit_with_another_hash_is_not_taken_for_its_own(docmost_fake, baserow, parent):
    page = new_report(docmost_fake, parent)
    poll_docmost()
    docmost().client.update_page(page_id=page["id"], title="Titre corrigé")  # hash not recorded
    baserow.fake.calls.clear()

    result = poll_docmost()

    assert (result.updated, result.skipped_own) == (1, 0)


def test_a_page_edited_later_by_someone_else_updates_the_row(docmost_fake, baserow, parent):
    page = new_report(docmost_fake, parent, title="Atelier")
    poll_docmost()
    projet = "Intranet RH"
    edit_by_someone_else(
        docmost_fake, page["id"], title="Atelier (v2)", markdown=f"Suite du projet {projet}."
    )
    baserow.fake.calls.clear()

    result = poll_docmost()

    assert (result.created, result.updated) == (0, 1)
    [write] = writes(baserow)
    assert write.method == "PATCH"
    assert write.params["send_webhook_events"] == "false"
    found, names = compte_rendus(baserow)
    row = found[page["id"]]
    assert row[names.name("titre")] == "Atelier (v2)"
    assert [link["value"] for link in row[names.name("projet")]] == [projet]
    audit = AuditEntry.objects.filter(action="compte_rendu.update").get()
    assert audit.before["titre"] == "Atelier"


def test_a_projet_named_in_the_title_is_linked_with_one_listing(docmost_fake, baserow, parent):
    new_report(docmost_fake, parent, title="CR Site vitrine", markdown="RAS")
    new_report(docmost_fake, parent, title="CR Migration cloud", markdown="RAS")
    new_report(docmost_fake, parent, title="CR Site vitrineX", markdown="RAS")  # not a word

    poll_docmost()

    found, names = compte_rendus(baserow)
    linked = {
        row[names.name("titre")]: [p["value"] for p in row[names.name("projet")]]
        for row in found.values()
    }
    assert linked == {
        "CR Site vitrine": ["Site vitrine"],
        "CR Migration cloud": ["Migration cloud"],
        "CR Site vitrineX": [],
    }
    projet_table = baserow.table("projet")
    listings = [
        c
        for c in baserow.fake.calls
        if c.method == "GET" and c.path == f"/api/database/rows/table/{projet_table}/"
    ]
    assert len(listings) == 1


# -- the walk -------------------------------------------------------------------------------------


def test_cursor_pagination_reaches_every_page(docmost_fake, baserow, parent):
    pages = [new_report(docmost_fake, parent, title=f"CR {i:02d}") for i in range(25)]

    result = poll_docmost(page_size=10)

    assert result.created == 25
    found, _ = compte_rendus(baserow)
    assert set(found) == {p["id"] for p in pages}
    recent = [c for c in docmost_fake.calls if c.path == "/api/pages/recent"]
    assert len(recent) == 3  # 26 pages (the parent too), 10 at a time
    assert all(c.body["limit"] == 10 for c in recent)
    assert [bool(c.body.get("cursor")) for c in recent] == [False, True, True]


def test_the_walk_stops_at_the_mark_minus_the_overlap(docmost_fake, baserow, parent):
    with freeze_time("2026-11-20 08:00:00"):
        for i in range(5):
            new_report(docmost_fake, parent, title=f"Ancien {i}")
    with freeze_time("2026-11-20 10:00:00"):
        new_report(docmost_fake, parent, title="Milieu")
    poll_docmost()
    with freeze_time("2026-11-20 11:00:00"):
        new_report(docmost_fake, parent, title="Récent")
    docmost_fake.calls.clear()

    result = poll_docmost(page_size=2)

    # Récent, then Milieu (within the overlap, already synced); the first Ancien stops the walk.
    assert result == PollResult(seen=2, created=1, skipped_unchanged=1)
    assert docmost_fake.count("/api/pages/recent") == 2  # not the 4 a full walk takes
    assert mark() == datetime(2026, 11, 20, 11, tzinfo=UTC)


def test_the_overlap_catches_a_late_edit_older_than_the_mark(docmost_fake, baserow, parent):
    with freeze_time("2026-11-20 10:00:00"):
        early = new_report(docmost_fake, parent, title="Premier")
    with freeze_time("2026-11-20 10:02:00"):
        new_report(docmost_fake, parent, title="Second")
    poll_docmost()
    the_mark = mark()
    assert the_mark == datetime(2026, 11, 20, 10, 2, tzinfo=UTC)
    # An edit persisted late: its updatedAt is one minute behind the mark.
    edit_by_someone_else(docmost_fake, early["id"], title="Premier (corrigé)")
    docmost_fake.pages[early["id"]]["updatedAt"] = stamp(the_mark - timedelta(minutes=1))

    result = poll_docmost()

    assert result.updated == 1
    found, names = compte_rendus(baserow)
    assert found[early["id"]][names.name("titre")] == "Premier (corrigé)"
    assert mark() == the_mark  # never moves back


def test_without_enough_overlap_the_late_edit_is_missed(docmost_fake, baserow, parent, settings):
    settings.DOCMOST_POLL_OVERLAP_SECONDS = 30
    with freeze_time("2026-11-20 10:00:00"):
        early = new_report(docmost_fake, parent, title="Premier")
    with freeze_time("2026-11-20 10:02:00"):
        new_report(docmost_fake, parent, title="Second")
    poll_docmost()
    edit_by_someone_else(docmost_fake, early["id"], title="Premier (corrigé)")
    docmost_fake.pages[early["id"]]["updatedAt"] = stamp(mark() - timedelta(minutes=1))

    assert poll_docmost().updated == 0


def test_pages_elsewhere_are_ignored(docmost_fake, baserow, parent):
    space = docmost_fake.general["id"]
    docmost_fake.add_page(space, "Notes libres", markdown="Rien", by_other_user=True)
    report = new_report(docmost_fake, parent)
    docmost_fake.add_page(space, "Annexe", parent_page_id=report["id"], by_other_user=True)

    result = poll_docmost()

    assert (result.created, result.ignored) == (1, 3)  # the parent, a root page, a grandchild
    found, _ = compte_rendus(baserow)
    assert list(found) == [report["id"]]


def test_the_configured_space_is_passed_on(docmost_fake, baserow, parent, settings):
    settings.DOCMOST_POLL_SPACE_ID = docmost_fake.general["id"]
    new_report(docmost_fake, parent)

    assert poll_docmost().created == 1
    [call] = [c for c in docmost_fake.calls if c.path == "/api/pages/recent"]
    assert call.body["spaceId"] == docmost_fake.general["id"]


def test_without_a_parent_page_nothing_is_polled(docmost_fake, baserow, parent, settings):
    settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID = ""
    new_report(docmost_fake, parent)
    docmost_fake.calls.clear()

    assert poll_docmost() == PollResult()
    assert docmost_fake.calls == []
    assert not DocmostPollState.objects.exists()


# -- failures -------------------------------------------------------------------------------------


def test_docmost_down_raises_and_keeps_the_mark(docmost_fake, baserow, parent):
    new_report(docmost_fake, parent, title="Avant")
    poll_docmost()
    before = mark()
    new_report(docmost_fake, parent, title="Après")
    docmost_fake.fail_next(503, times=5)

    with pytest.raises(DocmostUnavailable):
        poll_docmost()

    assert mark() == before
    found, _ = compte_rendus(baserow)
    assert len(found) == 1


def test_a_failure_mid_walk_keeps_the_mark_and_the_next_run_finishes(
    docmost_fake, baserow, parent, monkeypatch
):
    new_report(docmost_fake, parent, title="Avant")
    poll_docmost()
    before = mark()
    older = new_report(docmost_fake, parent, title="B")
    newer = new_report(docmost_fake, parent, title="C")
    real_get_page = DocmostClient.get_page

    def flaky(self, page_id, **kwargs):
        if page_id == older["id"]:
            raise DocmostUnavailable("Docmost is unreachable (ConnectionError) for pages.info.")
        return real_get_page(self, page_id, **kwargs)

    monkeypatch.setattr(DocmostClient, "get_page", flaky)
    with pytest.raises(DocmostUnavailable):
        poll_docmost()
    assert mark() == before  # C was written, but the run did not succeed

    monkeypatch.setattr(DocmostClient, "get_page", real_get_page)
    result = poll_docmost()

    assert (result.created, result.skipped_unchanged) == (1, 2)
    found, _ = compte_rendus(baserow)
    assert {older["id"], newer["id"]} <= set(found)
    assert mark() == datetime.fromisoformat(newer["updatedAt"])


def test_the_task_returns_the_counts(docmost_fake, baserow, parent):
    new_report(docmost_fake, parent)

    assert poll_docmost_task() == {
        "seen": 2,
        "created": 1,
        "updated": 0,
        "skipped_own": 0,
        "skipped_unchanged": 0,
        "ignored": 1,
    }
    assert tasks.poll_docmost_task.name == "sync.poll_docmost"
