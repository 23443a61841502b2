"""Prepare a real Docmost for the bridge: the agency space and the comptes-rendus parent page.

Both are created once (or adopted when they already exist: the space by its slug, the page by
its title among the space's top-level pages) and their ids stored in the database as
`EntityLink` singletons (row 0), where the sync and the poll read them on every run: nothing to
copy into `.env`, no worker or beat to restart. DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID, when set,
still wins over the stored page (a deployment that chose its own page keeps it).
"""

from dataclasses import dataclass, field

from django.conf import settings

from integrations.docmost.client import DocmostNotFound
from integrations.docmost.connection import docmost
from sync.models import EntityLink
from sync.pages import agency_space_id

AGENCY_SPACE_ENTITY = "agency_space"  # the link `agency_space_id` keeps its space id in
PARENT_PAGE_ENTITY = "comptes_rendus_parent"  # EntityLink(entity=…, row_id=0): the stored page
PARENT_PAGE_MARKDOWN = (
    "Each page created directly under this one is a compte rendu: the Formation Hub Bridge "
    "copies it into Baserow (table compte_rendu) within a few minutes.\n"
)


def comptes_rendus_parent_page_id() -> str:
    """The page whose direct children are comptes rendus: the setting, else the stored page
    (`manage.py docmost_setup`); empty when neither exists (the poll is then off)."""
    if settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID:
        return str(settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID)
    stored = (
        EntityLink.objects.filter(entity=PARENT_PAGE_ENTITY, row_id=0)
        .values_list("docmost_page_id", flat=True)
        .first()
    )
    return stored or ""


@dataclass
class DocmostSetupReport:
    space_id: str
    parent_page_id: str
    lines: list[str] = field(default_factory=list)


def docmost_setup(*, parent_title: str) -> DocmostSetupReport:
    """Ensure the agency space and the parent page exist; idempotent. Raises DocmostError."""
    lines: list[str] = []
    space_id = _agency_space_ensure(lines=lines)
    if settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID:
        page_id = str(settings.DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID)
        docmost().client.get_page(page_id)  # DocmostNotFound names a wrong setting
        lines.append(
            f"comptes-rendus parent page {page_id}: set by DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID"
        )
    else:
        page_id = _parent_page_ensure(space_id=space_id, title=parent_title, lines=lines)
    return DocmostSetupReport(space_id=space_id, parent_page_id=page_id, lines=lines)


def _agency_space_ensure(*, lines: list[str]) -> str:
    """The sync's own space lookup (`agency_space_id`), after forgetting a stored id whose space
    no longer exists in Docmost."""
    client = docmost().client
    link = EntityLink.objects.filter(entity=AGENCY_SPACE_ENTITY, row_id=0).first()
    known = link.docmost_space_id if link is not None else ""
    if link is not None and known:
        try:
            client.get_space(known)
        except DocmostNotFound:
            link.docmost_space_id = ""
            link.save(update_fields=["docmost_space_id", "updated_at"])
            lines.append(f"agency space {known}: gone from Docmost, forgotten")
            known = ""
    space_id = agency_space_id()
    state = "exists" if space_id == known else "created or adopted (by its slug)"
    lines.append(
        f"agency space {settings.DOCMOST_AGENCY_SPACE_NAME!r} "
        f"(slug {settings.DOCMOST_AGENCY_SPACE_SLUG}): {space_id}, {state}"
    )
    return space_id


def _parent_page_ensure(*, space_id: str, title: str, lines: list[str]) -> str:
    client = docmost().client
    link, _ = EntityLink.objects.get_or_create(entity=PARENT_PAGE_ENTITY, row_id=0)
    if link.docmost_page_id:
        try:
            page = client.get_page(link.docmost_page_id)
        except DocmostNotFound:
            page = {"deletedAt": "gone"}
        if not page.get("deletedAt"):
            lines.append(f"comptes-rendus parent page {title!r}: {link.docmost_page_id}, exists")
            return link.docmost_page_id
        lines.append(f"comptes-rendus parent page {link.docmost_page_id}: deleted in Docmost")
    adopted = next(
        (
            str(page["id"])
            for page in client.iter_sidebar_pages(space_id=space_id)
            if page.get("title") == title
        ),
        None,
    )
    if adopted is not None:
        page_id, state = adopted, "adopted (same title, top level of the space)"
    else:
        created = client.create_page(space_id=space_id, title=title, markdown=PARENT_PAGE_MARKDOWN)
        page_id, state = str(created["id"]), "created"
    link.docmost_page_id, link.docmost_space_id, link.title = page_id, space_id, title
    link.save(update_fields=["docmost_page_id", "docmost_space_id", "title", "updated_at"])
    lines.append(f"comptes-rendus parent page {title!r}: {page_id}, {state}")
    return page_id
