"""The process-wide Docmost connection. Without DOCMOST_URL, an in-process Docmost (demo, tests).

The service user's token is shared by every process through the Django cache: one login, reused
until Docmost answers 401 or the session expires (logins are throttled and each one creates a
session, so never log in per request). It is a bearer credential, so the cache holds it sealed
under SECRET_KEY (integrations/sealing.py), and only for the session's lifetime.
"""

import base64
import binascii
import json
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from integrations.docmost.client import DocmostClient
from integrations.sealing import seal, unseal

if TYPE_CHECKING:  # the fake is imported only when demo mode or a test uses it
    from integrations.fakes.docmost.fake import FakeDocmost

TOKEN_KEY = "docmost:token"  # noqa: S105 - a cache key, not a secret
TOKEN_PURPOSE = "docmost-session-token"  # noqa: S105 - a key-derivation label, not a secret
# Forgotten this long before the session's own expiry, so no call goes out with a dying token.
EXPIRY_MARGIN_SECONDS = 300
# A token whose expiry cannot be read (not a JWT with `exp`) is kept this long.
UNKNOWN_LIFETIME_SECONDS = 24 * 3600


class CacheTokenStore:
    """The session token in the shared cache, sealed, expiring with the session."""

    def get(self) -> str | None:
        value = caches["ratelimit"].get(TOKEN_KEY)
        # A value that does not open (clear text from an older version, another SECRET_KEY,
        # tampering) is no token: the client logs in again and overwrites it.
        return unseal(value, purpose=TOKEN_PURPOSE) if isinstance(value, str) else None

    def set(self, token: str) -> None:
        lifetime = token_lifetime(token)
        if lifetime <= 0:
            caches["ratelimit"].delete(TOKEN_KEY)
            return
        caches["ratelimit"].set(TOKEN_KEY, seal(token, purpose=TOKEN_PURPOSE), timeout=lifetime)


def token_lifetime(token: str) -> int:
    """Seconds to keep `token`: until its JWT `exp` minus a margin (the signature is Docmost's
    business; the claim only bounds how long the cache keeps the token)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        expires = float(claims["exp"])
    except (IndexError, ValueError, TypeError, KeyError, binascii.Error):
        return UNKNOWN_LIFETIME_SECONDS
    return int(expires - time.time()) - EXPIRY_MARGIN_SECONDS


@dataclass(frozen=True)
class DocmostConnection:
    client: DocmostClient
    fake: "FakeDocmost | None" = None

    @property
    def is_demo(self) -> bool:
        return self.fake is not None


_lock = threading.Lock()
_current: DocmostConnection | None = None


def connect_fake(fake: "FakeDocmost") -> DocmostConnection:
    from integrations.fakes.transport import fake_session

    client = DocmostClient(
        base_url=fake.base_url, email=fake.email, password=fake.password, session=fake_session(fake)
    )
    return DocmostConnection(client=client, fake=fake)


def connection_from_settings() -> DocmostConnection:
    if not settings.DOCMOST_URL:
        try:
            from integrations.fakes.docmost.fake import FakeDocmost
        except ModuleNotFoundError as exc:  # the container image leaves the fakes out
            raise ImproperlyConfigured(
                "DOCMOST_URL is not set and this installation has no demo Docmost (the in-process "
                "fakes are not shipped in the container image): set DOCMOST_URL, DOCMOST_EMAIL "
                "and DOCMOST_PASSWORD."
            ) from exc

        return connect_fake(FakeDocmost(base_url="http://docmost.demo"))
    client = DocmostClient(
        base_url=settings.DOCMOST_URL,
        email=settings.DOCMOST_EMAIL,
        password=settings.DOCMOST_PASSWORD,
        token_store=CacheTokenStore(),
    )
    return DocmostConnection(client=client)


def docmost() -> DocmostConnection:
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                _current = connection_from_settings()
    return _current


def use_docmost(connection: DocmostConnection | None) -> None:
    """Replace the process-wide connection (tests); None rebuilds it from settings on next use."""
    global _current
    _current = connection
