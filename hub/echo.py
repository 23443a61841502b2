"""The echo ledger: recognising the bridge's own writes when Baserow reports them back.

Values are compared in a canonical form that is the same whether they come from what the bridge
sent (write format: ids, option values, numbers) or from a webhook item (read format: link
objects, select objects, decimal strings).
"""

import hashlib
import json
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from hub.models import EchoLedgerEntry
from integrations.baserow.schema import SCHEMA

# How long a recorded write is looked for among incoming events.
ECHO_WINDOW = timedelta(hours=1)


def _canonical(field_type: str, value: Any) -> Any:
    if value is None:
        return None
    if field_type == "number":
        try:
            return str(Decimal(str(value)).normalize())
        except InvalidOperation:
            return str(value)
    if field_type == "link_row":
        return sorted(item["id"] if isinstance(item, dict) else int(item) for item in value)
    if field_type == "single_select":
        return value.get("value") if isinstance(value, dict) else str(value)
    if field_type == "multiple_select":
        return sorted(item.get("value") if isinstance(item, dict) else str(item) for item in value)
    return str(value)


def echo_digest(entity: str, values: Mapping[str, Any]) -> str:
    """Hash of `values` (logical field → value, either format) in canonical form."""
    fields = SCHEMA[entity]
    canonical = {name: _canonical(fields[name].type, values[name]) for name in sorted(values)}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def echo_entry(*, entity: str, row_id: int, values: Mapping[str, Any]) -> EchoLedgerEntry:
    """The ledger entry of one write, unsaved (the Writer inserts them in bulk)."""
    return EchoLedgerEntry(
        entity=entity, row_id=row_id, fields=sorted(values), digest=echo_digest(entity, values)
    )


def changed_fields(
    entity: str, item: Mapping[str, Any], before: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The schema fields `item` changes compared with `before` (all of them without `before`)."""
    fields = SCHEMA[entity]
    changed = {}
    for name, value in item.items():
        if name not in fields:
            continue
        if before is None or _canonical(fields[name].type, value) != _canonical(
            fields[name].type, before.get(name)
        ):
            changed[name] = value
    return changed


def echo_matches(
    *,
    entity: str,
    row_id: int,
    item: Mapping[str, Any],
    before: Mapping[str, Any] | None = None,
) -> bool:
    """Whether the change `before` → `item` is exactly a recent write of the bridge.

    The change, not the state: a row keeps showing what the bridge wrote long after, and a
    person's later edit of another field must not pass for an echo. So every changed field must
    be one the bridge wrote, with the value it wrote. Without `before` (a creation) every field
    counts as changed.
    """
    changed = changed_fields(entity, item, before)
    if not changed:
        return False
    recent = EchoLedgerEntry.objects.filter(
        entity=entity, row_id=row_id, created_at__gte=timezone.now() - ECHO_WINDOW
    )
    for entry in recent:
        if not set(changed) <= set(entry.fields) or not all(n in item for n in entry.fields):
            continue
        if echo_digest(entity, {name: item[name] for name in entry.fields}) == entry.digest:
            return True
    return False
