import re
import socket
import threading
import time

import pytest
import responses
from django.test import override_settings

from bridge_api.health import readiness_forget
from integrations.baserow.connection import BaserowConnection, use_baserow
from integrations.docmost.connection import DocmostConnection, connect_fake, use_docmost
from integrations.fakes.docmost.fake import FakeDocmost
from integrations.fakes.transport import install_in_responses

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
}


@pytest.fixture
def details_client(client_for):
    return client_for("admin:sync")


@pytest.fixture
def real_baserow(demo_baserow, settings):
    """The bridge pointed at a "real" Baserow: the fake, reached over `responses`, so the probe
    goes through its own HTTPAdapter (and would go through urllib3's retries if it had any)."""
    fake = demo_baserow.fake
    settings.BASEROW_URL = fake.base_url
    settings.BASEROW_DATABASE_TOKEN = fake.database_token
    use_baserow(BaserowConnection(client=demo_baserow.client, mapping=demo_baserow.mapping))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        install_in_responses(fake, mock)
        fake.calls.clear()
        yield fake
    use_baserow(None)


class SilentServer:
    """Accepts TCP connections and never answers: an upstream that hangs."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def test_health_answers_without_a_token(api_client):
    response = api_client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok"}}


def test_public_ready_says_only_ready(api_client):
    response = api_client.get("/api/ready")

    assert response.status_code == 200
    assert response.json() == {"data": {"ready": True}}


def test_ready_details_with_a_sync_admin_token(details_client):
    response = details_client.get("/api/ready")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["ready"] is True
    assert data["checks"]["database"]["detail"] == "postgresql"
    assert data["checks"]["redis"]["ok"] is True
    assert data["checks"]["redis"]["duration_ms"] >= 0
    assert "demo" in data["checks"]["baserow"]["detail"]
    assert data["checked_at"]


def test_ready_details_refused_without_the_scope_and_with_a_bad_token(client_for, api_client):
    assert client_for("read:*").get("/api/ready").status_code == 403
    api_client.credentials(HTTP_AUTHORIZATION="Bearer brg_not_a_real_token")
    assert api_client.get("/api/ready").status_code == 401


def test_public_503_has_no_error_text(api_client, details_client, settings):
    with override_settings(CACHES={**settings.CACHES, "default": DEAD_REDIS}):
        public = api_client.get("/api/ready")
        readiness_forget()
        detailed = details_client.get("/api/ready")

    assert public.status_code == 503
    assert public.json() == {
        "error": {"code": "NOT_READY", "message": "Not ready.", "details": None}
    }
    assert detailed.status_code == 503
    error = detailed.json()["error"]
    assert "redis" in error["message"]
    assert error["details"]["checks"]["redis"]["ok"] is False
    assert "Error" in error["details"]["checks"]["redis"]["detail"]
    assert error["details"]["checks"]["database"]["ok"] is True


def test_down_baserow_is_503_at_once_without_retries(real_baserow, details_client):
    real_baserow.fail_next(503, times=10)

    started = time.monotonic()
    response = details_client.get("/api/ready")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["error"]["details"]["checks"]["baserow"]["ok"] is False
    assert real_baserow.count(path_prefix="/api/database/tokens/check/") == 1
    assert elapsed < 1.0  # the client's own retries would wait 0.5 + 1 + 2 s


def test_refused_baserow_token_is_503_naming_baserow(real_baserow, details_client, settings):
    settings.BASEROW_DATABASE_TOKEN = "not-the-token"

    response = details_client.get("/api/ready")

    assert response.status_code == 503
    baserow = response.json()["error"]["details"]["checks"]["baserow"]
    assert baserow["ok"] is False
    assert "BaserowAuthError" in baserow["detail"]
    assert "ERROR_TOKEN_DOES_NOT_EXIST" in baserow["detail"]


def test_ready_result_is_reused_within_the_cache_window(
    real_baserow, details_client, api_client, settings
):
    settings.READY_CACHE_SECONDS = 60

    first = details_client.get("/api/ready")
    second = api_client.get("/api/ready")
    third = details_client.get("/api/ready")

    assert first.status_code == second.status_code == third.status_code == 200
    assert real_baserow.count(path_prefix="/api/database/tokens/check/") == 1
    assert third.json()["data"]["checked_at"] == first.json()["data"]["checked_at"]


def test_ready_runs_again_once_the_window_is_over(real_baserow, api_client, settings):
    settings.READY_CACHE_SECONDS = 0

    api_client.get("/api/ready")
    api_client.get("/api/ready")

    assert real_baserow.count(path_prefix="/api/database/tokens/check/") == 2


def test_hanging_baserow_times_out_after_the_probe_timeout_once(
    demo_baserow, silent_server, details_client, settings
):
    settings.BASEROW_URL = silent_server.url
    settings.READY_PROBE_TIMEOUT_SECONDS = 0.3
    use_baserow(BaserowConnection(client=demo_baserow.client, mapping=demo_baserow.mapping))

    started = time.monotonic()
    response = details_client.get("/api/ready")
    elapsed = time.monotonic() - started
    use_baserow(None)

    assert response.status_code == 503
    assert "unreachable" in response.json()["error"]["details"]["checks"]["baserow"]["detail"]
    assert elapsed < 1.5
    assert len(silent_server.connections) == 1  # no retry


def test_hanging_docmost_times_out_after_the_probe_timeout_once(
    silent_server, details_client, settings
):
    settings.DOCMOST_URL = silent_server.url
    settings.DOCMOST_EMAIL = "bridge@example.org"
    settings.DOCMOST_PASSWORD = "x"
    settings.READY_PROBE_TIMEOUT_SECONDS = 0.3
    fake = connect_fake(FakeDocmost())
    use_docmost(DocmostConnection(client=fake.client))  # not the demo: the probe goes out

    started = time.monotonic()
    response = details_client.get("/api/ready")
    elapsed = time.monotonic() - started
    use_docmost(None)

    assert response.status_code == 503
    docmost = response.json()["error"]["details"]["checks"]["docmost"]
    assert docmost["ok"] is False
    assert "unreachable" in docmost["detail"]
    assert elapsed < 1.5
    assert len(silent_server.connections) == 1  # no retry


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
