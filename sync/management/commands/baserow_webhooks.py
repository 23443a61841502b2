"""`manage.py baserow_webhooks`: create or update, in Baserow, exactly the bridge's webhooks."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrations.baserow.client import BaserowError
from integrations.baserow.connection import baserow
from sync.webhook_registration import baserow_webhooks_ensure, bridge_url_normalised

URL_REFUSED_HINT = (
    " Baserow checks at creation that it can connect to the URL and refuses private or "
    "loopback addresses: give an address it reaches (--bridge-url), with the bridge running, or "
    "set BASEROW_WEBHOOKS_ALLOW_PRIVATE_ADDRESS on Baserow when both share a private network."
)


class Command(BaseCommand):
    help = (
        "Create or update the bridge's webhooks in Baserow: one per table (projet, formation, "
        "attribution, intervention, module, tache, client), with its kind's URL, the secret "
        "header, user field names and the row events. Idempotent; duplicates are deleted; "
        "deactivated webhooks are reported (--reactivate turns them back on)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bridge-url",
            default=settings.BRIDGE_PUBLIC_URL,
            help="The bridge's address as Baserow reaches it, e.g. https://bridge.example.org. "
            "Default: BRIDGE_PUBLIC_URL.",
        )
        parser.add_argument(
            "--reactivate", action="store_true", help="Re-activate deactivated webhooks."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = baserow()
        if connection.is_demo:
            raise CommandError(
                "BASEROW_URL is not set: the bridge is in demo mode, there is no Baserow to "
                "register webhooks in."
            )
        if not (settings.BASEROW_EMAIL and settings.BASEROW_PASSWORD):
            raise CommandError(
                "Baserow's webhook API needs a JWT: set BASEROW_EMAIL and BASEROW_PASSWORD."
            )
        if not settings.BASEROW_WEBHOOK_SECRETS:
            raise CommandError(
                "BASEROW_WEBHOOK_SECRETS is empty: every delivery would be refused. Set a long "
                "random secret (`make env` writes one)."
            )
        if not options["bridge_url"]:
            raise CommandError(
                "Give the bridge's public address: --bridge-url https://bridge.example.org "
                "(or set BRIDGE_PUBLIC_URL)."
            )
        try:
            bridge_url = bridge_url_normalised(options["bridge_url"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            report = baserow_webhooks_ensure(
                client=connection.client,
                mapping=connection.mapping,
                bridge_url=bridge_url,
                header=settings.BASEROW_WEBHOOK_HEADER,
                secrets=settings.BASEROW_WEBHOOK_SECRETS,
                reactivate=options["reactivate"],
                dry_run=options["dry_run"],
            )
        except BaserowError as exc:
            hint = URL_REFUSED_HINT if "invalid_url" in str(exc.detail) else ""
            message = str(exc)
            for secret in settings.BASEROW_WEBHOOK_SECRETS:  # Baserow quotes a refused header
                for shown in (secret, repr(secret)[1:-1]):
                    message = message.replace(shown, "[secret]")
            raise CommandError(f"Baserow refused the webhook set-up: {message}.{hint}") from exc
        for line in report.lines:
            self.stdout.write(line)
        for line in report.inactive:
            self.stderr.write(self.style.WARNING(f"warning: {line}"))
        if options["dry_run"]:
            self.stderr.write(f"Dry run: {report.changes} change(s) would be made.")
        else:
            self.stderr.write(
                self.style.SUCCESS(f"{report.changes} change(s) made.")
                if report.changes
                else "Nothing to change: Baserow's webhooks are as the bridge needs them."
            )
