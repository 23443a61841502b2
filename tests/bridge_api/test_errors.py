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
    error = assert_envelope(response, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in response["Allow"]
    assert error["message"].endswith(f"This resource allows {response['Allow']}.")


MANY = "&".join("a" for _ in range(1500))  # fits gunicorn's 4 KiB request line


def test_too_many_query_parameters_is_400_naming_the_limit_not_500(client_for, settings):
    """DRF reads request.GET in content negotiation: Django's TooManyFieldsSent was a 500."""
    error = assert_envelope(
        client_for("read:*").get(f"/api/v1/personnes?{MANY}"), 400, "VALIDATION_ERROR"
    )
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert error["message"] == (
        f"The request has more than {limit} query or form parameters; send fewer."
    )
    assert error["details"] == {"max_parameters": limit}


def test_too_many_query_parameters_on_a_webhook_is_400_not_500(api_client):
    response = api_client.post(f"/api/webhooks/baserow/projet-changed/?{MANY}", {}, format="json")
    assert_envelope(response, 400, "VALIDATION_ERROR")


def test_too_many_parameters_outside_drf_say_so_too():
    """Django's own 400 handler (admin pages, middleware) gives the same message."""
    from django.core.exceptions import TooManyFieldsSent
    from django.test import RequestFactory

    from bridge_api.errors import handler400

    response = handler400(RequestFactory().get("/admin/"), TooManyFieldsSent("too many"))

    assert response.status_code == 400
    assert b"query or form parameters; send fewer." in response.content


def test_json_nested_too_deeply_is_400_not_500(client_for):
    body = "[" * 100_000 + "]" * 100_000
    error = assert_envelope(
        client_for("write:attributions").post(
            "/api/test/echo", data=body, content_type="application/json"
        ),
        400,
        "VALIDATION_ERROR",
    )
    assert error["details"] == {"body": ["JSON parse error - the body is nested too deeply."]}


def test_json_integer_too_long_is_400_without_python_advice(client_for):
    body = '{"heures": 1' + "0" * 5000 + "}"
    error = assert_envelope(
        client_for("write:attributions").post(
            "/api/test/echo", data=body, content_type="application/json"
        ),
        400,
        "VALIDATION_ERROR",
    )
    assert "4300" in error["details"]["body"][0]
    assert "sys.set_int_max_str_digits" not in error["details"]["body"][0]


def test_unacceptable_format_is_406(client_for):
    response = client_for("read:*").get("/api/v1/tokens/me", HTTP_ACCEPT="application/xml")
    assert_envelope(response, 406, "NOT_ACCEPTABLE")


def test_non_numeric_content_length_is_400(api_client):
    response = api_client.generic("POST", "/api/health", "", CONTENT_LENGTH="9" * 40)
    error = assert_envelope(response, 400, "VALIDATION_ERROR")
    assert error["message"] == (
        "The Content-Length header must be the body's length in bytes (ASCII digits, at most 19)."
    )


def test_a_head_answer_has_no_body_whatever_the_server():
    """Django leaves removing a HEAD body to the server; gunicorn sends it, and a keep-alive
    client reads it as the start of the next response. The test client strips it itself, so
    the middleware is called directly."""
    from django.http import HttpResponse, StreamingHttpResponse
    from django.test import RequestFactory

    from bridge_api.middleware import RequestContextMiddleware

    def view(request):
        response = HttpResponse(b'{"data": 1}', content_type="application/json")
        response["Content-Length"] = "11"
        return response

    head = RequestContextMiddleware(view)(RequestFactory().head("/api/health"))
    assert head.content == b""
    assert head["Content-Length"] == "11"  # what a GET would send
    get = RequestContextMiddleware(view)(RequestFactory().get("/api/health"))
    assert get.content == b'{"data": 1}'
    streamed = RequestContextMiddleware(lambda r: StreamingHttpResponse(iter([b"abc"])))(
        RequestFactory().head("/api/health")
    )
    assert b"".join(streamed.streaming_content) == b""


def test_an_invented_method_is_counted_as_other_not_as_a_new_metric_series(api_client):
    from prometheus_client import REGISTRY

    def count(method):
        labels = {"method": method, "route": "/api/health", "status": "405"}
        return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0

    before = count("other")
    api_client.generic("ZZTOP123", "/api/health")

    assert count("other") == before + 1
    assert count("ZZTOP123") == 0


@pytest.mark.parametrize("version", ["a\r\nX-Evil: 1", "a\x00b", "9.9"])
def test_schema_ignores_a_version_parameter(api_client, version):
    """drf-spectacular copied ?version= into info.version and Content-Disposition (CR/LF: 500)."""
    response = api_client.get("/api/schema/", {"version": version, "format": "json"})

    assert response.status_code == 200
    assert response.json()["info"]["version"] == "1.0.0"
    assert response["Content-Disposition"] == 'inline; filename="Formation Hub Bridge API.json"'


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
    from bridge_api.errors import to_application_error
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

    error = to_application_error(raised)

    assert error.code.name == code
    assert error.status_code == 502
    if code == "BASEROW_REJECTED":
        assert error.details == {
            "baserow_status": raised.status,
            "baserow_error": raised.code,
            "baserow_detail": raised.detail,
        }
