"""The Baserow client against the fake, through the real HTTPAdapter (retries included)."""

import pytest
import requests
import responses

from integrations.baserow.client import (
    BaserowAuthError,
    BaserowClient,
    BaserowNotFound,
    BaserowRequestError,
    BaserowUnavailable,
    Filters,
)
from integrations.fakes.baserow.fake import FakeBaserow
from integrations.fakes.transport import install_in_responses


@pytest.fixture
def world():
    """A fake Baserow with one 3-field table, reached through `responses`."""
    fake = FakeBaserow()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        install_in_responses(fake, mock)
        client = BaserowClient(
            base_url=fake.base_url,
            database_token=fake.database_token,
            email=fake.email,
            password=fake.password,
            backoff_factor=0,
        )
        table = client.create_table(fake.database_id, "items", "nom")
        client.create_field(
            table["id"], {"name": "heures", "type": "number", "number_decimal_places": 2}
        )
        fake.calls.clear()
        yield fake, client, table["id"]


def test_iter_rows_streams_every_page_to_the_end(world):
    fake, client, table_id = world
    client.batch_create(table_id, [{"nom": f"row {i}", "heures": i} for i in range(450)])
    fake.calls.clear()

    rows = list(client.iter_rows(table_id))

    assert [row["nom"] for row in rows] == [f"row {i}" for i in range(450)]
    pages = [call.params for call in fake.calls]
    assert [(p["page"], p["size"]) for p in pages] == [("1", "200"), ("2", "200"), ("3", "200")]
    assert all(p["user_field_names"] == "true" for p in pages)


def test_iter_rows_is_lazy(world):
    fake, client, table_id = world
    client.batch_create(table_id, [{"nom": str(i)} for i in range(450)])
    fake.calls.clear()

    first = next(client.iter_rows(table_id))

    assert first["nom"] == "0"
    assert len(fake.calls) == 1  # only the first page was fetched


def test_page_past_the_end_is_empty_not_an_error(world):
    _fake, client, table_id = world
    client.batch_create(table_id, [{"nom": "a"}, {"nom": "b"}])

    page = client.list_rows(table_id, page=5, size=2)

    assert page.count == 2
    assert page.results == []


def test_numbers_come_back_as_decimal_strings(world):
    _fake, client, table_id = world
    row = client.create_row(table_id, {"nom": "x", "heures": 3.5})
    assert row["heures"] == "3.50"


def test_batches_are_split_into_chunks_of_200(world):
    fake, client, table_id = world

    created = client.batch_create(table_id, [{"nom": str(i)} for i in range(450)])

    assert len(created) == 450
    sizes = [len(call.body["items"]) for call in fake.calls if call.path.endswith("/batch/")]
    assert sizes == [200, 200, 50]

    fake.calls.clear()
    client.batch_update(table_id, [{"id": row["id"], "heures": 1} for row in created])
    client.batch_delete(table_id, [row["id"] for row in created[:250]])
    assert [len(c.body["items"]) for c in fake.calls] == [200, 200, 50, 200, 50]
    assert client.list_rows(table_id, size=1).count == 200


def test_writes_can_suppress_webhook_events(world):
    fake, client, table_id = world
    client.create_row(table_id, {"nom": "quiet"}, send_webhook_events=False)
    client.create_row(table_id, {"nom": "loud"})

    assert fake.calls[0].params["send_webhook_events"] == "false"
    assert "send_webhook_events" not in fake.calls[1].params


def test_filters_are_sent_as_baserow_json(world):
    fake, client, table_id = world
    client.batch_create(table_id, [{"nom": "a"}, {"nom": "b"}, {"nom": "c"}])
    fake.calls.clear()

    page = client.list_rows(
        table_id, filters=Filters.any_of("nom", "equal", ["a", "c"]), order_by=["-nom"]
    )

    assert [row["nom"] for row in page.results] == ["c", "a"]
    assert '"filter_type":"OR"' in fake.calls[0].params["filters"]


def test_retries_503_then_succeeds(world):
    fake, client, table_id = world
    fake.fail_next(503, times=2)

    page = client.list_rows(table_id)

    assert page.count == 0
    assert len(fake.calls) == 3


def test_honours_429_retry_after_then_succeeds(world):
    fake, client, table_id = world
    fake.fail_next(429, body={"detail": "Request was throttled."}, headers={"Retry-After": "0"})

    assert client.list_rows(table_id).count == 0
    assert len(fake.calls) == 2


def test_gives_up_after_max_retries_with_unavailable(world):
    fake, client, table_id = world
    fake.fail_next(502, times=10)

    with pytest.raises(BaserowUnavailable, match="502"):
        client.list_rows(table_id)
    assert len(fake.calls) == 4  # first try + 3 retries


def test_a_field_created_while_its_table_is_locked_is_retried(world):
    """Real Baserow answers 409 to a field created right after its table (contract errata 2)."""
    fake, client, table_id = world
    fake.fail_next(
        409,
        body={
            "error": "ERROR_FAILED_TO_LOCK_TABLE_DUE_TO_CONFLICT",
            "detail": "The requested table is already being updated or used by another operation",
        },
    )

    created = client.create_field(table_id, {"name": "extra", "type": "text"})

    assert created["name"] == "extra"
    assert [call.method for call in fake.calls] == ["POST", "POST"]


def test_does_not_retry_a_400(world):
    fake, client, table_id = world

    with pytest.raises(BaserowRequestError) as caught:
        client.list_rows(table_id, order_by=["nope"])

    assert caught.value.code == "ERROR_ORDER_BY_FIELD_NOT_FOUND"
    assert len(fake.calls) == 1


def test_does_not_resend_a_post_after_a_500(world):
    fake, client, table_id = world
    fake.fail_next(500)

    with pytest.raises(BaserowUnavailable):
        client.create_row(table_id, {"nom": "maybe applied"})
    assert len(fake.calls) == 1


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (
            401,
            {"error": "ERROR_TOKEN_DOES_NOT_EXIST", "detail": "The token does not exist."},
            BaserowAuthError,
        ),
        (
            404,
            {"error": "ERROR_ROW_DOES_NOT_EXIST", "detail": "The row 9 does not exist."},
            BaserowNotFound,
        ),
        (400, {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": {"x": []}}, BaserowRequestError),
        (200, b"<html>proxy error</html>", BaserowUnavailable),
        (502, b"<html>Bad gateway</html>", BaserowUnavailable),
    ],
)
def test_error_responses_map_to_domain_errors(world, status, body, error):
    fake, client, table_id = world
    fake.fail_next(status, body=body, times=4)

    with pytest.raises(error):
        client.get_row(table_id, 9)


def test_unknown_row_is_not_found(world):
    _fake, client, table_id = world
    with pytest.raises(BaserowNotFound) as caught:
        client.get_row(table_id, 999)
    assert caught.value.code == "ERROR_ROW_DOES_NOT_EXIST"


def test_connection_error_is_unavailable():
    client = BaserowClient(
        base_url="http://127.0.0.1:1", database_token="x", max_retries=1, backoff_factor=0
    )
    with pytest.raises(BaserowUnavailable, match="unreachable"):
        client.list_rows(1)


def test_timeout_is_unavailable(world):
    _fake, client, table_id = world
    with responses.RequestsMock() as mock:
        mock.add(
            responses.GET,
            f"{client.base_url}/api/database/rows/table/{table_id}/",
            body=requests.ReadTimeout(),
        )
        with pytest.raises(BaserowUnavailable, match="ReadTimeout"):
            client.list_rows(table_id)


def test_jwt_login_is_cached_and_refreshed_when_expired(world):
    fake, client, _table_id = world
    logins = lambda: [c for c in fake.calls if c.path == "/api/user/token-auth/"]  # noqa: E731
    refreshes = lambda: [c for c in fake.calls if c.path == "/api/user/token-refresh/"]  # noqa: E731

    client.list_tables(fake.database_id)
    client.list_tables(fake.database_id)
    assert len(logins()) == 0  # logged in once while the fixture created the table

    fake.expire_jwts()  # Baserow says the access token is no longer valid
    client.list_tables(fake.database_id)

    assert len(logins()) == 0
    assert len(refreshes()) == 1
    assert fake.calls[-1].path.startswith("/api/database/tables/")


def test_jwt_needs_credentials():
    fake = FakeBaserow()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        install_in_responses(fake, mock)
        client = BaserowClient(base_url=fake.base_url, database_token=fake.database_token)
        with pytest.raises(BaserowAuthError, match="BASEROW_EMAIL"):
            client.list_tables(fake.database_id)


def test_database_token_is_sent_as_token_header(world):
    fake, client, table_id = world
    client.list_rows(table_id)
    fake.database_token = "rotated-elsewhere"  # Baserow no longer knows ours

    with pytest.raises(BaserowAuthError) as caught:
        client.list_rows(table_id)
    assert caught.value.code == "ERROR_TOKEN_DOES_NOT_EXIST"


def test_a_post_is_retried_only_when_baserow_refused_it():
    from integrations.baserow.transport import _BaserowRetry

    retry = _BaserowRetry(total=3, status_forcelist=(429, 500, 502, 503, 504),
                          allowed_methods=frozenset({"GET", "PATCH", "DELETE", "PUT"}))  # fmt: skip
    assert retry.is_retry("POST", 503) is True
    assert retry.is_retry("POST", 429) is True
    assert retry.is_retry("POST", 500) is False
    assert retry.is_retry("POST", 504) is False
    assert retry._is_method_retryable("POST") is False  # so a read timeout is never re-sent
    assert retry.is_retry("GET", 500) is True
