"""`manage.py prune [--dry-run]`: delete records past their retention age, now."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sync.retention import retention_prune


class Command(BaseCommand):
    help = (
        "Delete processed inbox events, acknowledged dead letters, old echo-ledger entries, "
        "expired idempotency records and old acknowledged alerts (ages: RETENTION_* settings). "
        "The same as the daily beat task sync.prune."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention_prune(dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        for name, count in result.as_dict().items():
            self.stdout.write(f"{name.replace('_', ' ')}: {verb} {count}")
