"""The only URL fetcher WeasyPrint gets: it serves the report's own static files and refuses
everything else (http, https, ftp, data, other files), logging each refusal. Rendering therefore
never reaches the network, whatever a Baserow value hides (and values are escaped anyway)."""

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger("bridge.reports")

STATIC_ROOT = (Path(__file__).resolve().parent / "static" / "reports").resolve()


class FetchRefused(ValueError):
    """WeasyPrint logs the error and draws the document without the resource."""


class StaticOnlyFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, timeout=1)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(STATIC_ROOT) and path.is_file():
                return super().fetch(path.as_uri(), headers)
        logger.warning("reports.fetch-refused", extra={"url": url[:200]})
        raise FetchRefused(f"reports fetch only their own static files, not {url[:200]!r}")


def static_base_url() -> str:
    """The base URL relative links in a report resolve against: its static folder."""
    return STATIC_ROOT.as_uri() + "/"
