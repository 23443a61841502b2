"""Shared by the cards' and pages' tests."""

from urllib.parse import urlsplit

import pytest

from embeds.signing import card_url_sign


def path_of(kind: str, ident) -> str:
    """The path and query of a freshly signed card or page URL (the test client's host)."""
    parts = urlsplit(card_url_sign(kind=kind, ident=ident).url)
    return f"{parts.path}?{parts.query}"


@pytest.fixture
def reader(client_for):
    return client_for("read:*")
