"""Baserow: webhook management, delivery shape and headers, retries, deactivation, and
`send_webhook_events=false` (CONTRACT §0.3, §6, errata 3, 4, 6, 7).

The real Baserow delivers from its Celery worker, so deliveries are awaited; the fake delivers
during the write that causes them, retrying at once where Baserow waits 1, 2, 4 … s."""

import time
from typing import Any

import pytest

from integrations.baserow.client import BaserowNotFound, BaserowRequestError
from tests.contract.targets import BaserowTarget, Receiver, Table, wait_until

QUIET = 3.0  # seconds to wait for a delivery that must not come (real worker latency < 1 s)


@pytest.fixture
def table(baserow_target: BaserowTarget) -> Table:
    return baserow_target.table("hooks", [{"name": "heures", "type": "number"}])


def _webhook(target: BaserowTarget, table: Table, url: str, **spec: Any) -> dict[str, Any]:
    return target.client.create_webhook(table.id, {"url": url, "name": target.name("hook"), **spec})


def test_webhook_crud(baserow_target: BaserowTarget, table: Table, receiver: Receiver) -> None:
    client = baserow_target.client
    created = _webhook(baserow_target, table, receiver.url, headers={"X-Secret": "s1"})
    assert {
        "id",
        "events",
        "event_config",
        "headers",
        "calls",
        "created_on",
        "updated_on",
        "use_user_field_names",
        "url",
        "request_method",
        "name",
        "include_all_events",
        "failed_triggers",
        "active",
    } <= created.keys()
    assert (created["include_all_events"], created["events"]) == (True, [])
    assert (created["use_user_field_names"], created["request_method"]) == (True, "POST")
    assert (created["active"], created["failed_triggers"], created["calls"]) == (True, 0, [])
    assert created["headers"] == {"X-Secret": "s1"}
    assert [w["id"] for w in client.list_webhooks(table.id)] == [created["id"]]

    changed = client.update_webhook(created["id"], {"headers": {"X-Other": "o"}})
    assert changed["headers"] == {"X-Other": "o"}  # the whole set is replaced
    only = client.update_webhook(
        created["id"], {"include_all_events": False, "events": ["rows.updated"]}
    )
    assert (only["include_all_events"], only["events"]) == (False, ["rows.updated"])
    assert client.update_webhook(created["id"], {"active": False})["active"] is False

    client.delete_webhook(created["id"])
    assert client.list_webhooks(table.id) == []
    with pytest.raises(BaserowNotFound) as caught:
        client.delete_webhook(created["id"])
    assert caught.value.code == "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST"


def test_a_webhook_without_url_and_name_lists_both_errors(
    baserow_target: BaserowTarget, table: Table
) -> None:
    with pytest.raises(BaserowRequestError) as caught:
        baserow_target.client.create_webhook(table.id, {"request_method": "FETCH"})
    assert caught.value.code == "ERROR_REQUEST_BODY_VALIDATION"
    assert set(caught.value.detail) == {"url", "name", "request_method"}
    assert caught.value.detail["url"][0]["code"] == "required"


def test_each_row_event_is_delivered_with_its_headers_and_keys(
    baserow_target: BaserowTarget, table: Table, receiver: Receiver
) -> None:
    client = baserow_target.client
    webhook = _webhook(baserow_target, table, receiver.url, headers={"X-Secret": "s1"})
    row = client.create_row(table.id, {"nom": "A", "heures": 2})
    client.update_row(table.id, row["id"], {"heures": 3})
    client.delete_row(table.id, row["id"])
    created, updated, deleted = receiver.wait_for(3)[:3]

    for delivery, kind in ((created, "rows.created"), (updated, "rows.updated")):
        assert delivery.method == "POST"
        assert delivery.headers["X-Baserow-Event"] == kind
        assert delivery.headers["X-Baserow-Delivery"] == delivery.body["event_id"]
        assert delivery.headers["X-Secret"] == "s1"
        assert delivery.headers["Content-type"] == "application/json"
        assert delivery.body["event_type"] == kind
        assert delivery.body["webhook_id"] == webhook["id"]
        assert delivery.body["table_id"] == table.id
        assert delivery.body["database_id"] == baserow_target.database_id
        assert delivery.body["workspace_id"] == baserow_target.workspace_id
    assert set(created.body) == {
        "table_id",
        "database_id",
        "workspace_id",
        "webhook_id",
        "event_id",
        "event_type",
        "items",
    }
    assert created.body["items"] == [row]
    assert [item["heures"] for item in updated.body["items"]] == ["3"]
    assert [item["heures"] for item in updated.body["old_items"]] == ["2"]
    assert deleted.body["row_ids"] == [row["id"]]
    assert "items" not in deleted.body
    assert len({d.body["event_id"] for d in (created, updated, deleted)}) == 3


def test_rows_are_keyed_by_field_ids_when_the_webhook_says_so(
    baserow_target: BaserowTarget, table: Table, receiver: Receiver
) -> None:
    _webhook(baserow_target, table, receiver.url, use_user_field_names=False)
    baserow_target.client.create_row(table.id, {"nom": "A"})  # written with user field names
    item = receiver.wait_for(1)[0].body["items"][0]
    field_ids = {f["name"]: f["id"] for f in table.target.client.list_fields(table.id)}
    assert item[f"field_{field_ids['nom']}"] == "A"
    assert "nom" not in item


def test_two_webhooks_on_one_table_each_receive_every_event(
    baserow_target: BaserowTarget, table: Table, receiver: Receiver
) -> None:
    first = _webhook(baserow_target, table, receiver.url)
    second = _webhook(baserow_target, table, receiver.url)
    baserow_target.client.create_row(table.id, {"nom": "A"})
    deliveries = receiver.wait_for(2)
    assert sorted(d.body["webhook_id"] for d in deliveries) == sorted([first["id"], second["id"]])
    assert len({d.body["event_id"] for d in deliveries}) == 1


def test_an_event_the_webhook_does_not_listen_to_is_not_sent(
    baserow_target: BaserowTarget, table: Table, receiver: Receiver
) -> None:
    _webhook(baserow_target, table, receiver.url, include_all_events=False, events=["rows.deleted"])
    row = baserow_target.client.create_row(table.id, {"nom": "A"})
    baserow_target.client.delete_row(table.id, row["id"])
    deliveries = receiver.wait_for(1)
    assert [d.body["event_type"] for d in deliveries] == ["rows.deleted"]


def test_send_webhook_events_false_sends_nothing(
    baserow_target: BaserowTarget, table: Table, receiver: Receiver
) -> None:
    client = baserow_target.client
    _webhook(baserow_target, table, receiver.url)
    row = client.create_row(table.id, {"nom": "quiet"}, send_webhook_events=False)
    client.update_row(table.id, row["id"], {"heures": 1}, send_webhook_events=False)
    client.batch_create(table.id, [{"nom": "q2"}], send_webhook_events=False)
    client.delete_row(table.id, row["id"], send_webhook_events=False)
    client.create_row(table.id, {"nom": "loud"})
    deliveries = receiver.wait_for(1)
    time.sleep(QUIET if baserow_target.fake is None else 0)
    assert [d.body["items"][0]["nom"] for d in receiver.deliveries] == ["loud"]
    assert len(deliveries) == 1


def test_a_failed_call_is_retried_with_the_same_event_id(
    baserow_target: BaserowTarget, table: Table, receiver: Receiver
) -> None:
    client = baserow_target.client
    webhook = _webhook(baserow_target, table, receiver.url)
    receiver.answer(500)
    client.create_row(table.id, {"nom": "A"})
    first, retry = receiver.wait_for(2, timeout=30)[:2]
    assert retry.body == first.body
    assert retry.headers["X-Baserow-Delivery"] == first.headers["X-Baserow-Delivery"]
    if baserow_target.fake is None:
        assert retry.at - first.at >= 0.9  # Baserow waits 2**0 s before the first retry

    def logged() -> dict[str, Any] | None:
        current = next(w for w in client.list_webhooks(table.id) if w["id"] == webhook["id"])
        return current if current["calls"] and current["calls"][0]["response_status"] else None

    current = wait_until(
        lambda: (c := logged()) and c["calls"][0]["response_status"] == 200 and c, timeout=10
    )
    assert current, "the call log never showed the successful retry"
    assert len(current["calls"]) == 1  # one entry per event, overwritten by its retries
    assert {
        "id",
        "event_id",
        "event_type",
        "called_time",
        "called_url",
        "request",
        "response",
        "response_status",
        "error",
    } <= current["calls"][0].keys()
    assert current["calls"][0]["event_id"] == first.body["event_id"]
    assert current["failed_triggers"] == 0  # the success reset the counter


@pytest.mark.slow
def test_nine_failed_calls_deactivate_the_webhook(
    baserow_target: BaserowTarget, table: Table, receiver: Receiver
) -> None:
    """Every failed attempt counts, retries included, so nine quick events failing once each
    deactivate the webhook as surely as one event failing its nine attempts (4 min on real)."""
    client = baserow_target.client
    receiver.default = 500
    webhook = _webhook(baserow_target, table, receiver.url)
    for index in range(9):
        client.create_row(table.id, {"nom": f"r{index}"})
    receiver.wait_for(9, timeout=60)

    def current() -> dict[str, Any]:
        return next(w for w in client.list_webhooks(table.id) if w["id"] == webhook["id"])

    assert wait_until(lambda: not current()["active"], timeout=20)
    assert current()["failed_triggers"] == 8
    count = len(receiver.deliveries)
    assert count == 9
    client.create_row(table.id, {"nom": "after"})
    time.sleep(QUIET if baserow_target.fake is None else 0)
    assert len(receiver.deliveries) == count  # nothing more is sent, retries included

    receiver.default = 200
    revived = client.update_webhook(webhook["id"], {"active": True})
    assert (revived["active"], revived["failed_triggers"]) == (True, 0)
    client.create_row(table.id, {"nom": "again"})
    assert receiver.wait_for(count + 1)[-1].body["items"][0]["nom"] == "again"


# -- linked tables and test calls (issue 10 §1, §3, §4) -------------------------------------------


def test_linked_table_rows_updated_without_old_items_and_empty_events(
    baserow_target: BaserowTarget, receiver: Receiver
) -> None:
    client = baserow_target.client
    projet = baserow_target.table("projet", [])
    tache = baserow_target.table(
        "tache",
        [
            {"name": "projet", "type": "link_row", "link_row_table_id": projet.id},
            {"name": "statut", "type": "text"},
        ],
    )
    p = client.create_row(projet.id, {"nom": "P"})
    reverse = next(f["name"] for f in projet.fields().values() if f["type"] == "link_row")
    _webhook(baserow_target, projet, receiver.url)
    t = client.create_row(tache.id, {"nom": "T", "projet": [p["id"]]})
    linked = receiver.wait_for(1)[0]
    assert linked.body["event_type"] == "rows.updated"
    assert linked.headers["X-Baserow-Event"] == "rows.created"  # the triggering type
    assert "old_items" not in linked.body
    assert linked.body["total_count"] == 1
    assert [item["id"] for item in linked.body["items"]] == [p["id"]]
    assert [link["id"] for link in linked.body["items"][0][reverse]] == [t["id"]]

    client.update_row(tache.id, t["id"], {"statut": "livre"})  # not the link
    empty = receiver.wait_for(2)[1]
    assert (empty.body["event_type"], empty.body["items"], empty.body["total_count"]) == (
        "rows.updated",
        [],
        0,
    )


@pytest.mark.parametrize("event_type", ["rows.created", "rows.deleted"])
def test_a_test_call_has_no_webhook_id_and_row_zero(
    baserow_target: BaserowTarget,
    table: Table,
    receiver: Receiver,
    event_type: str,
) -> None:
    response = baserow_target.http.post(
        baserow_target.url(f"/api/database/webhooks/table/{table.id}/test-call/"),
        json={"url": receiver.url, "event_type": event_type, "request_method": "POST"},
        headers={"Authorization": baserow_target.jwt()},
    )
    assert response.status_code == 200
    body = receiver.wait_for(1)[0].body
    assert body["webhook_id"] is None
    if event_type == "rows.deleted":
        assert body["row_ids"] == [0]
    else:
        assert [item["id"] for item in body["items"]] == [0]
