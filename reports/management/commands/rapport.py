"""`manage.py rapport formation 3 --out f.pdf`: a report from the command line, through the same
service as GET /api/v1/rapports/… (same data, same cache)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.errors import ApplicationError, application_error
from reports.services import RapportFormat, RapportKind, rapport_generer


class Command(BaseCommand):
    help = (
        "Render the report of a formation, a personne or a projet (PDF by default, or HTML) "
        "into a file. Without --out, the file is named as the API names it, in the current folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[k.value for k in RapportKind])
        parser.add_argument("id", type=int, help="The row id in Baserow.")
        parser.add_argument("--format", choices=[f.value for f in RapportFormat], default="pdf")
        parser.add_argument("--out", help="The file to write; '-' writes to standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rapport = rapport_generer(
                kind=options["kind"], row_id=options["id"], format=options["format"]
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.code.name}: {exc.message}") from None
        except Exception as exc:
            error = application_error(exc)
            if error is None:
                raise
            raise CommandError(f"{error.code.name}: {error.message}") from None
        assert rapport.content is not None
        out = options.get("out") or rapport.filename
        if out == "-":
            self.stdout.buffer.write(rapport.content)  # type: ignore[attr-defined]
            return
        Path(out).write_bytes(rapport.content)
        self.stdout.write(f"{out}: {len(rapport.content):,} bytes ({rapport.source}).")
