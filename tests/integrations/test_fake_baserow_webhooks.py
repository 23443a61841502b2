"""FakeBaserow's webhook API (CONTRACT 6.1, Baserow's webhook serializers and handler), through
the real BaserowClient: the fields, defaults, validation errors and 404s real Baserow answers."""

from typing import Any

import pytest

from integrations.baserow.client import (
    BaserowAuthError,
    BaserowClient,
    BaserowNotFound,
    BaserowRequestError,
)
from integrations.baserow.connection import client_for_fake
from integrations.fakes.baserow.fake import FakeBaserow
from integrations.fakes.transport import fake_session

RESPONSE_KEYS = {
    "id", "events", "event_config", "headers", "calls", "created_on", "updated_on",
    "use_user_field_names", "url", "request_method", "name", "include_all_events",
    "failed_triggers", "active",
}  # fmt: skip
URL = "https://bridge.example.org/api/webhooks/baserow/projet-changed/"


@pytest.fixture
def fake() -> FakeBaserow:
    return FakeBaserow()


@pytest.fixture
def client(fake: FakeBaserow) -> BaserowClient:
    return client_for_fake(fake)


@pytest.fixture
def table(client: BaserowClient, fake: FakeBaserow) -> int:
    return int(client.create_table(fake.database_id, "projet", "nom")["id"])


def refused(call: Any) -> BaserowRequestError:
    with pytest.raises(BaserowRequestError) as caught:
        call()
    assert caught.value.status == 400
    assert caught.value.code == "ERROR_REQUEST_BODY_VALIDATION"
    return caught.value


def test_create_applies_baserow_defaults_and_answers_the_full_object(client, table):
    webhook = client.create_webhook(table, {"url": URL, "name": "bridge"})

    assert set(webhook) == RESPONSE_KEYS
    assert webhook["request_method"] == "POST"
    assert webhook["include_all_events"] is True
    assert webhook["events"] == []  # errata 4
    assert webhook["use_user_field_names"] is True
    assert webhook["active"] is True
    assert webhook["failed_triggers"] == 0
    assert webhook["headers"] == {}
    assert client.list_webhooks(table) == [webhook]


def test_create_with_a_list_of_events_and_a_header(client, table):
    webhook = client.create_webhook(
        table,
        {
            "url": URL,
            "name": "bridge",
            "include_all_events": False,
            "events": ["rows.created", "rows.deleted"],
            "headers": {"X-Bridge-Webhook-Secret": "s3cret"},
            "use_user_field_names": False,
            "unknown": "ignored",
        },
    )

    assert webhook["events"] == ["rows.created", "rows.deleted"]
    assert webhook["event_config"] == [
        {"event_type": "rows.created"},
        {"event_type": "rows.deleted"},
    ]
    assert webhook["headers"] == {"X-Bridge-Webhook-Secret": "s3cret"}
    assert webhook["use_user_field_names"] is False
    assert "unknown" not in webhook


def test_events_with_include_all_events_true_are_not_stored(client, table):
    webhook = client.create_webhook(
        table, {"url": URL, "name": "b", "include_all_events": True, "events": ["rows.created"]}
    )

    assert webhook["events"] == []


def test_create_without_url_and_name_names_both_fields(client, table):
    error = refused(lambda: client.create_webhook(table, {}))

    assert error.detail == {
        "url": [{"error": "This field is required.", "code": "required"}],
        "name": [{"error": "This field is required.", "code": "required"}],
    }


@pytest.mark.parametrize(
    ("body", "field", "expected"),
    [
        ({"events": ["rows.created", "row.created"]}, "events",
         {"1": [{"error": '"row.created" is not a valid choice.', "code": "invalid_choice"}]}),
        ({"events": "rows.created"}, "events",
         [{"error": 'Expected a list of items but got type "str".', "code": "not_a_list"}]),
        ({"request_method": "HEAD"}, "request_method",
         [{"error": '"HEAD" is not a valid choice.', "code": "invalid_choice"}]),
        ({"include_all_events": "maybe"}, "include_all_events",
         [{"error": "Must be a valid boolean.", "code": "invalid"}]),
        ({"headers": ["X-A", "b"]}, "headers",
         [{"error": 'Expected a dictionary of items but got type "list".', "code": "not_a_dict"}]),
        ({"headers": {"X:Bad": "v"}}, "headers",
         [{"error": "The provided header name X:Bad is invalid.",
           "code": "invalid_http_header_name"}]),
        ({"headers": {"X-Ok": "a\r\nb"}}, "headers",
         [{"error": "The provided header value a\r\nb is invalid.",
           "code": "invalid_http_header_value"}]),
        ({"url": "not a url"}, "url", [{"error": "Enter a valid URL.", "code": "invalid_url"}]),
        ({"url": "https://x.org/" + "a" * 2000}, "url",
         [{"error": "Ensure this field has no more than 2000 characters.", "code": "max_length"}]),
        ({"name": "n" * 256}, "name",
         [{"error": "Ensure this field has no more than 255 characters.", "code": "max_length"}]),
    ],
)  # fmt: skip
def test_create_validation_errors_are_baserows(client, table, body, field, expected):
    error = refused(lambda: client.create_webhook(table, {"url": URL, "name": "b", **body}))

    assert error.detail == {field: expected}
    assert client.list_webhooks(table) == []


def test_a_url_baserow_cannot_connect_to_is_refused(client, fake, table):
    fake.webhook_url_reachable = lambda url: "unreachable" not in url

    error = refused(
        lambda: client.create_webhook(table, {"url": "https://unreachable.example/x", "name": "b"})
    )

    assert error.detail == {"url": [{"error": "Invalid URL", "code": "invalid_url"}]}


def test_allow_private_address_skips_url_validation(client, fake, table):
    fake.webhooks_allow_private_address = True
    fake.webhook_url_reachable = lambda url: False

    webhook = client.create_webhook(table, {"url": "http://bridge:8000/x/", "name": "b"})

    assert webhook["url"] == "http://bridge:8000/x/"


def test_twenty_webhooks_per_table_at_most(client, table):
    for index in range(20):
        client.create_webhook(table, {"url": URL, "name": f"b{index}"})

    with pytest.raises(BaserowRequestError) as caught:
        client.create_webhook(table, {"url": URL, "name": "one too many"})

    assert caught.value.code == "ERROR_TABLE_WEBHOOK_MAX_LIMIT_EXCEEDED"


def test_unknown_table_and_unknown_webhook_are_404(client, table):
    with pytest.raises(BaserowNotFound) as on_table:
        client.create_webhook(999, {"url": URL, "name": "b"})
    with pytest.raises(BaserowNotFound) as on_webhook:
        client.update_webhook(999, {"name": "x"})
    with pytest.raises(BaserowNotFound):
        client.delete_webhook(999)

    assert on_table.value.code == "ERROR_TABLE_DOES_NOT_EXIST"
    assert on_webhook.value.code == "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST"


def test_update_replaces_the_whole_header_set_and_keeps_the_rest(client, table):
    webhook = client.create_webhook(
        table, {"url": URL, "name": "b", "headers": {"X-A": "1", "X-B": "2"}}
    )

    updated = client.update_webhook(webhook["id"], {"headers": {"X-B": "3"}})

    assert updated["headers"] == {"X-B": "3"}
    assert updated["url"] == URL
    assert updated["name"] == "b"


def test_update_events_and_switch_back_to_all_events(client, table):
    webhook = client.create_webhook(
        table, {"url": URL, "name": "b", "include_all_events": False, "events": ["rows.created"]}
    )

    listed = client.update_webhook(webhook["id"], {"events": ["rows.updated", "rows.created"]})
    everything = client.update_webhook(webhook["id"], {"include_all_events": True})

    assert listed["events"] == ["rows.created", "rows.updated"]
    assert everything["include_all_events"] is True
    assert everything["events"] == []


def test_field_filters_must_name_fields_of_the_table_and_can_be_cleared(client, table):
    nom = client.list_fields(table)[0]["id"]
    webhook = client.create_webhook(
        table,
        {
            "url": URL,
            "name": "b",
            "include_all_events": False,
            "events": ["rows.updated"],
            "event_config": [{"event_type": "rows.updated", "fields": [nom]}],
        },
    )
    assert webhook["event_config"] == [{"event_type": "rows.updated", "fields": [nom]}]

    with pytest.raises(BaserowRequestError) as caught:
        client.update_webhook(
            webhook["id"], {"event_config": [{"event_type": "rows.updated", "fields": [98765]}]}
        )
    cleared = client.update_webhook(
        webhook["id"], {"event_config": [{"event_type": "rows.updated", "fields": []}]}
    )

    assert caught.value.code == "ERROR_TABLE_WEBHOOK_EVENT_CONFIG_FIELD_NOT_IN_TABLE"
    assert cleared["event_config"] == [{"event_type": "rows.updated"}]


def test_reactivating_resets_the_failure_counter(client, fake, table):
    webhook = client.create_webhook(table, {"url": URL, "name": "b"})
    fake.deactivate_webhook(webhook["id"])
    assert client.list_webhooks(table)[0]["active"] is False

    updated = client.update_webhook(webhook["id"], {"active": True})

    assert updated["active"] is True
    assert updated["failed_triggers"] == 0


def test_delete_is_204_and_the_webhook_is_gone(client, table):
    webhook = client.create_webhook(table, {"url": URL, "name": "b"})

    assert client.delete_webhook(webhook["id"]) is None
    assert client.list_webhooks(table) == []


def test_webhook_api_takes_only_a_jwt(fake, table):
    session = fake_session(fake)
    for method, path in [
        ("GET", f"/api/database/webhooks/table/{table}/"),
        ("POST", f"/api/database/webhooks/table/{table}/"),
        ("PATCH", "/api/database/webhooks/1/"),
        ("DELETE", "/api/database/webhooks/1/"),
    ]:
        response = session.request(
            method,
            fake.base_url + path,
            json={"url": URL, "name": "b"},
            headers={"Authorization": f"Token {fake.database_token}"},
        )
        assert response.status_code == 401, (method, path)
        assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_returned_objects_are_copies(client, fake, table):
    webhook = client.create_webhook(table, {"url": URL, "name": "b", "headers": {"X-A": "1"}})
    webhook["headers"]["X-A"] = "changed"

    assert fake.webhook(webhook["id"])["headers"] == {"X-A": "1"}


def test_client_refuses_without_credentials_for_the_jwt(fake, table):
    client = BaserowClient(
        base_url=fake.base_url, database_token=fake.database_token, session=fake_session(fake)
    )

    with pytest.raises(BaserowAuthError, match="BASEROW_EMAIL"):
        client.create_webhook(table, {"url": URL, "name": "b"})
