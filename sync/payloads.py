"""What a webhook body must be to be stored and processed: parsed, checked, classified.

Every field is checked against what Baserow really sends (`../shared/contracts/baserow/`): an
event that passes is one the processing task can read and the database can store. Each check
answers why a body fails (a short reason quoted in the quarantine row and the alert), or None.
Client values quoted in reasons are cut short.
"""

import json
import math
import re
import reprlib
from typing import Any

ROW_EVENTS = ("rows.created", "rows.updated", "rows.deleted")
IGNORED_EVENTS = (
    "field.created", "field.updated", "field.deleted",
    "view.created", "view.updated", "view.deleted", "view.rows_entered",
)  # fmt: skip

# Baserow's ids are 32-bit auto fields; our batch_id column is a 32-bit positive integer.
MAX_ID = 2**31 - 1
# Baserow's BATCH_ROWS_SIZE_LIMIT: one event carries at most 200 rows (longer ones are batched).
MAX_ROWS_PER_EVENT = 200
# Baserow's payloads are a few levels deep (row → file → thumbnails); far deeper is an attack on
# the parser or on the JSON column, not an event.
MAX_JSON_DEPTH = 32
# Baserow's event_id is `str(uuid.uuid4())`; anything else is quarantined, never cut to fit.
_EVENT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# Ids from other systems (Docmost page ids, Standard Webhooks message ids) as they are stored.
_PLAIN_ID = re.compile(r"[\x21-\x7e]{1,64}")

_short = reprlib.Repr()  # client values quoted in reasons stay short
_short.maxstring = _short.maxother = 40
_show = _short.repr


def is_test_call(payload: dict[str, Any]) -> bool:
    """Baserow's "trigger test webhook": no webhook id, one placeholder row with id 0."""
    if payload.get("webhook_id") is not None or payload["event_type"] not in ROW_EVENTS:
        return False
    if payload["event_type"] == "rows.deleted":
        return payload["row_ids"] == [0]
    items = payload["items"]
    return bool(items) and all(item["id"] == 0 for item in items)


def is_noise(payload: dict[str, Any]) -> bool:
    """A row event about no row: what a linked table's webhook gets when no link changed."""
    if payload["event_type"] not in ROW_EVENTS:
        return False
    return not payload.get("row_ids" if payload["event_type"] == "rows.deleted" else "items")


class _NotJson(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e309: PostgreSQL's JSON column has no infinity
        raise _NotJson(f"the number {text[:20]} is out of range")
    return value


def _path(parts: tuple[str | int, ...]) -> str:
    """`items[0].nom` for ("items", 0, "nom"): where in the body a problem is."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return _show(text.lstrip("."))[1:-1] if text else "the body"  # short: keys are the client's


def _string_problem(value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode()
    except UnicodeEncodeError:
        return f"contains a lone surrogate: {_show(value)}"
    return None


def _storage_problem(payload: Any) -> str | None:
    """Why PostgreSQL's JSON column would refuse the parsed body (depth, NUL, lone surrogates)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(payload, ())]
    while stack:
        value, parts = stack.pop()
        if len(parts) >= MAX_JSON_DEPTH:
            return f"the body is nested more than {MAX_JSON_DEPTH} levels deep (at {_path(parts)})"
        if isinstance(value, dict):
            for key, item in value.items():
                problem = _string_problem(key)
                if problem:
                    return f"a key of {_path(parts)} {problem}"
                stack.append((item, (*parts, key)))
        elif isinstance(value, list):
            stack.extend((item, (*parts, index)) for index, item in enumerate(value))
        elif isinstance(value, str):
            problem = _string_problem(value)
            if problem:
                return f"{_path(parts)} {problem}"
    return None


def parse_body(body: bytes) -> tuple[Any, str | None]:
    """The parsed body and None, or (None, why it cannot be stored as JSON).

    Python's json accepts NaN and Infinity, turns 1e309 into infinity and recurses on nesting;
    none of that is JSON PostgreSQL can store, so each is a reason to quarantine, not a crash.
    """
    try:
        payload = json.loads(body, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        return None, f"the body is nested more than {MAX_JSON_DEPTH} levels deep"
    except _NotJson as exc:
        return None, f"the body is not valid JSON: {exc}"
    except ValueError:  # includes undecodable bytes and integers too long to convert
        return None, "the body is not valid JSON"
    problem = _storage_problem(payload)
    return (None, problem) if problem else (payload, None)


def _int_problem(name: str, value: Any, *, low: int, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_ID:
        allowed = f"an integer from {low} to {MAX_ID}" + (" or null" if nullable else "")
        return f"{name} must be {allowed}, got {_show(value)}"
    return None


def _rows_problem(name: str, rows: Any, *, of_objects: bool) -> str | None:
    """A list of at most 200 row ids, or of rows each with an integer `id` (0: a test call)."""
    if not isinstance(rows, list):
        return f"{name} must be a list, got {_show(rows)}"
    if len(rows) > MAX_ROWS_PER_EVENT:
        return f"{name} has {len(rows)} entries, more than Baserow's {MAX_ROWS_PER_EVENT}"
    for index, row in enumerate(rows):
        if of_objects and not isinstance(row, dict):
            return f"{name}[{index}] must be a row object, got {_show(row)}"
        label, row_id = (
            (f"{name}[{index}].id", row.get("id")) if of_objects else (f"{name}[{index}]", row)
        )
        problem = _int_problem(label, row_id, low=0, nullable=False)
        if problem:
            return problem
    return None


def shape_problem(payload: Any) -> str | None:
    """Why an authenticated payload cannot be processed, or None when it has Baserow's shape."""
    if not isinstance(payload, dict):
        return "the body is not a JSON object"
    event_type = payload.get("event_type")
    if not isinstance(event_type, str):
        return "event_type is missing"
    event_id = payload.get("event_id")
    if not isinstance(event_id, str) or not _EVENT_ID.fullmatch(event_id):
        return f"event_id must be a UUID as Baserow sends it, got {_show(event_id)}"
    if event_type not in ROW_EVENTS + IGNORED_EVENTS:
        return f"unknown event_type {_show(event_type)}"
    is_row_event = event_type in ROW_EVENTS
    checks = (
        ("table_id", 1, not is_row_event),
        ("webhook_id", 1, True),  # null in Baserow's test calls
        ("batch_id", 1, True),  # only in batched linked-table events, 1-based
        ("database_id", 1, True),
        ("workspace_id", 1, True),
        ("total_count", 0, True),
        ("offset", 0, True),
        ("batch_size", 0, True),
    )
    for name, low, nullable in checks:
        problem = _int_problem(name, payload.get(name), low=low, nullable=nullable)
        if problem:
            return problem
    if not is_row_event:
        return None
    if event_type == "rows.deleted":
        return _rows_problem("row_ids", payload.get("row_ids"), of_objects=False)
    problem = _rows_problem("items", payload.get("items"), of_objects=True)
    if problem is None and payload.get("old_items") is not None:
        problem = _rows_problem("old_items", payload["old_items"], of_objects=True)
    return problem


def docmost_shape_problem(payload: Any, message_id: str) -> str | None:
    """Why a signed Docmost page event cannot be processed, or None."""
    if not _PLAIN_ID.fullmatch(message_id):
        return f"webhook-id must be 1 to 64 printable ASCII characters, got {_show(message_id)}"
    expected = 'expected {"type": "page.…", "data": {"pageId": …}}'
    if not isinstance(payload, dict):
        return expected
    event_type = payload.get("type")
    if not isinstance(event_type, str) or not 0 < len(event_type) <= 40:
        return f"type must be a string of 1 to 40 characters ({expected})"
    data = payload.get("data")
    page_id = (data.get("pageId") or data.get("id")) if isinstance(data, dict) else None
    if not isinstance(page_id, str) or not _PLAIN_ID.fullmatch(page_id):
        return f"data.pageId must be a Docmost page id, got {_show(page_id)} ({expected})"
    return None
