"""Docmost → Baserow: comptes rendus written in Docmost become `compte_rendu` rows, by polling.

Docmost pushes no events (CONTRACT §7.1), so a beat task walks `POST /api/pages/recent`
(newest `updatedAt` first, cursor pagination, streamed page by page: constant memory) back to
the stored high-water mark minus DOCMOST_POLL_OVERLAP_SECONDS, the safety overlap for edits whose
`updatedAt` lands slightly behind the mark (collaboration debounce). The mark moves to the newest
`updatedAt` seen only once the whole run succeeded; a failure leaves it where it was, so the next
run walks the same window again. Pages seen twice are de-duplicated by `(id, updatedAt)` and by
a hash of their title and content kept in the link's state.

Which pages are comptes rendus: the *direct* children of DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID,
or when it is empty of the page `manage.py docmost_setup` stored (read on every run: no restart).
Grandchildren are not: `recent` gives only `parentPageId`, and resolving ancestors would cost a
request per page. Labels are not read: `recent` items carry no labels, so using them would mean
one `/api/pages/labels` request per page or a second walk of `/api/labels/pages`, whose items
lack `parentPageId`/`lastUpdatedById`, and labels only exist from Docmost v0.90.
DOCMOST_COMPTES_RENDUS_LABEL is reserved for that.

For each compte-rendu page:
- same `updatedAt` as last time → nothing (no Docmost or Baserow request);
- otherwise its content is read (Markdown); last updated by the bridge's own Docmost user with
  the title/content hash the bridge recorded → the bridge's own edit, skipped; same hash as last
  time (icon change, move, …) → nothing written;
- else the row is created or updated: titre = page title, date = page creation date (Europe/Paris),
  docmost_page_id, and projet when the title or content names a projet exactly (projet names are
  listed once per run, only when something is written; a link is added, never removed).
Writes go through `hub.ledger.Writer` (`send_webhook_events=false`, echo ledger, audit).
Deleted (trashed) pages drop out of `recent` and are not handled here; their rows stay.
"""

import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from domain.entities import CompteRendu
from domain.errors import NotFound
from hub.ledger import Actor, Writer
from hub.locks import entity_locks
from integrations.baserow.client import Filters
from integrations.docmost.client import PAGE_LIMIT_MAX, DocmostClient, DocmostUnavailable
from integrations.docmost.connection import docmost
from sync.docmost_setup import comptes_rendus_parent_page_id
from sync.models import DocmostPollState, EntityLink

logger = logging.getLogger("bridge.sync")

POLL_ACTOR = Actor(token_name="sync (Docmost poll)")  # noqa: S106 - a label, not a secret
POLL_STATE_KEY = "recent"
ENTITY = "compte_rendu"
PARIS = ZoneInfo("Europe/Paris")


@dataclasses.dataclass
class PollResult:
    seen: int = 0  # pages walked within the window
    created: int = 0  # compte_rendu rows created
    updated: int = 0  # compte_rendu rows updated
    skipped_own: int = 0  # the bridge's own edits
    skipped_unchanged: int = 0  # comptes rendus already synced as they are
    ignored: int = 0  # pages that are not comptes rendus

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def page_hash(title: str | None, content: str | None) -> str:
    """The hash of what the bridge syncs from a page (title and Markdown content).

    Code that writes a compte-rendu page in Docmost should store it as `state["hash"]` of the
    page's `compte_rendu` EntityLink, so the poll recognises that write as the bridge's own."""
    data = json.dumps([title or "", content or ""], ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _paris_date(value: Any) -> date | None:
    moment = _timestamp(value)
    return moment.astimezone(PARIS).date() if moment is not None else None


class _Run:
    """One poll: the Docmost walk, with lazily loaded run-wide facts (own user id, projets)."""

    def __init__(self, client: DocmostClient, parent_page_id: str) -> None:
        self.client = client
        self.parent_page_id = parent_page_id
        self.result = PollResult()
        self._own_user_id: str | None = None
        self._projets: list[tuple[str, int]] | None = None
        self._writer: Writer | None = None

    @property
    def writer(self) -> Writer:
        if self._writer is None:
            self._writer = Writer(POLL_ACTOR, dry_run=False)
        return self._writer

    def own_user_id(self) -> str:
        if self._own_user_id is None:
            user = self.client.check().get("user")
            user_id = user.get("id") if isinstance(user, dict) else None
            if not isinstance(user_id, str) or not user_id:
                raise DocmostUnavailable("Docmost's users/me answer has no user id.", detail=user)
            self._own_user_id = user_id
        return self._own_user_id

    def projets(self) -> list[tuple[str, int]]:
        """(nom, id) of every projet, longest name first: one listing per run, when needed."""
        if self._projets is None:
            repo = self.writer.repo
            table = repo.mapping.table("projet")
            name = table.name("nom")
            found = [
                (str(row.get(name) or "").strip(), int(row["id"]))
                for row in repo.client.iter_rows(table.table_id)
            ]
            self._projets = sorted(
                ((nom, row_id) for nom, row_id in found if nom), key=lambda p: -len(p[0])
            )
        return self._projets

    def mentioned_projets(self, title: str, content: str) -> list[int]:
        """Projets named exactly (whole words, case-sensitive) in the title or the content; a name
        inside a longer matched name (`Site` in `Site vitrine`) does not count on its own."""
        text = f"{title}\n{content}"
        matched: list[tuple[str, int]] = []
        for nom, row_id in self.projets():
            if any(nom in longer for longer, _ in matched):
                continue
            if re.search(rf"(?<!\w){re.escape(nom)}(?!\w)", text):
                matched.append((nom, row_id))
        return sorted(row_id for _, row_id in matched)

    # -- one page ----------------------------------------------------------------------------------

    def handle(self, item: dict[str, Any]) -> None:
        page_id = item.get("id")
        if not isinstance(page_id, str) or item.get("parentPageId") != self.parent_page_id:
            self.result.ignored += 1
            return
        link = EntityLink.objects.filter(entity=ENTITY, docmost_page_id=page_id).first()
        state = link.state if link is not None else {}
        if link is not None and state.get("updatedAt") == item.get("updatedAt"):
            self.result.skipped_unchanged += 1
            return
        page = self.client.get_page(page_id, format="markdown")
        title = str(page.get("title") or "")
        body = page.get("content")
        content = body if isinstance(body, str) else ""
        digest = page_hash(title, content)
        if link is not None and digest == state.get("hash"):
            own = page.get("lastUpdatedById") == self.own_user_id()
            if own:
                self.result.skipped_own += 1
            else:
                self.result.skipped_unchanged += 1
            link.state = {**state, "updatedAt": page.get("updatedAt")}
            link.save(update_fields=["state", "updated_at"])
            return
        self._write(page_id, page, title, content, digest, link)

    def _write(
        self,
        page_id: str,
        page: dict[str, Any],
        title: str,
        content: str,
        digest: str,
        link: EntityLink | None,
    ) -> None:
        values: dict[str, Any] = {
            "titre": title,
            "date": _paris_date(page.get("createdAt")),
            "docmost_page_id": page_id,
        }
        projets = self.mentioned_projets(title, content)
        if projets:
            values["projet"] = projets
        before = self._current_row(link, page_id)
        if before is None:
            row = self.writer.write(ENTITY, f"{ENTITY}.create", values)
            self.result.created += 1
        else:
            row = self.writer.write(
                ENTITY, f"{ENTITY}.update", values, before=before, row_id=before.id
            )
            self.result.updated += 1
        if link is not None and link.row_id != row.id:
            link.delete()
        EntityLink.objects.update_or_create(
            entity=ENTITY,
            row_id=row.id,
            defaults={
                "docmost_page_id": page_id,
                "title": title[:255],
                "source_deleted_at": None,
                "state": {"hash": digest, "updatedAt": page.get("updatedAt")},
            },
        )

    def _current_row(self, link: EntityLink | None, page_id: str) -> CompteRendu | None:
        """The row to update: the linked one, else one already carrying the page id (a run that
        died between the Baserow write and the link). None: a row is to be created (also when
        the linked row was deleted in Baserow: the page still exists and changed)."""
        repo = self.writer.repo
        if link is not None:
            try:
                current: CompteRendu = repo.get(ENTITY, link.row_id)
                return current
            except NotFound:
                logger.info(
                    "bridge.sync.compte-rendu-row-gone",
                    extra={"row_id": link.row_id, "page_id": page_id},
                )
        field = repo.field_name(ENTITY, "docmost_page_id")
        rows, _count = repo.page(
            ENTITY, page=1, per_page=1, filters=Filters.any_of(field, "equal", [page_id])
        )
        return rows[0] if rows else None


def _window(
    items: Iterator[dict[str, Any]], floor: datetime | None, run: _Run
) -> Iterator[tuple[dict[str, Any], datetime | None]]:
    """The pages updated since `floor` (all without one); stops the walk at the first older."""
    for item in items:
        updated_at = _timestamp(item.get("updatedAt"))
        if floor is not None and updated_at is not None and updated_at < floor:
            return
        run.result.seen += 1
        yield item, updated_at


def poll_docmost(*, now: datetime | None = None, page_size: int = PAGE_LIMIT_MAX) -> PollResult:
    """One poll of Docmost's recent pages (see the module docstring). Raises DocmostUnavailable
    (and Baserow errors) without moving the high-water mark. `page_size` is the `recent` page
    size (1–100); `now` caps the new mark, should Docmost's clock run ahead of ours."""
    parent_page_id = comptes_rendus_parent_page_id()  # the setting, else docmost_setup's
    if not parent_page_id:
        logger.info("bridge.sync.poll-docmost-disabled")
        return PollResult()
    now = now or timezone.now()
    overlap = timedelta(seconds=settings.DOCMOST_POLL_OVERLAP_SECONDS)
    client = docmost().client
    run = _Run(client, parent_page_id)
    with entity_locks("sync:poll_docmost"):
        state, _ = DocmostPollState.objects.get_or_create(key=POLL_STATE_KEY)
        mark = state.high_water_mark
        floor = mark - overlap if mark is not None else None
        newest: datetime | None = None
        pages = client.iter_recent_pages(
            space_id=settings.DOCMOST_POLL_SPACE_ID or None, limit=page_size
        )
        for item, updated_at in _window(pages, floor, run):
            if updated_at is not None and (newest is None or updated_at > newest):
                newest = updated_at
            run.handle(item)
        if newest is not None:
            new_mark = min(newest, now)
            if mark is None or new_mark > mark:
                state.high_water_mark = new_mark
                state.save(update_fields=["high_water_mark", "updated_at"])
    result = run.result
    # Literal keys, none a LogRecord attribute: `created` there raised KeyError on every run
    # (tests/test_logging_extras.py checks every log call).
    logger.info(
        "bridge.sync.poll-docmost",
        extra={
            "pages_seen": result.seen,
            "rows_created": result.created,
            "rows_updated": result.updated,
            "pages_skipped_own": result.skipped_own,
            "pages_skipped_unchanged": result.skipped_unchanged,
            "pages_ignored": result.ignored,
        },
    )
    return run.result


def sync_docmost_page(page_id: str) -> str:
    """One page, as the poll would handle it (used by the inbound Docmost webhook)."""
    parent_page_id = comptes_rendus_parent_page_id()  # the setting, else docmost_setup's
    if not parent_page_id:
        return f"page {page_id}: no comptes-rendus parent page configured, skipped"
    client = docmost().client
    with entity_locks("sync:poll_docmost"):  # never beside a poll handling the same page
        page = client.get_page(page_id, format="markdown")
        run = _Run(client, parent_page_id)
        run.handle(page)
    counts = {k: v for k, v in run.result.as_dict().items() if v and k != "seen"}
    return f"page {page_id}: " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "skipped")
