"""`manage.py baserow_bootstrap`: create the bridge's tables and fields in a Baserow database."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bridge_api.startup import BASEROW_MAPPING_TAG, checks_except
from integrations.baserow.bootstrap import baserow_bootstrap
from integrations.baserow.client import BaserowError
from integrations.baserow.connection import client_from_settings


class Command(BaseCommand):
    help = (
        "Create the SPEC's tables and fields in an existing Baserow database (idempotent: what "
        "exists is kept, what is missing is added) and print the mapping to configure."
    )
    # Every system check but the mapping one (bridge.E003): this command runs precisely when
    # BASEROW_URL is set and the mapping it produces is not configured yet.
    requires_system_checks = checks_except(BASEROW_MAPPING_TAG)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database-id",
            type=int,
            default=settings.BASEROW_DATABASE_ID,
            help="Baserow database (application) id. Default: BASEROW_DATABASE_ID.",
        )
        parser.add_argument(
            "--output", help="Write the mapping to this JSON file (use it as BASEROW_SCHEMA_FILE)."
        )
        parser.add_argument(
            "--fix-number-fields",
            action="store_true",
            help="Give existing number fields the schema's decimal places and sign where that "
            "changes no stored value (more places; negatives forbidden only while no row holds "
            "one). Without it, differences are only reported.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BASEROW_URL:
            raise CommandError(
                "BASEROW_URL is not set: the bridge is in demo mode. Set BASEROW_URL, "
                "BASEROW_DATABASE_TOKEN, BASEROW_EMAIL and BASEROW_PASSWORD first."
            )
        if not settings.BASEROW_DATABASE_TOKEN:
            raise CommandError(
                "BASEROW_DATABASE_TOKEN is not set (Baserow: Settings → Database tokens)."
            )
        if not options["database_id"]:
            raise CommandError("Give the database id: --database-id N (or BASEROW_DATABASE_ID).")
        client = client_from_settings()
        try:
            report = baserow_bootstrap(
                client=client,
                database_id=options["database_id"],
                fix_numbers=options["fix_number_fields"],
                progress=lambda message: self.stderr.write(message),
            )
        except BaserowError as exc:
            raise CommandError(f"Baserow refused the bootstrap: {exc}") from exc
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        for change in report.changed:
            self.stderr.write(self.style.SUCCESS(f"changed: {change}"))
        self.stderr.write(
            self.style.SUCCESS(f"{len(report.created)} item(s) created.")
            if report.created
            else "Nothing to create: every table and field exists."
        )
        mapping = json.dumps(report.mapping.to_json(), indent=2)
        if options["output"]:
            Path(options["output"]).write_text(mapping + "\n")
            self.stderr.write(f"Mapping written to {options['output']}: set BASEROW_SCHEMA_FILE.")
        else:
            self.stdout.write(mapping)
