"""Authenticated garbage is quarantined with a reason, never a 500 (issue 9, point 3).

Every field is checked at ingress against what Baserow sends (../shared/contracts/baserow/):
ids that fit its 32-bit columns, at most 200 rows, a UUID event_id kept whole. Only the inbox's
uniqueness constraint makes a duplicate, and a redelivered bad event is stored and alerted once.
"""

import json
import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from hub.models import Alert
from sync import ingress, payloads
from sync.models import WebhookEvent
from tests.sync.conftest import SECRET

pytestmark = pytest.mark.django_db


def rows_created(baserow, **overrides):
    body = baserow.delivery(
        {"event_type": "rows.created", "table_id": baserow.table("projet"), "items": [{"id": 1}]}
    )
    return {**body, **overrides}


def post_raw(baserow, raw: bytes):
    response = baserow.post("projet-changed", None, raw=raw)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def quarantine_reason(baserow, raw: bytes) -> str:
    data = post_raw(baserow, raw)
    assert data["status"] == "quarantined"
    return WebhookEvent.objects.get(pk=data["inbox_id"]).last_error


@pytest.mark.parametrize("field", ["batch_id", "webhook_id", "table_id"])
@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('"abc"', None),
        ("-1", None),
        ("0", None),
        ("true", None),
        (str(2**70), None),
        ("[1]", None),
        ("1.5", None),
        ("1e309", "out of range"),
        ("NaN", "NaN is not a JSON value"),
        ("Infinity", "Infinity is not a JSON value"),
    ],
)
def test_an_id_of_the_wrong_type_or_range_is_quarantined_naming_it(baserow, field, value, reason):
    body = rows_created(baserow, **{field: "__VALUE__"})
    raw = json.dumps(body).replace('"__VALUE__"', value).encode()

    assert (reason or field) in quarantine_reason(baserow, raw)


@pytest.mark.parametrize(
    ("raw_event_id", "reason"),
    [
        (r'"\ud800"', "event_id"),
        ('"0b8f6f2e-3c1a-4d8e-9a57-2f0c4e6b1d93' + "x" * 40 + '"', "event_id"),
        ("12", "event_id"),
        ('""', "event_id"),
    ],
)
def test_an_event_id_other_than_baserows_uuid_is_quarantined_never_truncated(
    baserow, raw_event_id, reason
):
    raw = json.dumps(rows_created(baserow, event_id="__ID__")).replace('"__ID__"', raw_event_id)
    assert reason in quarantine_reason(baserow, raw.encode())
    assert not WebhookEvent.objects.exclude(status="quarantined").exists()


def test_two_long_event_ids_sharing_64_characters_do_not_collide(baserow):
    prefix = str(uuid.uuid4()) + "y" * 28  # 64 characters
    first = post_raw(baserow, json.dumps(rows_created(baserow, event_id=prefix + "A")).encode())
    second = post_raw(baserow, json.dumps(rows_created(baserow, event_id=prefix + "B")).encode())
    assert first["status"] == second["status"] == "quarantined"  # not "duplicate"
    assert first["inbox_id"] != second["inbox_id"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 32 levels"),
        (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, "nested more than 32 levels"),
        (b"1" * 5000, "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"", "not valid JSON"),
    ],
)
def test_bodies_python_cannot_parse_safely_are_quarantined(baserow, raw, reason):
    assert reason in quarantine_reason(baserow, raw)
    stored = WebhookEvent.objects.get()
    assert set(stored.payload) == {"raw"}  # the text is kept for an admin to look at


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"id": 1, "nom": "a\x00b"}, "NUL"),
        ({"id": 1, "nom": "\ud83d"}, "lone surrogate"),
        ({"id": 1, "deep": json.loads("[" * 40 + "]" * 40)}, "nested more than 32 levels"),
        ({"id": "1"}, "items[0].id"),
        ({"id": -5}, "items[0].id"),
        ({"id": 2**31}, "items[0].id"),
        ({"nom": "no id"}, "items[0].id"),
    ],
)
def test_rows_the_database_or_the_task_could_not_take_are_quarantined(baserow, item, reason):
    raw = json.dumps(rows_created(baserow, items=[item])).encode()  # ensure_ascii: \u escapes
    assert reason in quarantine_reason(baserow, raw)


def test_old_items_without_an_id_are_quarantined_at_the_door(baserow):
    body = rows_created(baserow, event_type="rows.updated", old_items=[{"nom": "no id"}])
    assert "old_items[0].id" in quarantine_reason(baserow, json.dumps(body).encode())


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"items": [{"id": n} for n in range(1, 202)]}, "items has 201 entries"),
        ({"event_type": "rows.deleted", "row_ids": list(range(1, 202))}, "row_ids has 201"),
        ({"event_type": "rows.deleted", "row_ids": [1, "2"]}, "row_ids[1]"),
        ({"event_type": "rows.deleted", "row_ids": [1, True]}, "row_ids[1]"),
    ],
)
def test_more_rows_than_baserow_sends_in_one_event_are_quarantined(baserow, overrides, reason):
    raw = json.dumps(rows_created(baserow, **overrides)).encode()
    assert reason in quarantine_reason(baserow, raw)


def test_200_rows_and_a_baserow_batch_id_are_accepted(baserow):
    body = rows_created(baserow, items=[{"id": n} for n in range(1, 201)], batch_id=5)
    assert post_raw(baserow, json.dumps(body).encode())["status"] == "accepted"
    assert WebhookEvent.objects.get().batch_id == 5


def test_a_redelivered_quarantined_event_is_one_row_and_one_alert(baserow):
    raw = json.dumps(rows_created(baserow, webhook_id="abc")).encode()

    statuses = [post_raw(baserow, raw)["status"] for _ in range(3)]  # Baserow retries

    assert statuses == ["quarantined", "duplicate", "duplicate"]
    assert WebhookEvent.objects.count() == 1
    assert Alert.objects.filter(kind=Alert.Kind.WEBHOOK_QUARANTINED).count() == 1


def test_a_database_constraint_other_than_uniqueness_is_not_taken_for_a_duplicate(baserow):
    """batch_id's CHECK (>= 0) refusing a row is a fault: stored raw and alerted, not "seen"."""
    fields = {"event_id": str(uuid.uuid4()), "batch_id": -1, "event_type": "rows.created"}

    received = ingress._store(kind="projet-changed", fields={**fields, "payload": {}}, body=b"{}")

    assert not received.duplicate
    assert received.event.status == WebhookEvent.Status.QUARANTINED
    assert "database refused" in received.event.last_error
    assert Alert.objects.filter(entity_id=received.event.pk).exists()


# -- any JSON at all, with a valid secret ---------------------------------------------------------

strings = st.text(max_size=12) | st.sampled_from(["\ud800", "a\x00b", "\udfff", "x" * 70])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | strings,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=16,
)
ids = st.integers(min_value=-2, max_value=2**32) | json_values
rows = st.lists(st.fixed_dictionaries({"id": ids}, optional={"nom": json_values}), max_size=3)


def exact(value):
    """JSON with its numbers as decimals: PostgreSQL keeps 1e16 as 10000000000000000."""
    return json.loads(json.dumps(value), parse_float=Decimal, parse_int=Decimal)


@pytest.fixture
def unthrottled(settings):
    """Shrinking a failure replays many examples: the rate limit must not be what fails."""
    settings.BRIDGE_RATE_LIMITS = {**settings.BRIDGE_RATE_LIMITS, "webhook": "100000/m"}


def baserow_like(table_id: int):
    """Bodies with Baserow's keys, each either right or anything: most paths of the validator."""
    events = st.sampled_from([*payloads.ROW_EVENTS, *payloads.IGNORED_EVENTS, "rows.exploded"])
    return st.fixed_dictionaries(
        {"event_type": events | json_values, "event_id": st.uuids().map(str) | json_values},
        optional={
            "table_id": st.just(table_id) | ids,
            "webhook_id": st.none() | ids,
            "batch_id": ids,
            "items": rows | json_values,
            "old_items": rows | json_values,
            "row_ids": st.lists(ids, max_size=3) | json_values,
        },
    )


def bodies(table_id: int):
    as_json = st.one_of(json_values, baserow_like(table_id)).map(json.dumps)
    return st.one_of(as_json.map(str.encode), st.binary(max_size=40))


@hypothesis_settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_authenticated_body_is_answered_200_and_kept(baserow, unthrottled, data):
    raw = data.draw(bodies(baserow.table("projet")))

    response = baserow.post("projet-changed", None, secret=SECRET, raw=raw)

    assert response.status_code == 200, response.content
    answer = response.json()["data"]
    if answer["status"] in ("noise", "test"):
        # A row event about no row, or Baserow's test call (issue 10): answered, never stored.
        assert answer["inbox_id"] is None
        assert payloads.is_noise(json.loads(raw)) or payloads.is_test_call(json.loads(raw))
        return
    assert answer["status"] in ("accepted", "duplicate", "quarantined", "ignored")
    stored = WebhookEvent.objects.get(pk=answer["inbox_id"])  # nothing lost
    if stored.status == WebhookEvent.Status.QUARANTINED:
        assert stored.last_error
    elif answer["status"] != "duplicate":
        assert exact(stored.payload) == exact(json.loads(raw))
