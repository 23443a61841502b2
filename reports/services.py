"""Reports (seed section 6.6): a formation, a personne or a projet as a PDF, or as the same
document in HTML. Every door (REST, `manage.py rapport`, MCP) calls `rapport_generer`.

The data comes from the application layer's report selectors (`hub.selectors.rapports`), which
share their loads and their cache with the read API: the totals printed are the API's, and the
webhooks that refresh the API refresh the reports. The rendered bytes are cached under a hash of
that data, the format and the version of the templates and code that draw it, so an unchanged
report costs two cache reads, and changed data (a new hash) is never hidden behind an old
document. The ETag is that hash: a client holding it gets a 304 without anything being rendered.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from django.core.cache import cache as django_cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from prometheus_client import Counter, Histogram

from hub.errors import ApplicationError, ErrorCode
from hub.etags import etag_matches
from hub.selectors.rapports import formation_rapport, personne_rapport, projet_rapport
from reports import contexts

logger = logging.getLogger("bridge.reports")

REPORTS_RENDERED = Counter(
    "reports_total", "Reports served, by kind, format and source.", ["kind", "format", "source"]
)
REPORT_RENDER_SECONDS = Histogram(
    "report_render_seconds", "Time to render a report that was not cached.", ["kind", "format"]
)

# Rendered reports are kept this long (seconds); the key changes with the data anyway.
CACHE_TTL = 24 * 3600
PDF_VARIANT = "pdf/ua-1"  # tagged, accessible PDF: structure, title, language
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE.parent / "templates" / "reports"


class RapportKind(StrEnum):
    FORMATION = "formation"
    PERSONNE = "personne"
    PROJET = "projet"


class RapportFormat(StrEnum):
    PDF = "pdf"
    HTML = "html"


MEDIA_TYPES = {RapportFormat.PDF: "application/pdf", RapportFormat.HTML: "text/html; charset=utf-8"}


@dataclass(frozen=True)
class _Spec:
    load: Callable[[int], Any]
    context: Callable[[Any], dict[str, Any]]
    name: Callable[[Any], str]


SPECS = {
    RapportKind.FORMATION: _Spec(
        lambda row_id: formation_rapport(formation_id=row_id),
        contexts.formation_context,
        lambda data: data.formation.nom,
    ),
    RapportKind.PERSONNE: _Spec(
        lambda row_id: personne_rapport(personne_id=row_id),
        contexts.personne_context,
        lambda data: data.personne.nom_prenom,
    ),
    RapportKind.PROJET: _Spec(
        lambda row_id: projet_rapport(projet_id=row_id),
        contexts.projet_context,
        lambda data: data.projet.nom,
    ),
}


@dataclass(frozen=True)
class Rapport:
    """A report ready to send; `content` is None when the caller already holds this version
    (its `If-None-Match` matched `etag`)."""

    kind: RapportKind
    row_id: int
    format: RapportFormat
    etag: str
    filename: str
    media_type: str
    content: bytes | None
    source: str  # "render", "cache" or "not-modified"


def rapport_format_parse(raw: str | None) -> RapportFormat:
    """`pdf` (the default) or `html`; anything else is a 400 that says what to send."""
    value = "pdf" if raw is None else raw
    try:
        return RapportFormat(value)
    except ValueError:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            "Unknown report format: use format=pdf (the default) or format=html.",
            details={"format": [f"Use pdf or html, not {value[:40]!r}."]},
        ) from None


def rapport_generer(
    *,
    kind: RapportKind | str,
    row_id: int,
    format: RapportFormat | str | None = None,
    if_none_match: str | None = None,
) -> Rapport:
    """Render the report of one formation, personne or projet, as PDF or HTML: its data is what
    the read API serves (same loads, same cache), and the rendered bytes are reused while that
    data and the templates stay the same. 404 for an unknown id; 502 when Baserow fails (nothing
    is rendered from partial data)."""
    kind = RapportKind(kind)
    fmt = rapport_format_parse(None if format is None else str(format))
    spec = SPECS[kind]
    data = spec.load(row_id)
    digest = _digest(kind, fmt, data)
    etag = f'"{digest[:40]}"'
    base = {
        "kind": kind,
        "row_id": row_id,
        "format": fmt,
        "etag": etag,
        "filename": _filename(kind, row_id, spec.name(data), fmt),
        "media_type": MEDIA_TYPES[fmt],
    }
    if etag_matches(if_none_match, etag):
        REPORTS_RENDERED.labels(kind, fmt, "not-modified").inc()
        return Rapport(**base, content=None, source="not-modified")  # type: ignore[arg-type]
    key = f"rapport:{digest}"
    content = _cache_get(key)
    source = "cache"
    if content is None:
        started = time.perf_counter()
        content = _render(kind, fmt, spec, data)
        REPORT_RENDER_SECONDS.labels(kind, fmt).observe(time.perf_counter() - started)
        _cache_set(key, content)
        source = "render"
    REPORTS_RENDERED.labels(kind, fmt, source).inc()
    return Rapport(**base, content=content, source=source)  # type: ignore[arg-type]


def _render(kind: RapportKind, fmt: RapportFormat, spec: _Spec, data: Any) -> bytes:
    context = spec.context(data) | {
        "css": _stylesheet(),
        "genere_le": timezone.now(),
        "donnees_lues_le": data.donnees_lues_le,
    }
    html = render_to_string(f"reports/{kind.value}.html", context)
    if fmt is RapportFormat.HTML:
        return html.encode()
    # WeasyPrint takes a second to import: only the processes that draw a PDF pay it.
    from weasyprint import HTML

    from reports.fetcher import StaticOnlyFetcher, static_base_url

    document = HTML(string=html, base_url=static_base_url(), url_fetcher=StaticOnlyFetcher())
    return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))


def _digest(kind: RapportKind, fmt: RapportFormat, data: Any) -> str:
    """What a rendered document depends on: its data (the selector's `empreinte`, a hash of the
    content), its kind and format, and the templates and code that draw it."""
    parts = (template_version(), kind.value, fmt.value, data.empreinte)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@cache
def template_version() -> str:
    """A hash of everything that draws a report: its templates, stylesheet and code."""
    files = sorted(
        [*TEMPLATES.rglob("*.html"), *(HERE / "static").rglob("*.css"), *HERE.rglob("*.py")]
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def _stylesheet() -> str:
    """Inlined, so the HTML twin is one standalone file."""
    return (HERE / "static" / "reports" / "rapport.css").read_text()


def _filename(kind: RapportKind, row_id: int, name: str, fmt: RapportFormat) -> str:
    """`rapport-formation-developpeur-web-fullstack-2026-12-08.pdf` (ASCII, no accent)."""
    slug = slugify(name)[:60].strip("-") or str(row_id)
    return f"rapport-{kind.value}-{slug}-{timezone.localdate().isoformat()}.{fmt.value}"


def _cache_get(key: str) -> bytes | None:
    try:
        value = django_cache.get(key)
    except Exception:  # the cache is an optimisation: render rather than fail
        logger.warning("reports.cache-unavailable", exc_info=True)
        return None
    return value if isinstance(value, bytes) else None


def _cache_set(key: str, content: bytes) -> None:
    try:
        django_cache.set(key, content, CACHE_TTL)
    except Exception:
        logger.warning("reports.cache-unavailable", exc_info=True)
