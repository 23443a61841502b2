"""The process-wide Docmost connection. Without DOCMOST_URL, an in-process Docmost (demo, tests).

The service user's token is shared by every process through the Django cache: one login, reused
until Docmost answers 401 (sessions live 90 days; logins are throttled and each one creates a
session, so never log in per request).
"""

import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from integrations.docmost.client import DocmostClient
from integrations.docmost.fake import FakeDocmost
from integrations.fake_transport import fake_session

TOKEN_KEY = "docmost:token"  # noqa: S105 - a cache key, not a secret


class CacheTokenStore:
    def get(self) -> str | None:
        value = caches["ratelimit"].get(TOKEN_KEY)
        return str(value) if value else None

    def set(self, token: str) -> None:
        caches["ratelimit"].set(TOKEN_KEY, token, timeout=None)


@dataclass(frozen=True)
class DocmostConnection:
    client: DocmostClient
    fake: FakeDocmost | None = None

    @property
    def is_demo(self) -> bool:
        return self.fake is not None


_lock = threading.Lock()
_current: DocmostConnection | None = None


def connect_fake(fake: FakeDocmost) -> DocmostConnection:
    client = DocmostClient(
        base_url=fake.base_url, email=fake.email, password=fake.password, session=fake_session(fake)
    )
    return DocmostConnection(client=client, fake=fake)


def connection_from_settings() -> DocmostConnection:
    if not settings.DOCMOST_URL:
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
