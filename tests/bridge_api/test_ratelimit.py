import pytest
from django.test import override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.bridge_api.urls")]

ME = "/api/v1/tokens/me"
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def small_limits(settings):
    settings.BRIDGE_RATE_LIMITS = {"read": "3/m", "write": "2/m", "webhook": "5/m", "pdf": "1/m"}


@pytest.mark.usefixtures("small_limits")
def test_over_the_read_limit_is_429_with_retry_after(client_for):
    client = client_for("read:*")
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 200]

    response = client.get(ME)

    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "RATE_LIMITED"
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    assert error["details"]["retry_after"] == retry_after
    assert error["details"]["limit_class"] == "read"


@pytest.mark.usefixtures("small_limits")
def test_one_token_exhausting_its_limit_does_not_throttle_another(client_for):
    first, second = client_for("read:*"), client_for("read:*")
    for _ in range(4):
        first.get(ME)
    assert first.get(ME).status_code == 429

    assert second.get(ME).status_code == 200


@pytest.mark.usefixtures("small_limits")
def test_read_and_write_classes_are_counted_separately(client_for):
    client = client_for("read:*", "write:attributions")
    for _ in range(4):
        client.get(ME)
    assert client.get(ME).status_code == 429

    body = {"heures": 1, "nom": "x"}
    assert client.post("/api/test/echo", body, format="json").status_code == 201
    assert client.post("/api/test/echo", body, format="json").status_code == 201
    response = client.post("/api/test/echo", body, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["details"]["limit_class"] == "write"


@pytest.mark.usefixtures("small_limits")
def test_public_endpoints_are_not_rate_limited(api_client):
    assert {api_client.get("/api/health").status_code for _ in range(10)} == {200}


def _dead_redis_caches(settings):
    options = {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True}
    caches = dict(settings.CACHES)
    caches["ratelimit"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": DEAD_REDIS,
        "OPTIONS": options,
    }
    return caches


@pytest.mark.usefixtures("small_limits")
def test_when_redis_is_down_the_limiter_fails_open(client_for, settings):
    client = client_for("read:*")
    with override_settings(CACHES=_dead_redis_caches(settings), RATELIMIT_FAIL_OPEN=True):
        statuses = {client.get(ME).status_code for _ in range(5)}
    assert statuses == {200}


@pytest.mark.usefixtures("small_limits")
def test_when_redis_is_down_and_fail_closed_is_chosen_requests_get_429(client_for, settings):
    client = client_for("read:*")
    with override_settings(CACHES=_dead_redis_caches(settings), RATELIMIT_FAIL_OPEN=False):
        response = client.get(ME)
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
