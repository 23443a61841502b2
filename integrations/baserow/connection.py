"""The process-wide Baserow connection: a client and the schema mapping it goes with.

Built once from settings on first use. Without BASEROW_URL it is the demo: an in-process fake
Baserow seeded with a realistic data set, so a fresh `make run` answers with real data.
"""

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from integrations.baserow.client import BaserowClient
from integrations.baserow.schema import SchemaMapping, load_mapping

if TYPE_CHECKING:  # the fake is imported only when demo mode or a test uses it
    from integrations.fakes.baserow.fake import FakeBaserow


@dataclass(frozen=True)
class BaserowConnection:
    client: BaserowClient
    mapping: SchemaMapping
    fake: "FakeBaserow | None" = None  # set in demo mode and in tests

    @property
    def is_demo(self) -> bool:
        return self.fake is not None


_lock = threading.Lock()
_current: BaserowConnection | None = None


def connection_from_settings() -> BaserowConnection:
    if not settings.BASEROW_URL:
        try:
            from integrations.fakes.demo import build_demo_baserow
        except ModuleNotFoundError as exc:  # the container image leaves the fakes out
            raise ImproperlyConfigured(
                "BASEROW_URL is not set and this installation has no demo Baserow (the in-process "
                "fakes are not shipped in the container image): set BASEROW_URL and "
                "BASEROW_DATABASE_TOKEN."
            ) from exc

        fake, mapping = build_demo_baserow(personnes=settings.BASEROW_DEMO_PERSONNES)
        return connect_fake(fake, mapping)
    if not settings.BASEROW_DATABASE_TOKEN:
        raise ImproperlyConfigured("BASEROW_URL is set but BASEROW_DATABASE_TOKEN is not.")
    mapping = load_mapping(path=settings.BASEROW_SCHEMA_FILE, inline=settings.BASEROW_SCHEMA)
    return BaserowConnection(client=client_from_settings(), mapping=mapping)


def client_from_settings() -> BaserowClient:
    """A client for the configured Baserow (the mapping is not needed to talk to it)."""
    return BaserowClient(
        base_url=settings.BASEROW_URL,
        database_token=settings.BASEROW_DATABASE_TOKEN,
        email=settings.BASEROW_EMAIL,
        password=settings.BASEROW_PASSWORD,
        timeout=(settings.BASEROW_CONNECT_TIMEOUT, settings.BASEROW_READ_TIMEOUT),
        max_retries=settings.BASEROW_MAX_RETRIES,
    )


def client_for_fake(fake: "FakeBaserow") -> BaserowClient:
    """A client whose transport is the in-process fake (demo mode, tests)."""
    from integrations.fakes.demo import fake_client

    return fake_client(fake)


def connect_fake(fake: "FakeBaserow", mapping: SchemaMapping) -> BaserowConnection:
    return BaserowConnection(client=client_for_fake(fake), mapping=mapping, fake=fake)


def baserow() -> BaserowConnection:
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                _current = connection_from_settings()
    return _current


def use_baserow(connection: BaserowConnection | None) -> None:
    """Replace the process-wide connection (tests); None rebuilds it from settings on next use."""
    global _current
    _current = connection
