"""The Docmost origins: the only pages that may frame a card (CSP frame-ancestors) and call the
embeds API from a browser (CORS)."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest

EMBEDS_API_PREFIX = "/api/v1/embeds/"


def docmost_origins() -> list[str]:
    """DOCMOST_PUBLIC_URL, else DOCMOST_URL, as origins (`https://wiki.example.org/x` →
    `https://wiki.example.org`)."""
    origins = []
    for url in settings.DOCMOST_PUBLIC_URL or [settings.DOCMOST_URL]:
        parts = urlsplit(url.strip())
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def cors_allows(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
    """django-cors-headers' `check_request_enabled`: the embeds API, from a Docmost origin."""
    return request.path.startswith(EMBEDS_API_PREFIX) and (
        request.headers.get("Origin", "") in docmost_origins()
    )
