"""`manage.py docmost_setup` (issue 9, point 19): the agency space and the comptes-rendus parent
page prepared idempotently, stored, and used by the poll with no setting and no restart."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from integrations.docmost.connection import DocmostConnection, docmost, use_docmost
from sync.docmost_setup import (
    PARENT_PAGE_ENTITY,
    comptes_rendus_parent_page_id,
    docmost_setup,
)
from sync.models import EntityLink
from sync.polling import poll_docmost

pytestmark = [pytest.mark.django_db]
TITLE = "Comptes rendus"


@pytest.fixture
def real_docmost(docmost_fake, settings):
    """The bridge configured for a real Docmost (not the demo), whose transport is the fake."""
    settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID = ""
    settings.DOCMOST_POLL_SPACE_ID = ""
    use_docmost(DocmostConnection(client=docmost().client))
    yield docmost_fake
    use_docmost(None)


def spaces_named(fake, name):
    return [s for s in fake.spaces.values() if s["name"] == name]


def live_pages_titled(fake, title):
    return [p for p in fake.pages.values() if p["title"] == title and not p["deletedAt"]]


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("docmost_setup", *args, stdout=out, stderr=err, skip_checks=False)
    return out.getvalue(), err.getvalue()


def test_first_run_creates_the_agency_space_and_the_parent_page_in_it(real_docmost, settings):
    report = docmost_setup(parent_title=TITLE)

    (space,) = spaces_named(real_docmost, settings.DOCMOST_AGENCY_SPACE_NAME)
    assert space["slug"] == settings.DOCMOST_AGENCY_SPACE_SLUG
    assert report.space_id == space["id"]
    (page,) = live_pages_titled(real_docmost, TITLE)
    assert report.parent_page_id == page["id"]
    assert page["spaceId"] == space["id"]
    assert page["parentPageId"] is None
    assert comptes_rendus_parent_page_id() == page["id"]
    link = EntityLink.objects.get(entity=PARENT_PAGE_ENTITY, row_id=0)
    assert (link.docmost_page_id, link.docmost_space_id) == (page["id"], space["id"])


def test_second_run_creates_nothing_and_answers_the_same_ids(real_docmost):
    first = docmost_setup(parent_title=TITLE)
    calls = len(real_docmost.calls)

    second = docmost_setup(parent_title=TITLE)

    assert (second.space_id, second.parent_page_id) == (first.space_id, first.parent_page_id)
    writes = [c for c in real_docmost.calls[calls:] if c.path.endswith("/create")]
    assert writes == []
    assert len(live_pages_titled(real_docmost, TITLE)) == 1


def test_an_existing_space_and_page_are_adopted_not_duplicated(real_docmost, settings):
    space = docmost().client.create_space(
        name=settings.DOCMOST_AGENCY_SPACE_NAME, slug=settings.DOCMOST_AGENCY_SPACE_SLUG
    )
    by_hand = real_docmost.add_page(space["id"], TITLE, by_other_user=True)

    report = docmost_setup(parent_title=TITLE)

    assert report.space_id == space["id"]
    assert report.parent_page_id == by_hand["id"]
    assert len(spaces_named(real_docmost, settings.DOCMOST_AGENCY_SPACE_NAME)) == 1
    assert len(live_pages_titled(real_docmost, TITLE)) == 1


def test_a_parent_page_trashed_in_docmost_is_replaced(real_docmost):
    first = docmost_setup(parent_title=TITLE)
    real_docmost.pages[first.parent_page_id]["deletedAt"] = "2026-11-20T10:00:00.000Z"

    second = docmost_setup(parent_title=TITLE)

    assert second.parent_page_id != first.parent_page_id
    assert comptes_rendus_parent_page_id() == second.parent_page_id


def test_a_stored_space_gone_from_docmost_is_created_again(real_docmost, settings):
    first = docmost_setup(parent_title=TITLE)
    del real_docmost.spaces[first.space_id]  # deleted by a person, with its pages
    for page_id in [i for i, p in real_docmost.pages.items() if p["spaceId"] == first.space_id]:
        del real_docmost.pages[page_id]

    second = docmost_setup(parent_title=TITLE)

    assert second.space_id != first.space_id
    assert second.space_id in real_docmost.spaces
    assert real_docmost.pages[second.parent_page_id]["spaceId"] == second.space_id


def test_the_setting_wins_over_the_stored_page(real_docmost, settings):
    docmost_setup(parent_title=TITLE)
    chosen = real_docmost.add_page(real_docmost.general["id"], "Nos CR", by_other_user=True)
    settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID = chosen["id"]

    report = docmost_setup(parent_title=TITLE)

    assert report.parent_page_id == chosen["id"]
    assert comptes_rendus_parent_page_id() == chosen["id"]


def test_without_setting_nor_stored_page_the_poll_is_off(real_docmost):
    assert comptes_rendus_parent_page_id() == ""


def test_the_poll_uses_the_stored_page_with_no_setting_and_no_restart(real_docmost, baserow):
    report = docmost_setup(parent_title=TITLE)
    real_docmost.add_page(
        report.space_id,
        "Réunion de lancement",
        markdown="Ordre du jour.",
        parent_page_id=report.parent_page_id,
        by_other_user=True,
    )

    result = poll_docmost()

    assert result.created == 1
    link = EntityLink.objects.get(entity="compte_rendu")
    assert link.docmost_page_id


# -- the command -----------------------------------------------------------------------------------


def test_command_prints_the_ids_and_says_they_are_stored(real_docmost):
    out, err = run()

    page_id = comptes_rendus_parent_page_id()
    assert f"comptes_rendus_parent_page_id={page_id}" in out
    assert "agency_space_id=" in out
    assert "no restart" in err.lower() or "next run" in err
    again_out, _ = run()
    assert again_out == out


def test_command_title_option(real_docmost):
    run("--title", "CR clients")

    assert len(live_pages_titled(real_docmost, "CR clients")) == 1


def test_command_in_demo_mode_refuses_and_stores_nothing(docmost_fake):
    with pytest.raises(CommandError, match="DOCMOST_URL is not set"):
        run()
    assert not EntityLink.objects.filter(entity=PARENT_PAGE_ENTITY).exists()


def test_command_reports_a_docmost_refusal_cleanly(real_docmost, settings):
    settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID = "019a0000-0000-7000-8000-000000000000"

    with pytest.raises(CommandError, match="Docmost refused the set-up"):
        run()
