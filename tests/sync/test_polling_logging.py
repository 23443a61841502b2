"""A Docmost poll that creates a compte rendu logs its counts and ends well (it used to end in
KeyError: `created` is a LogRecord attribute and was passed in `extra`)."""

import logging

import pytest
from freezegun import freeze_time

from sync.tasks import poll_docmost_task
from tests.sync.test_polling import new_report, parent  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db]


def test_a_poll_run_that_creates_a_compte_rendu_does_not_fail(docmost_fake, parent, caplog):  # noqa: F811
    caplog.set_level(logging.INFO, logger="bridge.sync")
    with freeze_time("2026-11-21 10:00:00"):
        new_report(docmost_fake, parent, title="Point hebdo")

    outcome = poll_docmost_task.apply()

    assert outcome.successful()
    assert outcome.result["created"] == 1
    (record,) = [r for r in caplog.records if r.getMessage() == "bridge.sync.poll-docmost"]
    assert record.rows_created == 1
    assert record.pages_seen == 2
