"""The ledger of the bridge's own Baserow writes: who asked, what changed, and the echo it makes.

Every Baserow write goes through `Writer.write` (one row) or `Writer.write_batch` (many rows in one
request): sent with `send_webhook_events=false`, recorded in
the echo ledger (so the webhook it may still cause is recognised as ours) and in the audit trail
(token or command, action, before/after, request id).
"""

import dataclasses
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from domain.errors import NotFound
from hub.echo import echo_entry
from hub.logging import current_request_id
from hub.models import AuditEntry, EchoLedgerEntry
from hub.repository import Repository
from hub.representations import num
from integrations.baserow.client import BaserowNotFound, BaserowRequestError
from integrations.baserow.parsing import parse_row


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who asked for a write: recorded in the audit trail, with the request id."""

    token_key_id: str = ""
    token_name: str = ""
    request_id: str = ""

    @classmethod
    def from_token(cls, token: Any) -> "Actor":
        """The token that authenticated the current request (REST, MCP), with its request id."""
        return cls(
            token_key_id=getattr(token, "key_id", ""),
            token_name=getattr(token, "name", ""),
            request_id=current_request_id(),
        )

    @classmethod
    def for_process(cls, name: str) -> "Actor":
        """A command or a scheduled task, with a fresh request id of its own, so its writes are
        found together in the audit trail as a request's are."""
        return cls(token_name=name, request_id=uuid.uuid4().hex)


def audit_entry(
    *,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """One row of the audit trail (token, action, entity, before/after, request id), unsaved."""
    return AuditEntry(
        token_key_id=actor.token_key_id,
        token_name=actor.token_name,
        request_id=actor.request_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )


def audit_record(
    *,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """One row of the audit trail, saved."""
    entry = audit_entry(
        actor=actor, action=action, entity=entity, entity_id=entity_id, before=before, after=after
    )
    entry.save()
    return entry


class Writer:
    """One write request: the repository, who asks, and whether it is a dry run."""

    def __init__(self, actor: Actor, dry_run: bool) -> None:
        self.repo = Repository()
        self.actor = actor
        self.dry_run = dry_run
        self.effects: list[str] = []

    def write(
        self,
        entity: str,
        action: str,
        values: Mapping[str, Any],
        *,
        before: Any = None,
        row_id: int | None = None,
    ) -> Any:
        """Create (row_id None) or update a row; returns the parsed row as Baserow now has it.

        A row gone meanwhile is NOT_FOUND; any other refusal is Baserow's (BASEROW_REJECTED), and
        drops the cached field formats the body was built from, so a retry uses fresh ones."""
        table = self.repo.mapping.table(entity)
        payload = self.repo.to_baserow(entity, values)
        client = self.repo.client
        with self._refusals(entity, row_id):
            if row_id is None:
                row = client.create_row(table.table_id, payload, send_webhook_events=False)
            else:
                row = client.update_row(table.table_id, row_id, payload, send_webhook_events=False)
        written = parse_row(entity, row, table)
        self._record(entity, action, [(values, written, before)])
        return written

    def write_batch(
        self, entity: str, action: str, items: Sequence[Mapping[str, Any]]
    ) -> list[Any]:
        """Update rows in one Baserow batch request; each item is the row's `id` and its values.

        The same record as `write`, row by row: no webhooks, one echo-ledger entry and one audit
        entry each. Returns the parsed rows as Baserow now has them. A batch for one row that is
        gone is NOT_FOUND, as with `write`."""
        if not items:
            return []
        table = self.repo.mapping.table(entity)
        values = [{key: value for key, value in item.items() if key != "id"} for item in items]
        payload = [
            {"id": item["id"], **self.repo.to_baserow(entity, row_values)}
            for item, row_values in zip(items, values, strict=True)
        ]
        with self._refusals(entity, items[0]["id"] if len(items) == 1 else None):
            rows = self.repo.client.batch_update(table.table_id, payload, send_webhook_events=False)
        written = [parse_row(entity, row, table) for row in rows]
        self._record(
            entity, action, [(v, row, None) for v, row in zip(values, written, strict=True)]
        )
        return written

    @contextmanager
    def _refusals(self, entity: str, row_id: int | None) -> Iterator[None]:
        """Baserow's refusals of a write: a row gone is NOT_FOUND; any other drops the cached
        field formats the body was built from, so a retry uses fresh ones."""
        try:
            yield
        except BaserowNotFound as exc:
            if exc.row_missing and row_id is not None:
                raise NotFound(entity, row_id) from None
            raise
        except BaserowRequestError:
            self.repo.fields_forget(entity)
            raise

    def _record(
        self, entity: str, action: str, writes: list[tuple[Mapping[str, Any], Any, Any]]
    ) -> None:
        """The echo ledger and the audit trail of rows written: (values sent, row, row before)."""
        with transaction.atomic():
            EchoLedgerEntry.objects.bulk_create(
                echo_entry(entity=entity, row_id=row.id, values=values) for values, row, _ in writes
            )
            AuditEntry.objects.bulk_create(
                audit_entry(
                    actor=self.actor,
                    action=action,
                    entity=entity,
                    entity_id=row.id,
                    before=_jsonable(before),
                    after=_jsonable(row),
                )
                for _, row, before in writes
            )

    def on_commit(self, task: Callable[[], Any]) -> None:
        if not self.dry_run:
            transaction.on_commit(task)


def _jsonable(entity: Any) -> Any:
    if entity is None:
        return None
    data = dataclasses.asdict(entity)
    return {key: _plain(value) for key, value in data.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return num(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):  # a Link, as asdict leaves it
        return value
    if isinstance(value, tuple):
        return list(value)
    return value


def docmost_ids_write_back(
    *, entity: str, items: Sequence[Mapping[str, Any]], actor: Actor
) -> None:
    """Store Docmost ids on Baserow rows (the sync: one row, or a page of a full sync), each item
    the row's `id` and its ids: one batch request, no webhooks, echo ledger and audit trail."""
    Writer(actor, dry_run=False).write_batch(entity, f"{entity}.docmost_ids", items)
