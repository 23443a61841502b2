"""Signed card URLs: the browser loads a card inside a Docmost page without any token, so the
URL itself carries the authorisation, for exactly one card, read-only.

`/cards/projet/12?s=<key id>.<signed value>`: the value, signed by Django's signing (`Signer`,
a salt per kind) holds the kind, the card's id and an optional expiry; the same card and expiry
always give the same URL, so a card linking to its full page keeps its ETag. The full pages
(`/pages/<entity>/<id>`, kinds `page-…`) are signed the same way. Several keys verify at once
(`CARD_SIGNING_KEYS`, by key id); the first signs. Removing a key retires every URL it signed.
"""

import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

CARD_KINDS = ("personne", "projet", "modules-a-attribuer")
PAGE_KINDS = ("page-personne", "page-projet", "page-formation")
KINDS = CARD_KINDS + PAGE_KINDS
DERIVED_KEY_ID = "s"
# Where `make run` serves, when BRIDGE_PUBLIC_URL is not set.
LOCAL_BASE_URL = "http://127.0.0.1:8000"


class CardSignatureInvalid(Exception):
    """Why a card URL does not authorise its card, in French: the 403 card shows it to the
    people reading the Docmost page."""


def signing_keys() -> dict[str, str]:
    """Key id → secret; the first signs. Without CARD_SIGNING_KEYS, one key from SECRET_KEY."""
    configured: dict[str, str] = settings.CARD_SIGNING_KEYS
    if configured:
        return dict(configured)
    derived = salted_hmac("bridge.card-signing-key", "v1", secret=settings.SECRET_KEY).hexdigest()
    return {DERIVED_KEY_ID: derived}


def _salt(kind: str) -> str:
    return f"bridge.card.{kind}"


@dataclass(frozen=True)
class CardUrl:
    url: str
    kind: str
    ident: str
    key_id: str
    expires_at: int | None  # Unix time


def card_path(kind: str, ident: str) -> str:
    if kind in PAGE_KINDS:
        return f"/pages/{kind.removeprefix('page-')}/{ident}"
    if kind == "modules-a-attribuer":
        return f"/cards/modules-a-attribuer?{urlencode({'formation': ident})}"
    return f"/cards/{kind}/{ident}"


def card_url_sign(
    *,
    kind: str,
    ident: str | int,
    expires_in: int | None = None,
    expires_at: int | None = None,
) -> CardUrl:
    """A URL granting the card `kind`/`ident`, expiring after `expires_in` seconds (None: the
    configured default, CARD_URL_DEFAULT_TTL; 0: never), or at `expires_at` (Unix time) if
    given."""
    if kind not in KINDS:
        raise ValueError(f"unknown card kind {kind!r}: one of {', '.join(KINDS)}")
    if expires_at is None:
        ttl = settings.CARD_URL_DEFAULT_TTL if expires_in is None else expires_in
        expires_at = int(time.time()) + ttl if ttl else None
    key_id, secret = next(iter(signing_keys().items()))
    payload = {"k": kind, "i": str(ident), "x": expires_at}
    value = signing.Signer(key=secret, salt=_salt(kind)).sign_object(payload)
    path = card_path(kind, str(ident))
    separator = "&" if "?" in path else "?"
    base = (settings.BRIDGE_PUBLIC_URL or LOCAL_BASE_URL).rstrip("/")
    url = f"{base}{path}{separator}{urlencode({'s': f'{key_id}.{value}'})}"
    return CardUrl(url, kind, str(ident), key_id, expires_at)


def card_url_verify(*, kind: str, ident: str, token: str | None) -> int | None:
    """Raise CardSignatureInvalid unless `token` grants the card `kind`/`ident` now; return
    when it expires (Unix time, None: never)."""
    if not token:
        raise CardSignatureInvalid("L'adresse de cette carte n'est pas signée.")
    key_id, _, value = token.partition(".")
    secret = signing_keys().get(key_id)
    if secret is None:
        raise CardSignatureInvalid(
            "L'adresse de cette carte a été signée par une clé retirée : demandez-en une nouvelle."
        )
    try:
        payload = signing.Signer(key=secret, salt=_salt(kind)).unsign_object(value)
    except signing.BadSignature:
        raise CardSignatureInvalid(
            "L'adresse de cette carte n'est pas valide (modifiée ou incomplète)."
        ) from None
    if not isinstance(payload, dict) or payload.get("k") != kind or payload.get("i") != ident:
        raise CardSignatureInvalid("Cette adresse est celle d'une autre carte.")
    expires_at = payload.get("x")
    if expires_at is not None and (not isinstance(expires_at, int) or expires_at <= time.time()):
        raise CardSignatureInvalid("L'adresse de cette carte a expiré : demandez-en une nouvelle.")
    return expires_at
