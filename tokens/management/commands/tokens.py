"""`manage.py tokens create|list|rotate|revoke`: API tokens from the command line."""

from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tokens.models import TokenRevokedError
from tokens.scopes import SCOPE_DESCRIPTIONS
from tokens.selectors import TokenNotFoundError, token_get, token_list
from tokens.services import TokenValidationError, token_create, token_revoke, token_rotate


def _expiry(options: dict[str, Any]) -> datetime | None:
    if options.get("expires_in_days") is not None:
        return timezone.now() + timedelta(days=options["expires_in_days"])
    if options.get("expires_at"):
        parsed = parse_datetime(options["expires_at"])
        if parsed is None:
            raise CommandError(
                "--expires-at must be an ISO 8601 date-time, e.g. 2027-01-31T18:00Z."
            )
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    return None


class Command(BaseCommand):
    help = "Create, list, rotate and revoke API tokens. A new secret is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        scopes_help = "Scopes, space or comma separated. Known scopes: " + ", ".join(
            f"{scope.value}" for scope in SCOPE_DESCRIPTIONS
        )
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print its secret once.")
        create.add_argument("--name", required=True)
        create.add_argument("--scopes", required=True, help=scopes_help)
        create.add_argument("--description", default="")
        expiry = create.add_mutually_exclusive_group()
        expiry.add_argument("--expires-in-days", type=int)
        expiry.add_argument("--expires-at", help="ISO 8601 date-time.")

        listing = actions.add_parser("list", help="List tokens (never their secrets).")
        listing.add_argument("--active", action="store_true", help="Hide revoked tokens.")

        rotate = actions.add_parser(
            "rotate", help="Issue a new secret; the old one works for the grace period."
        )
        rotate.add_argument("token", help="Key id (or the token's plaintext start, brg_…).")
        rotate.add_argument(
            "--grace",
            type=int,
            default=None,
            help="Seconds the old secret keeps working (0 = stop now; at most "
            "TOKEN_ROTATION_GRACE_MAX_SECONDS, 7 days by default). Default from settings.",
        )

        revoke = actions.add_parser("revoke", help="Revoke a token for good.")
        revoke.add_argument("token", help="Key id (or the token's plaintext start, brg_…).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except (TokenValidationError, TokenNotFoundError, TokenRevokedError) as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, options: dict[str, Any]) -> None:
        scopes = options["scopes"].replace(",", " ").split()
        issued = token_create(
            name=options["name"],
            scopes=scopes,
            expires_at=_expiry(options),
            description=options["description"],
            created_by="cli",
        )
        token = issued.token
        self.stderr.write(
            f"Created token {token.name!r} (key id {token.key_id}) with scopes "
            f"{' '.join(token.scopes)}. Store the secret now; it is not shown again:"
        )
        self.stdout.write(issued.plaintext)

    def _list(self, options: dict[str, Any]) -> None:
        rows = token_list(include_inactive=not options["active"])
        header = f"{'KEY ID':<13}{'NAME':<24}{'STATUS':<9}{'EXPIRES':<18}{'LAST USED':<18}SCOPES"
        self.stdout.write(header)
        for token in rows:
            expires = token.expires_at.strftime("%Y-%m-%d %H:%M") if token.expires_at else "never"
            used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "-"
            self.stdout.write(
                f"{token.key_id:<13}{token.name[:23]:<24}{token.status:<9}{expires:<18}"
                f"{used:<18}{' '.join(token.scopes)}"
            )

    def _rotate(self, options: dict[str, Any]) -> None:
        token = token_get(reference=options["token"])
        issued = token_rotate(token=token, grace_seconds=options["grace"])
        grace = options["grace"]
        when = "now" if grace == 0 else "when the grace period ends"
        self.stderr.write(
            f"Rotated {token.name!r} ({token.key_id}); the previous secret stops working {when}. "
            "New secret, shown once:"
        )
        self.stdout.write(issued.plaintext)

    def _revoke(self, options: dict[str, Any]) -> None:
        token = token_get(reference=options["token"])
        if token_revoke(token=token):
            self.stdout.write(f"Revoked {token.name!r} ({token.key_id}). This cannot be undone.")
        else:
            self.stdout.write(f"{token.name!r} ({token.key_id}) was already revoked.")
