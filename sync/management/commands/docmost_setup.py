"""`manage.py docmost_setup`: the agency space and the comptes-rendus parent page, in Docmost."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrations.docmost.client import DocmostError
from integrations.docmost.connection import docmost
from sync.docmost_setup import docmost_setup


class Command(BaseCommand):
    help = (
        "Create (or adopt) the agency space DOCMOST_AGENCY_SPACE_NAME/SLUG and the comptes-rendus "
        "parent page in it, idempotently; store their ids in the database (the sync and the "
        "poll read them on their next run: no restart) and print them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--title",
            default=settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_TITLE,
            help="Title of the parent page. Default: DOCMOST_COMPTES_RENDUS_PARENT_PAGE_TITLE.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if docmost().is_demo:
            raise CommandError(
                "DOCMOST_URL is not set: the bridge uses its in-process Docmost (demo mode), "
                "which needs no set-up. Set DOCMOST_URL, DOCMOST_EMAIL and DOCMOST_PASSWORD."
            )
        title = options["title"].strip()
        if not title:
            raise CommandError("The parent page needs a title (--title).")
        try:
            report = docmost_setup(parent_title=title)
        except DocmostError as exc:
            raise CommandError(f"Docmost refused the set-up: {exc}") from exc
        for line in report.lines:
            self.stderr.write(line)
        self.stdout.write(f"agency_space_id={report.space_id}")
        self.stdout.write(f"comptes_rendus_parent_page_id={report.parent_page_id}")
        self.stderr.write(
            self.style.SUCCESS(
                "Stored in the database: the sync and the poll use them from their next run."
            )
        )
