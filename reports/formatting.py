"""French (fr-FR) numbers, dates and labels for the reports, by Babel: "1 234,5 h",
"1 décembre 2026", "8 décembre 2026 à 10:32" (in the service's time zone)."""

from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import parse_pattern
from django.conf import settings

LOCALE = "fr_FR"
NOTHING = "—"
# Parsed once: Babel's format_decimal parses its pattern on every call (twice the cost; cards
# and reports format dozens of numbers each).
_FR = Locale.parse(LOCALE)
_HOURS_PATTERN = parse_pattern("#,##0.##")

# What the statut codes of the Baserow schema read as in a French document.
STATUTS = {
    "a_attribuer": "À attribuer",
    "attribue": "Attribué",
    "en_cours": "En cours",
    "realise": "Réalisé",
    "prevu": "Prévu",
    "annule": "Annulé",
    "brouillon": "Brouillon",
    "cloturee": "Clôturée",
    "livre": "Livré",
    "cloture": "Clôturé",
    "a_faire": "À faire",
    "terminee": "Terminée",
    "valide": "Validée",
    "actif": "Actif",
    "inactif": "Inactif",
    "formateur": "Formateur",
    "developpeur": "Développeur",
    "admin": "Admin",
}


def nombre(value: int | float | Decimal | None) -> str:
    """1234.5 → "1 234,5" (two decimals at most, a narrow no-break space between thousands)."""
    if value is None:
        return NOTHING
    return str(_HOURS_PATTERN.apply(value, _FR))


def heures(value: int | float | Decimal | None) -> str:
    """1234.5 → "1 234,5 h"."""
    return NOTHING if value is None else f"{nombre(value)}\u00a0h"


def pourcentage(value: int | float | Decimal | None) -> str:
    """32.8 → "32,8 %"."""
    return NOTHING if value is None else f"{nombre(value)}\u00a0%"


def date_longue(value: date | None) -> str:
    """2026-12-01 → "1 décembre 2026"."""
    return NOTHING if value is None else format_date(value, format="long", locale=LOCALE)


def date_courte(value: date | None) -> str:
    """2026-12-01 → "1 déc. 2026" (table cells)."""
    return NOTHING if value is None else format_date(value, format="medium", locale=LOCALE)


def mois(value: date) -> str:
    """2026-12-01 → "décembre 2026"."""
    return format_date(value, format="LLLL y", locale=LOCALE)


def semaine(value: date) -> str:
    """The Monday of a week → "sem. du 30 nov."."""
    return "sem. du " + format_date(value, format="d MMM", locale=LOCALE)


def date_heure(value: datetime) -> str:
    """An aware datetime → "8 décembre 2026 à 10:32", in the service's time zone."""
    return format_datetime(value, "d MMMM y 'à' HH:mm", tzinfo=settings.TIME_ZONE, locale=LOCALE)


def statut(value: str | None) -> str:
    if not value:
        return NOTHING
    return STATUTS.get(value, value)


def clip(value: str, limit: int) -> str:
    """A text cut at `limit` characters with an ellipsis: a 10,000-character name from Baserow
    must not become ten pages of one table cell."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
