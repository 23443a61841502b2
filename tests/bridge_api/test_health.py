import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_health_answers_without_a_token(api_client):
    response = api_client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok"}}


def test_ready_checks_database_and_redis(api_client):
    response = api_client.get("/api/ready")

    assert response.status_code == 200
    checks = response.json()["data"]["checks"]
    assert checks["database"]["ok"] is True
    assert checks["database"]["detail"] == "postgresql"
    assert checks["redis"] == {
        "ok": True,
        "detail": "ok",
        "duration_ms": checks["redis"]["duration_ms"],
    }


def test_ready_is_503_naming_redis_when_redis_is_down(api_client, settings):
    dead = dict(settings.CACHES)
    dead["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
    with override_settings(CACHES=dead):
        response = api_client.get("/api/ready")

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "NOT_READY"
    assert "redis" in error["message"]
    assert error["details"]["checks"]["redis"]["ok"] is False
    assert error["details"]["checks"]["database"]["ok"] is True


def test_metrics_need_admin_scope(client_for, api_client):
    assert api_client.get("/api/metrics").status_code == 401
    assert client_for("read:*").get("/api/metrics").status_code == 403
    assert client_for("admin:*").get("/api/metrics").status_code == 200


@pytest.mark.urls("tests.bridge_api.urls")
def test_metrics_label_requests_by_route_template_not_raw_path(client_for):
    client = client_for("admin:*")
    client.get("/api/test/items/4242")
    client.get("/api/no/such/route/777")

    text = client.get("/api/metrics").content.decode()

    assert re.search(
        r'http_requests_total\{method="GET",route="/api/test/items/<int:pk>",status="200"\} \d',
        text,
    )
    assert 'route="<unmatched>",status="404"' in text
    routes = set(re.findall(r'route="([^"]*)"', text))
    assert not any("4242" in route or "777" in route for route in routes)
    assert re.search(
        r"http_request_duration_seconds_bucket\{[^}]*route=\"/api/test/items/<int:pk>\"", text
    )
