"""`manage.py card_url projet 12 [--expires 30d]`: mint the signed URL of a card, to paste into a
Docmost page as an embed (provider iframe)."""

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from embeds.signing import KINDS, card_url_sign
from hub.queries import ascii_int

DURATION = re.compile(r"^(\d{1,6})([smhdw])$")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration_seconds(text: str) -> int:
    """`30d` → 2,592,000; `0` → 0 (never expires)."""
    if text == "0":
        return 0
    match = DURATION.match(text)
    if match is None:
        raise CommandError(f"--expires {text!r}: use a number and a unit, e.g. 90m, 12h, 30d, 8w.")
    return int(match[1]) * SECONDS[match[2]]


class Command(BaseCommand):
    help = "Print the signed URL of a card (personne by slug, projet or formation by id)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("ident", help="personne: its slug; projet, modules-a-attribuer: an id")
        parser.add_argument(
            "--expires", help="e.g. 30d, 12h (default CARD_URL_DEFAULT_TTL; 0: never)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, ident = options["kind"], options["ident"]
        if kind != "personne" and ascii_int(ident) is None:
            raise CommandError(f"{kind}: the id is a Baserow row id (digits), not {ident!r}.")
        expires = options.get("expires")
        card = card_url_sign(
            kind=kind,
            ident=ident,
            expires_in=None if expires is None else duration_seconds(expires),
        )
        self.stdout.write(card.url)
