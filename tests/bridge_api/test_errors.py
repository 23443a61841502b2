"""Every error class answers in the envelope."""

import pytest
from django.test import override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.bridge_api.urls")]


def assert_envelope(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_validation_error_names_each_field(client_for):
    client = client_for("write:attributions")

    error = assert_envelope(
        client.post("/api/test/echo", {"heures": -3, "nom": "x" * 30}, format="json"),
        400,
        "VALIDATION_ERROR",
    )

    assert set(error["details"]) == {"heures", "nom"}


def test_valid_body_passes(client_for):
    response = client_for("write:attributions").post(
        "/api/test/echo", {"heures": 3.5, "nom": "ok"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["data"] == {"heures": 3.5, "nom": "ok"}


def test_malformed_json_is_a_validation_error_on_the_body(client_for):
    error = assert_envelope(
        client_for("write:attributions").post(
            "/api/test/echo", data='{"heures": 3,', content_type="application/json"
        ),
        400,
        "VALIDATION_ERROR",
    )
    assert "body" in error["details"]


def test_unsupported_media_type(client_for):
    error = assert_envelope(
        client_for("write:attributions").post(
            "/api/test/echo", data="heures=3", content_type="application/x-www-form-urlencoded"
        ),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    )
    assert "application/json" in error["message"]


@override_settings(BRIDGE_MAX_BODY_BYTES=100)
def test_body_over_the_limit_is_413_before_parsing(client_for):
    client = client_for("write:attributions")
    # Not even valid JSON: the size check must answer before any parser runs.
    error = assert_envelope(
        client.post("/api/test/echo", data="{" * 101, content_type="application/json"),
        413,
        "PAYLOAD_TOO_LARGE",
    )
    assert error["details"] == {"max_bytes": 100}


def test_body_over_the_limit_on_an_unknown_route_is_413_too(api_client, settings):
    settings.BRIDGE_MAX_BODY_BYTES = 10
    assert_envelope(
        api_client.post("/api/v1/nowhere", data="x" * 11, content_type="application/json"),
        413,
        "PAYLOAD_TOO_LARGE",
    )


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api", "/api/v1/tokens/me/extra", "/other"])
def test_unknown_route_is_404(api_client, path):
    assert_envelope(api_client.get(path), 404, "NOT_FOUND")


def test_unknown_route_with_post_is_404_not_csrf_403(api_client):
    assert_envelope(api_client.post("/api/v1/nowhere", {}, format="json"), 404, "NOT_FOUND")


def test_wrong_method_is_405_with_allow_header(client_for):
    response = client_for("read:*").delete("/api/v1/tokens/me")
    assert_envelope(response, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in response["Allow"]


def test_unacceptable_format_is_406(client_for):
    response = client_for("read:*").get("/api/v1/tokens/me", HTTP_ACCEPT="application/xml")
    assert_envelope(response, 406, "NOT_ACCEPTABLE")


def test_non_numeric_content_length_is_400(api_client):
    response = api_client.generic("POST", "/api/health", "", CONTENT_LENGTH="abc")
    assert_envelope(response, 400, "VALIDATION_ERROR")


def test_unhandled_exception_is_500_with_request_id_and_no_traceback(client_for, caplog):
    client = client_for("read:personnes")
    client.raise_request_exception = False

    response = client.get("/api/test/crash")

    error = assert_envelope(response, 500, "INTERNAL")
    assert error["details"] == {"request_id": response["X-Request-ID"]}
    assert "boom" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    logged = [r for r in caplog.records if r.getMessage() == "bridge.unhandled-exception"]
    assert logged
    assert logged[0].request_id == response["X-Request-ID"]


def test_forbidden_scope_names_the_missing_scope(client_for):
    error = assert_envelope(
        client_for("read:personnes").post("/api/test/echo", {}, format="json"),
        403,
        "FORBIDDEN_SCOPE",
    )
    assert error["details"]["required_scope"] == "write:attributions"


# -- Baserow's answers: unavailable (retry) or rejected (a 4xx: it said no) --------------------


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        ("unavailable", "BASEROW_UNAVAILABLE"),
        ("request", "BASEROW_REJECTED"),
        ("auth", "BASEROW_REJECTED"),
        ("table-404", "BASEROW_REJECTED"),
    ],
)
def test_baserow_failures_map_to_unavailable_or_rejected(exc, code):
    from bridge_api.errors import to_bridge_error
    from integrations.baserow import client

    raised = {
        "unavailable": client.BaserowUnavailable("Baserow answered 503.", status=503),
        "request": client.BaserowRequestError(
            "refused", status=400, code="ERROR_REQUEST_BODY_VALIDATION", detail={"n": ["x"]}
        ),
        "auth": client.BaserowAuthError("refused", status=401, code="ERROR_TOKEN_DOES_NOT_EXIST"),
        "table-404": client.BaserowNotFound(
            "refused", status=404, code="ERROR_TABLE_DOES_NOT_EXIST", detail="gone"
        ),
    }[exc]

    error = to_bridge_error(raised)

    assert error.code.name == code
    assert error.status_code == 502
    if code == "BASEROW_REJECTED":
        assert error.details == {
            "baserow_status": raised.status,
            "baserow_error": raised.code,
            "baserow_detail": raised.detail,
        }
