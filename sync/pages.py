"""Baserow → Docmost: the pages and spaces that mirror projets and formations.

A projet has a page in the agency space (title and content kept current, the Docmost id written
back to Baserow); a formation has a space "[CFA] <nom>" with one page per bloc. Pages are created
once, even when an attempt dies after Docmost created one (adopted by title), and never deleted:
a row deleted in Baserow flags its link for an admin to decide. A projet whose statut changes
through the bridge has its page refreshed by `projet_page_refresh` (a signal from hub/).
"""

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from domain.errors import NotFound
from hub import notifications
from hub.cache import (
    cache_delete_pattern,
    cache_invalidate_formation,
    cache_invalidate_projet,
)
from hub.errors import ApplicationError
from hub.ledger import Actor, docmost_ids_write_back
from hub.locks import entity_locks
from hub.repository import Repository
from hub.services.projets import projet_statut_changed
from integrations.docmost.client import DocmostError
from integrations.docmost.connection import docmost
from sync.models import EntityLink

SYNC_ACTOR = Actor(token_name="sync (Baserow webhook)")  # noqa: S106 - a label, not a secret


def row_deleted(entity: str, row_id: int) -> str:
    """Nothing is deleted in Docmost: the link is flagged for an admin to decide."""
    updated = EntityLink.objects.filter(
        entity=entity, row_id=row_id, source_deleted_at__isnull=True
    ).update(source_deleted_at=timezone.now())
    if entity == "projet":
        cache_invalidate_projet(row_id)
    elif entity == "formation":
        cache_invalidate_formation(row_id)
    elif entity in ("attribution", "intervention"):
        cache_delete_pattern("personne:*")
    return f"{entity} {row_id}: deleted in Baserow" + (", page kept and flagged" if updated else "")


def agency_space_id() -> str:
    """The agency space (projet pages): created once, or adopted when it already exists."""
    link, _ = EntityLink.objects.get_or_create(entity="agency_space", row_id=0)
    if link.docmost_space_id:
        return link.docmost_space_id
    client = docmost().client
    try:
        space = client.create_space(
            name=settings.DOCMOST_AGENCY_SPACE_NAME, slug=settings.DOCMOST_AGENCY_SPACE_SLUG
        )
    except Exception:  # already there (created earlier, or by a person): adopt it
        space = client.get_space(settings.DOCMOST_AGENCY_SPACE_SLUG)
    link.docmost_space_id = space["id"]
    link.title = space.get("name", "")
    link.save(update_fields=["docmost_space_id", "title", "updated_at"])
    return link.docmost_space_id


# Every ASCII punctuation character: CommonMark (and Docmost's parser) reads each one
# backslash-escaped as itself, so no value can open a link, an image, emphasis or raw HTML.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(value: Any) -> str:
    """A Baserow value as literal text inside a Markdown line: whitespace (line breaks
    included) collapsed to single spaces, so it cannot start a block; punctuation escaped, so a
    `nom` such as `[x](javascript:…)` or `<img src=x onerror=…>` stays text in the page. Not for
    page titles: Docmost titles are plain text, escapes would show."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(value).split()))


def projet_markdown(projet: Any, client_name: str, taches: list[Any]) -> str:
    from hub.representations import num

    text = markdown_text
    lines = [
        f"# Projet {text(projet.nom)}",
        "",
        f"- **Client :** {text(client_name)}",
        f"- **Statut :** {text(projet.statut or '—')}",
        f"- **Charge estimée :** {num(projet.charge_estimee_h)} h",
        "",
        "## Tâches",
        "",
    ]
    for tache in sorted(taches, key=lambda t: t.id):
        done = "x" if tache.statut == "terminee" else " "
        lines.append(
            f"- [{done}] {text(tache.nom)} ({text(tache.statut or '—')}, "
            f"{num(tache.estimation_h)} h)"
        )
    if not taches:
        lines.append("Aucune tâche pour l'instant.")
    return "\n".join(lines) + "\n"


def _adopt_or_create_page(
    link: EntityLink, space_id: str, title: str, markdown: str
) -> tuple[str, bool]:
    """Create the page once, even if a previous attempt died after Docmost created it.
    Returns the page id and whether it was adopted (found, made by an attempt that died)."""
    client = docmost().client
    if link.state.get("creating"):
        for page in client.iter_recent_pages(space_id=space_id):
            if page.get("title") == title:
                # Its content may never have taken (a failed read-back): write it, verified.
                client.update_page(page_id=str(page["id"]), title=title, markdown=markdown)
                return str(page["id"]), True
    link.state = {**link.state, "creating": True}
    link.save(update_fields=["state", "updated_at"])  # committed before Docmost is called
    page = client.create_page(space_id=space_id, title=title, markdown=markdown)
    return str(page["id"]), False


@dataclass
class ProjetSyncOutcome:
    link: EntityLink
    action: str  # page created / page adopted / page updated / page already current
    write_back: bool  # Baserow's docmost_page_id differs from the page
    delivered: bool  # the projet just became livre


def projet_page_ensure(projet: Any, taches: list[Any]) -> ProjetSyncOutcome:
    """Create or refresh the projet's page from already fetched rows (no Baserow call here)."""
    client_name = projet.client.value if projet.client else "sans client"
    title = f"Projet {projet.nom} - {client_name}"
    markdown = projet_markdown(projet, client_name, taches)
    content_hash = hashlib.sha256(f"{title}\n{markdown}".encode()).hexdigest()
    link, _ = EntityLink.objects.get_or_create(entity="projet", row_id=projet.id)
    space_id = agency_space_id()
    if not link.docmost_page_id:
        link.docmost_page_id, adopted = _adopt_or_create_page(link, space_id, title, markdown)
        link.docmost_space_id = space_id
        action = "page adopted" if adopted else "page created"
    elif link.state.get("hash") != content_hash:
        docmost().client.update_page(page_id=link.docmost_page_id, title=title, markdown=markdown)
        action = "page updated"
    else:
        action = "page already current"
    delivered = projet.statut == "livre" and link.state.get("statut") != "livre"
    link.title = title
    link.source_deleted_at = None
    link.state = {"statut": projet.statut, "hash": content_hash}
    link.save()
    return ProjetSyncOutcome(
        link=link,
        action=action,
        write_back=projet.docmost_page_id != link.docmost_page_id,
        delivered=delivered,
    )


def sync_projet(row_id: int, created: bool = False, *, actor: Actor = SYNC_ACTOR) -> str:
    """The projet's page in the agency space: created once, title and content kept current.
    The id written back to Baserow is credited to `actor` (the webhook sync unless told)."""
    repo = Repository()
    with entity_locks(f"sync:projet:{row_id}"):
        try:
            projet = repo.get("projet", row_id)
        except NotFound:
            return row_deleted("projet", row_id) + " (not resurrected)"
        outcome = projet_page_ensure(projet, repo.linked("tache", "projet", [row_id]))
        if outcome.delivered:  # queued before anything else can fail: link.state says it is sent
            transaction.on_commit(lambda: notifications.notify_projet_delivered.delay(row_id))
        if outcome.write_back:
            docmost_ids_write_back(
                entity="projet",
                items=[{"id": row_id, "docmost_page_id": outcome.link.docmost_page_id}],
                actor=actor,
            )
        action = outcome.action + (", billing notice sent" if outcome.delivered else "")
        cache_invalidate_projet(row_id)
    return f"projet {row_id}: {action}"


def sync_formation(row_id: int, created: bool = False, *, actor: Actor = SYNC_ACTOR) -> str:
    """A Docmost space "[CFA] <nom>" per formation, with one page per bloc; the ids written back
    to Baserow are credited to `actor`."""
    repo = Repository()
    client = docmost().client
    with entity_locks(f"sync:formation:{row_id}"):
        try:
            formation = repo.get("formation", row_id)
        except NotFound:
            return row_deleted("formation", row_id) + " (not resurrected)"
        name = f"[CFA] {formation.nom}"[:100]
        link, _ = EntityLink.objects.get_or_create(entity="formation", row_id=row_id)
        slug = f"cfa-{row_id}"
        if not link.docmost_space_id:
            try:
                space = client.create_space(name=name, slug=slug)
            except Exception:  # created by an attempt that died before saving: adopt it
                space = client.get_space(slug)
            link.docmost_space_id = space["id"]
            action = "space created"
        elif link.title != name:
            client.update_space(space_id=link.docmost_space_id, name=name)
            action = "space renamed"
        else:
            action = "space already current"
        link.title = name
        link.source_deleted_at = None
        link.save()
        blocs = repo.linked("bloc", "formation", [row_id])
        created_pages = 0
        for bloc in sorted(blocs, key=lambda b: (b.ordre, b.id)):
            bloc_link, _ = EntityLink.objects.get_or_create(entity="bloc", row_id=bloc.id)
            if not bloc_link.docmost_page_id:
                bloc_link.docmost_page_id, _adopted = _adopt_or_create_page(
                    bloc_link, link.docmost_space_id, bloc.nom, f"# {markdown_text(bloc.nom)}\n"
                )
                bloc_link.docmost_space_id = link.docmost_space_id
                created_pages += 1
            elif bloc_link.title != bloc.nom:
                client.update_page(page_id=bloc_link.docmost_page_id, title=bloc.nom)
            bloc_link.title = bloc.nom
            bloc_link.state = {}
            bloc_link.save()
            if bloc.docmost_page_id != bloc_link.docmost_page_id:
                docmost_ids_write_back(
                    entity="bloc",
                    items=[{"id": bloc.id, "docmost_page_id": bloc_link.docmost_page_id}],
                    actor=actor,
                )
        if formation.docmost_space_id != link.docmost_space_id:
            docmost_ids_write_back(
                entity="formation",
                items=[{"id": row_id, "docmost_space_id": link.docmost_space_id}],
                actor=actor,
            )
        cache_invalidate_formation(row_id)
    return f"formation {row_id}: {action}, {created_pages} bloc page(s) created"


@receiver(projet_statut_changed)
def projet_page_refresh(sender: Any, *, projet_id: int, **kwargs: Any) -> str:
    """The projet page shows its new statut. Baserow is already right: a Docmost failure here is
    reported as an outcome (the next reconciliation, or a force sync, refreshes the page), not as
    an error that would invite a retry of a write that happened."""
    try:
        return sync_projet(projet_id)
    except (DocmostError, ApplicationError) as exc:
        return f"page refresh pending ({exc}); a force sync or the reconciliation will do it"
