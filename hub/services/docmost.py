"""Docmost writes (seed section 6.7): pages, collections (Docmost spaces) and public share links.

One function per operation, keyword-only, over the process-wide `docmost().client`. Each answers
the bridge's representation of what Docmost returned and records it in the audit trail; a
Docmost failure propagates as a `DocmostError` (rendered by `bridge_api.errors`), except where a
more precise answer exists (an unknown page → 404 naming it, a taken slug → 409). What Docmost's
API cannot do (a page's cover photo, a share link's password or expiry) is refused up front with
422 `UNSUPPORTED_BY_DOCMOST`, before anything is sent (CONTRACT §3.1, §4).

No call is added to what the client already does: a page's web URL needs its space's slug, which
an update answers with but a creation does not, so `url_path` is given only when it is known.
"""

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from hub.errors import ApplicationError, ErrorCode
from hub.ledger import Actor, audit_record
from integrations.docmost.client import DocmostNotFound, DocmostRequestError
from integrations.docmost.connection import docmost

MARKDOWN_MAX_BYTES = 1_000_000
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UUID_RE = re.compile(rf"^{_UUID}\Z")
# A page is named by its UUID or its 10-character slugId (CONTRACT §0, §3.1).
PAGE_REF_RE = re.compile(rf"^(?:{_UUID}|[0-9A-Za-z]{{10}})\Z")
# Docmost ≥ 0.95; up to 0.90 only letters and digits (`default_space_slug` makes those).
SPACE_SLUG_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]*\Z")

UNSUPPORTED_PAGE_FIELDS = {
    "cover": "Docmost's API has no cover photo setting: a page's cover cannot be set through it.",
}
_NO_SHARE_OPTION = "Docmost share links have neither a password nor an expiry date."
UNSUPPORTED_SHARE_FIELDS = {
    "password": _NO_SHARE_OPTION,
    "expires_at": _NO_SHARE_OPTION,
    "expiration": _NO_SHARE_OPTION,
}


# -- helpers -------------------------------------------------------------------------------------


def refuse_unsupported(body: Any, unsupported: Mapping[str, str]) -> None:
    """422 UNSUPPORTED_BY_DOCMOST if the request body asks for something Docmost cannot do."""
    if not isinstance(body, Mapping):
        return
    offending = [name for name in unsupported if name in body]
    if offending:
        reasons = dict.fromkeys(unsupported[name] for name in offending)
        raise ApplicationError(
            ErrorCode.UNSUPPORTED_BY_DOCMOST,
            f"{' '.join(reasons)} Remove {', '.join(repr(n) for n in offending)}; "
            "nothing was written.",
            details={"fields": offending},
        )


def slugify_title(title: str | None) -> str:
    """The title part of a Docmost page URL, as its web client builds it (`slugify`, lower case,
    the first 70 characters, "untitled" when there is no title)."""
    text = unicodedata.normalize("NFKD", (title or "")[:70] or "untitled")
    text = text.encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s$*_+~.()'\"!\-:@]+", "", text).strip()
    return re.sub(r"\s+", "-", text).lower()


def page_url_path(*, space_slug: str, title: str | None, slug_id: str) -> str:
    """`/s/<space slug>/p/<slugified title>-<slugId>`: the page in Docmost's web client."""
    return f"/s/{space_slug}/p/{slugify_title(title)}-{slug_id}"


def default_space_slug(name: str) -> str:
    """Lower-case ASCII letters and digits of the name (2–100): valid on every Docmost version."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]", "", folded)[:100]
    return slug if len(slug) >= 2 else f"space{slug}"


def record_audit(*, actor: Actor, action: str, entity: str, after: dict[str, Any]) -> None:
    """One audit row for a Docmost write (Docmost ids are not integers: `entity_id` is null)."""
    audit_record(actor=actor, action=action, entity=entity, entity_id=None, after=after)


def _page_not_found(page_id: str, exc: DocmostNotFound | None = None) -> ApplicationError:
    return ApplicationError(
        ErrorCode.NOT_FOUND,
        f"Docmost has no page {page_id!r}, or the bridge's Docmost user has no access to it.",
        details={
            "entity": "docmost_page",
            "id": page_id,
            "docmost_messages": exc.messages if exc else [],
        },
    )


@dataclasses.dataclass(frozen=True)
class DocmostPage:
    page_id: str
    slug_id: str
    title: str | None
    space_id: str
    parent_page_id: str | None
    # `/s/<space slug>/p/<slug>` in Docmost's web client, when known without another call.
    url_path: str | None = None


@dataclasses.dataclass(frozen=True)
class DocmostSpace:
    space_id: str
    name: str
    slug: str


@dataclasses.dataclass(frozen=True)
class DocmostShare:
    share_id: str
    key: str
    page_id: str
    include_sub_pages: bool


def _page_data(page: Mapping[str, Any]) -> DocmostPage:
    space = page.get("space")
    url_path = None
    if isinstance(space, Mapping) and space.get("slug") and page.get("slugId"):
        url_path = page_url_path(
            space_slug=str(space["slug"]), title=page.get("title"), slug_id=str(page["slugId"])
        )
    return DocmostPage(
        page_id=page.get("id"),  # type: ignore[arg-type]
        slug_id=page.get("slugId"),  # type: ignore[arg-type]
        title=page.get("title"),
        space_id=page.get("spaceId"),  # type: ignore[arg-type]
        parent_page_id=page.get("parentPageId"),
        url_path=url_path,
    )


def _audited(item: Any) -> dict[str, Any]:
    """A result as the audit trail keeps it: as answered (an unknown `url_path` left out)."""
    data = dataclasses.asdict(item)
    if data.get("url_path", "") is None:
        del data["url_path"]
    return data


# -- operations ----------------------------------------------------------------------------------


def docmost_page_create(
    *,
    space_id: str,
    title: str,
    markdown: str | None = None,
    parent_page_id: str | None = None,
    icon: str | None = None,
    actor: Actor,
) -> DocmostPage:
    """Create a page (placed last among its siblings); with `markdown`, Docmost's copy is read back
    and checked. `url_path` is not given: Docmost's answer to a creation lacks the space slug."""
    page = docmost().client.create_page(
        space_id=space_id,
        title=title,
        markdown=markdown,
        parent_page_id=parent_page_id,
        icon=icon,
    )
    data = _page_data(page)
    record_audit(
        actor=actor, action="docmost.page.create", entity="docmost_page", after=_audited(data)
    )
    return data


def docmost_page_update(
    *,
    page_id: str,
    title: str | None = None,
    markdown: str | None = None,
    icon: str | None = None,
    actor: Actor,
) -> DocmostPage:
    """Change a page's title, icon and/or body (`markdown` replaces the whole body); the title and
    body are read back and checked."""
    if not PAGE_REF_RE.match(page_id):
        raise _page_not_found(page_id)
    try:
        page = docmost().client.update_page(
            page_id=page_id, title=title, icon=icon, markdown=markdown
        )
    except DocmostNotFound as exc:
        raise _page_not_found(page_id, exc) from exc
    data = _page_data(page)
    record_audit(
        actor=actor, action="docmost.page.update", entity="docmost_page", after=_audited(data)
    )
    return data


def docmost_collection_create(
    *, name: str, slug: str | None = None, description: str = "", actor: Actor
) -> DocmostSpace:
    """Create a Docmost space (a "collection"); the bridge's Docmost user becomes its admin."""
    slug = slug or default_space_slug(name)
    try:
        space = docmost().client.create_space(name=name, slug=slug, description=description)
    except DocmostRequestError as exc:
        if exc.status == 400 and any("slug exists" in m.lower() for m in exc.messages):
            raise ApplicationError(
                ErrorCode.CONFLICT,
                f"A Docmost space with the slug {slug!r} already exists; choose another slug.",
                details={"slug": slug},
            ) from exc
        raise
    data = DocmostSpace(
        space_id=space.get("id"),  # type: ignore[arg-type]
        name=space.get("name"),  # type: ignore[arg-type]
        slug=space.get("slug"),  # type: ignore[arg-type]
    )
    record_audit(
        actor=actor, action="docmost.space.create", entity="docmost_space", after=_audited(data)
    )
    return data


def docmost_share_link_create(
    *, page_id: str, include_sub_pages: bool = False, actor: Actor
) -> DocmostShare:
    """Share a page publicly. Docmost keeps one share per page: if the page is already shared,
    that share is returned unchanged (its own `include_sub_pages`), so this is idempotent."""
    if not PAGE_REF_RE.match(page_id):
        raise _page_not_found(page_id)
    try:
        share = docmost().client.create_share(page_id=page_id, include_sub_pages=include_sub_pages)
    except DocmostNotFound as exc:
        raise _page_not_found(page_id, exc) from exc
    data = DocmostShare(
        share_id=share.get("id"),  # type: ignore[arg-type]
        key=share.get("key"),  # type: ignore[arg-type]
        page_id=share.get("pageId"),  # type: ignore[arg-type]
        include_sub_pages=bool(share.get("includeSubPages")),
    )
    record_audit(
        actor=actor, action="docmost.share.create", entity="docmost_share", after=_audited(data)
    )
    return data
