import json
import logging

import pytest

from hub.logging import RedactSecretsFilter, redact

pytestmark = pytest.mark.django_db


def request_records(caplog):
    return [r for r in caplog.records if r.name == "bridge.request"]


def test_each_request_is_logged_with_context_and_no_secret(client_for, caplog):
    client = client_for("read:*")
    caplog.set_level(logging.INFO, logger="bridge.request")

    response = client.get("/api/v1/tokens/me?debug=brg_leak")

    (record,) = request_records(caplog)
    assert record.request_id == response["X-Request-ID"]
    assert record.method == "GET"
    assert record.route == "/api/v1/tokens/me"
    assert record.status == 200
    assert record.duration_ms >= 0
    assert record.token_id == client.token.key_id
    flattened = json.dumps(record.__dict__, default=str)
    assert client.token.plaintext not in flattened
    assert "brg_leak" not in flattened  # the query string is never logged


def test_client_request_id_is_logged_but_the_server_chooses_its_own(api_client, caplog):
    caplog.set_level(logging.INFO, logger="bridge.request")
    response = api_client.get("/api/health", HTTP_X_REQUEST_ID="abc-12345678")

    assert response["X-Request-ID"] != "abc-12345678"
    assert len(response["X-Request-ID"]) == 32
    (record,) = request_records(caplog)
    assert record.request_id == response["X-Request-ID"]
    assert record.client_request_id == "abc-12345678"


def test_two_requests_with_the_same_client_id_get_distinct_server_ids(api_client):
    first = api_client.get("/api/health", HTTP_X_REQUEST_ID="same-id-12345678")
    second = api_client.get("/api/health", HTTP_X_REQUEST_ID="same-id-12345678")
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize("incoming", ["short", "x" * 65, "has spaces in it", "new\nline-12345"])
def test_unsafe_incoming_request_id_is_replaced(api_client, incoming):
    response = api_client.get("/api/health", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.parametrize(
    "message",
    [
        "token brg_abcdefghijkl_secretsecretsecret leaked",
        "Authorization: Bearer eyJhbGciOi.payload.sig",
        "header Token 0123456789abcdef",
    ],
)
def test_secrets_are_redacted_from_log_messages(message):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (message,), None)

    RedactSecretsFilter().filter(record)

    out = record.getMessage()
    assert "REDACTED" in out
    for secret in ("secretsecret", "payload.sig", "0123456789abcdef"):
        assert secret not in out


def test_redact_leaves_ordinary_text_alone():
    assert redact("GET /api/v1/personnes 200") == "GET /api/v1/personnes 200"
