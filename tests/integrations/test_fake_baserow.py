"""FakeBaserow follows CONTRACT.md: driven through the real BaserowClient on a fake session."""

import json
from typing import Any

import pytest
import requests

from integrations.baserow.client import (
    BaserowAuthError,
    BaserowClient,
    BaserowNotFound,
    BaserowRequestError,
    Condition,
    Filters,
)
from integrations.fakes.baserow.fake import FakeBaserow
from integrations.fakes.transport import fake_session

ORDER_20 = r"^\d+\.\d{20}$"


class World:
    """An empty fake with two small tables: teams (primary `name`) and people linking to it."""

    def __init__(self) -> None:
        self.fake = FakeBaserow()
        self.session = fake_session(self.fake)
        self.client = client_for(self.fake)
        db = self.fake.database_id
        self.teams = self.client.create_table(db, "teams", "name")["id"]
        self.people = self.client.create_table(db, "people", "name")["id"]
        self.client.create_field(
            self.people,
            {"name": "hours", "type": "number", "number_decimal_places": 2},
        )
        self.client.create_field(
            self.people,
            {"name": "count", "type": "number", "number_decimal_places": 0},
        )
        self.client.create_field(
            self.people,
            {
                "name": "status",
                "type": "single_select",
                "select_options": [
                    {"value": "actif", "color": "blue"},
                    {"value": "inactif", "color": "red"},
                ],
            },
        )
        self.client.create_field(
            self.people,
            {"name": "team", "type": "link_row", "link_row_table_id": self.teams},
        )
        self.client.batch_create(self.teams, [{"name": "Red"}, {"name": "Blue"}])
        self.fake.calls.clear()

    def option_id(self, value: str) -> int:
        field = next(f for f in self.client.list_fields(self.people) if f["name"] == "status")
        return next(o["id"] for o in field["select_options"] if o["value"] == value)

    def raw(
        self,
        method: str,
        path: str,
        *,
        auth: str | None = None,
        params: dict[str, str] | None = None,
        body: Any = None,
    ) -> tuple[int, Any]:
        """One request straight to the fake's handler, bypassing the client's own checks."""
        url = self.fake.base_url + path
        if params:
            url += "?" + requests.models.RequestEncodingMixin._encode_params(params)
        headers = {"Authorization": auth or f"Token {self.fake.database_token}"}
        status, _headers, content = self.fake.handle(
            method, url, headers, None if body is None else json.dumps(body)
        )
        return status, json.loads(content) if content else None


def client_for(fake: FakeBaserow, **overrides: Any) -> BaserowClient:
    options: dict[str, Any] = {
        "base_url": fake.base_url,
        "database_token": fake.database_token,
        "email": fake.email,
        "password": fake.password,
        "session": fake_session(fake),
    } | overrides
    return BaserowClient(**options)


@pytest.fixture
def world() -> World:
    return World()


def rows_path(world: World, suffix: str = "") -> str:
    return f"/api/database/rows/table/{world.people}/{suffix}"


# -- authentication --------------------------------------------------------------------------------


def test_token_header_on_jwt_only_endpoint_is_not_recognised(world):
    response = world.session.get(
        f"{world.fake.base_url}/api/database/tables/database/{world.fake.database_id}/",
        headers={"Authorization": f"Token {world.fake.database_token}"},
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_list_tables_through_the_client_logs_in_with_a_jwt(world):
    tables = client_for(world.fake).list_tables(world.fake.database_id)

    assert [t["name"] for t in tables] == ["teams", "people"]
    assert [call.path for call in world.fake.calls] == [
        "/api/user/token-auth/",
        "/api/database/tables/database/1/",
    ]


def test_client_without_credentials_cannot_call_a_jwt_only_endpoint(world):
    client = client_for(world.fake, email="", password="")

    with pytest.raises(BaserowAuthError, match="needs a JWT"):
        client.list_tables(world.fake.database_id)
    assert not world.fake.calls  # refused client-side, nothing sent


def test_wrong_database_token_is_refused_with_its_code(world):
    client = client_for(world.fake, database_token="not-the-token")

    with pytest.raises(BaserowAuthError) as caught:
        client.list_rows(world.people)

    assert caught.value.status == 401
    assert caught.value.code == "ERROR_TOKEN_DOES_NOT_EXIST"


@pytest.mark.parametrize(
    ("header", "status", "body"),
    [
        ("Token", 401, {"error": "ERROR_INVALID_TOKEN_HEADER"}),
        ("Token a b", 401, {"error": "ERROR_INVALID_TOKEN_HEADER"}),
        ("Token wrong", 401, {"error": "ERROR_TOKEN_DOES_NOT_EXIST"}),
        ("JWT expired-or-made-up", 401, {"error": "ERROR_INVALID_ACCESS_TOKEN"}),
        ("Bearer {token}", 401, {"detail": "Authentication credentials were not provided."}),
        ("", 401, {"detail": "Authentication credentials were not provided."}),
    ],
    ids=["token-without-key", "token-three-parts", "unknown-token", "bad-jwt", "bearer", "none"],
)
def test_rows_endpoint_refuses_bad_authorization(world, header, status, body):
    got_status, got = world.raw(
        "GET", rows_path(world), auth=header.format(token=world.fake.database_token) or " "
    )

    assert got_status == status
    assert body.items() <= got.items()


def test_token_keyword_is_case_insensitive(world):
    status, body = world.raw("GET", rows_path(world), auth=f"token {world.fake.database_token}")

    assert status == 200
    assert body["count"] == 0


def test_rows_endpoints_accept_a_jwt_too(world):
    world.client.list_tables(world.fake.database_id)  # logs in
    jwt = world.client._jwt_header()

    status, body = world.raw("GET", rows_path(world), auth=jwt)

    assert status == 200
    assert body["results"] == []


def test_token_check_accepts_the_token_but_not_a_jwt(world):
    world.client.check_token()
    jwt = world.client._jwt_header()

    status, body = world.raw("GET", "/api/database/tokens/check/", auth=jwt)

    assert status == 403  # token authentication only: DRF has no WWW-Authenticate to offer
    assert body == {"detail": "Authentication credentials were not provided."}


def test_field_create_with_a_token_reaches_the_view_and_lacks_permission(world):
    status, body = world.raw(
        "POST",
        f"/api/database/fields/table/{world.people}/",
        body={"name": "x", "type": "text"},
    )

    assert status == 401
    assert body["error"] == "ERROR_NO_PERMISSION_TO_TABLE"
    assert "x" not in [f["name"] for f in world.client.list_fields(world.people)]


def test_list_fields_accepts_the_database_token(world):
    status, fields = world.raw("GET", f"/api/database/fields/table/{world.people}/")

    assert status == 200
    assert [f["name"] for f in fields] == ["name", "hours", "count", "status", "team"]


def test_expired_jwt_is_renewed_once_by_the_client(world):
    world.client.list_tables(world.fake.database_id)
    world.fake.expire_jwts()
    world.fake.calls.clear()

    assert len(world.client.list_tables(world.fake.database_id)) == 2
    assert [c.path for c in world.fake.calls].count("/api/database/tables/database/1/") == 2


def test_token_auth_with_wrong_password(world):
    status, body = world.raw(
        "POST", "/api/user/token-auth/", body={"email": world.fake.email, "password": "nope"}
    )

    assert status == 401
    assert body["error"] == "ERROR_INVALID_CREDENTIALS"


# -- pagination ------------------------------------------------------------------------------------


def test_page_size_over_200_is_refused_by_baserow(world):
    status, body = world.raw("GET", rows_path(world), params={"size": "201"})

    assert status == 400
    assert body == {"error": "ERROR_PAGE_SIZE_LIMIT", "detail": "The page size is limited to 200."}


@pytest.mark.parametrize("size", [0, 201, -1])
def test_client_refuses_out_of_range_page_size_before_sending(world, size):
    with pytest.raises(ValueError, match="size"):
        world.client.list_rows(world.people, size=size)
    assert not world.fake.calls


def test_page_size_200_is_allowed(world):
    world.client.batch_create(world.people, [{"name": f"p{i}"} for i in range(201)])

    page = world.client.list_rows(world.people, size=200)

    assert page.count == 201
    assert len(page.results) == 200


@pytest.mark.parametrize("size", ["0", "abc", "-5", ""])
def test_invalid_page_size_falls_back_to_100(world, size):
    world.client.batch_create(world.people, [{"name": f"p{i}"} for i in range(120)])

    status, body = world.raw("GET", rows_path(world), params={"size": size})

    assert status == 200
    assert len(body["results"]) == 100


def test_page_past_the_end_is_200_with_empty_results(world):
    world.client.batch_create(world.people, [{"name": "a"}, {"name": "b"}, {"name": "c"}])

    page = world.client.list_rows(world.people, page=5, size=2)

    assert page.count == 3
    assert page.results == []
    assert world.fake.calls[-1].params["page"] == "5"


def test_pages_and_next_links(world):
    world.client.batch_create(world.people, [{"name": n} for n in "abcde"])

    status, first = world.raw("GET", rows_path(world), params={"size": "2"})
    _, last = world.raw("GET", rows_path(world), params={"size": "2", "page": "3"})

    assert status == 200
    assert [row["id"] for row in first["results"]] == [1, 2]
    assert first["next"].endswith("?page=2&size=2")
    assert first["previous"] is None
    assert [row["id"] for row in last["results"]] == [5]
    assert last["next"] is None


def test_iter_rows_reads_every_page(world):
    world.client.batch_create(world.people, [{"name": f"p{i}"} for i in range(450)])

    names = [row["name"] for row in world.client.iter_rows(world.people)]

    assert len(names) == 450
    assert names[0] == "p0"
    assert names[-1] == "p449"
    assert world.fake.count("GET") == 3


# -- batches ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "items"),
    [
        ("POST", "batch/", [{"name": f"p{i}"} for i in range(201)]),
        ("PATCH", "batch/", [{"id": i, "name": "x"} for i in range(1, 202)]),
        ("POST", "batch-delete/", list(range(1, 202))),
    ],
    ids=["create", "update", "delete"],
)
def test_batch_of_201_items_is_refused(world, method, suffix, items):
    status, body = world.raw(method, rows_path(world, suffix), body={"items": items})

    assert status == 400
    assert body == {
        "error": "ERROR_REQUEST_BODY_VALIDATION",
        "detail": {
            "items": [
                {"error": "Ensure this field has no more than 200 elements.", "code": "max_length"}
            ]
        },
    }
    assert world.client.list_rows(world.people).count == 0


def test_client_splits_201_items_into_batches_of_200(world):
    created = world.client.batch_create(world.people, [{"name": f"p{i}"} for i in range(201)])

    assert len(created) == 201
    batch_calls = [c for c in world.fake.calls if c.path.endswith("/batch/")]
    assert [len(c.body["items"]) for c in batch_calls] == [200, 1]


@pytest.mark.parametrize("body", [{"items": []}, {}, {"items": "x"}], ids=["empty", "none", "str"])
def test_batch_without_items_is_refused(world, body):
    status, got = world.raw("POST", rows_path(world, "batch/"), body=body)

    assert status == 400
    assert got["error"] == "ERROR_REQUEST_BODY_VALIDATION"


def test_batch_update_with_unknown_ids_is_404_and_changes_nothing(world):
    world.client.batch_create(world.people, [{"name": "a"}, {"name": "b"}])

    with pytest.raises(BaserowNotFound) as caught:
        world.client.batch_update(
            world.people, [{"id": 1, "name": "changed"}, {"id": 999, "name": "x"}]
        )

    assert caught.value.status == 404
    assert caught.value.code == "ERROR_ROW_DOES_NOT_EXIST"
    assert "999" in caught.value.detail
    assert world.client.get_row(world.people, 1)["name"] == "a"


def test_batch_update_with_duplicate_ids_is_refused(world):
    world.client.batch_create(world.people, [{"name": "a"}])

    with pytest.raises(BaserowRequestError) as caught:
        world.client.batch_update(world.people, [{"id": 1, "name": "x"}, {"id": 1, "name": "y"}])

    assert caught.value.status == 400
    assert caught.value.code == "ERROR_ROW_IDS_NOT_UNIQUE"
    assert world.client.get_row(world.people, 1)["name"] == "a"


def test_batch_delete_with_unknown_ids_deletes_nothing(world):
    world.client.batch_create(world.people, [{"name": "a"}, {"name": "b"}])

    with pytest.raises(BaserowNotFound) as caught:
        world.client.batch_delete(world.people, [1, 42])

    assert caught.value.code == "ERROR_ROW_DOES_NOT_EXIST"
    assert world.client.list_rows(world.people).count == 2


def test_batch_is_all_or_nothing_on_an_invalid_value(world):
    world.client.batch_create(world.people, [{"name": "a"}, {"name": "b"}])

    with pytest.raises(BaserowRequestError) as caught:
        world.client.batch_update(world.people, [{"id": 1, "hours": 3}, {"id": 2, "hours": "abc"}])

    assert caught.value.code == "ERROR_REQUEST_BODY_VALIDATION"
    assert set(caught.value.detail["items"]) == {"1"}
    assert "hours" in caught.value.detail["items"]["1"]
    assert world.client.get_row(world.people, 1)["hours"] is None


# -- value representations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "written", "read"),
    [
        ("hours", 1.5, "1.50"),
        ("hours", "3", "3.00"),
        ("hours", 7, "7.00"),
        ("hours", "0.1", "0.10"),
        ("count", 7, "7"),
        ("count", "12", "12"),
        ("hours", None, None),
    ],
    ids=["float", "numeric-string", "int", "small", "zero-decimals", "zero-decimals-str", "null"],
)
def test_numbers_read_back_as_decimal_strings_with_field_decimals(world, field, written, read):
    row = world.client.create_row(world.people, {"name": "a", field: written})

    assert row[field] == read
    assert world.client.get_row(world.people, row["id"])[field] == read


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("abc", "invalid"),
        ("1,5", "invalid"),
        ("€5", "invalid"),
        (True, "invalid"),
        ([1], "invalid"),
        ({"v": 1}, "invalid"),
        ("NaN", "invalid"),
        (-1, "min_value"),
        ("-0.5", "min_value"),
        ("1.555", "max_decimal_places"),
    ],
    ids=[
        "letters", "comma", "prefix", "bool", "list", "object", "nan", "negative", "neg-str",
        "too-precise",
    ],
)  # fmt: skip
def test_invalid_numbers_are_refused(world, written, code):
    with pytest.raises(BaserowRequestError) as caught:
        world.client.create_row(world.people, {"name": "a", "hours": written})

    assert caught.value.status == 400
    assert caught.value.code == "ERROR_REQUEST_BODY_VALIDATION"
    assert caught.value.detail["hours"][0]["code"] == code
    assert world.client.list_rows(world.people).count == 0


def test_row_object_has_id_and_20_place_order(world):
    row = world.client.create_row(world.people, {"name": "a"})

    assert row["id"] == 1
    assert row["order"] == "1.00000000000000000000"
    assert set(row) == {"id", "order", "name", "hours", "count", "status", "team"}


def test_link_row_is_read_as_id_value_order(world):
    row = world.client.create_row(world.people, {"name": "a", "team": [2, 1]})

    assert [(link["id"], link["value"]) for link in row["team"]] == [(2, "Blue"), (1, "Red")]
    assert all(set(link) == {"id", "value", "order"} for link in row["team"])
    assert row["team"][0]["order"] == "2.00000000000000000000"


@pytest.mark.parametrize(
    ("written", "ids"),
    [
        ([1], [1]),
        ([1, 2], [1, 2]),
        (["Blue"], [2]),
        (["Red", 2], [1, 2]),
        ("Red,Blue", [1, 2]),
        ([], []),
        (None, []),
    ],
    ids=["id", "ids", "primary-string", "mixed", "comma-string", "empty", "null"],
)
def test_link_row_written_as_ids_or_primary_strings(world, written, ids):
    row = world.client.create_row(world.people, {"name": "a", "team": written})

    assert [link["id"] for link in row["team"]] == ids


@pytest.mark.parametrize(
    "written",
    [
        [{"id": 1, "value": "Red"}],
        [{"id": 1}],
        [{"id": 1, "value": "Red", "order": "1.00000000000000000000"}],
    ],
    ids=["id-value", "id-only", "as-read"],
)
def test_link_row_objects_are_not_accepted_on_write(world, written):
    with pytest.raises(BaserowRequestError) as caught:
        world.client.create_row(world.people, {"name": "a", "team": written})

    assert caught.value.status == 400
    assert caught.value.code == "ERROR_REQUEST_BODY_VALIDATION"
    assert "must be a list of valid integer or string" in caught.value.detail["team"][0]["error"]


def test_link_row_to_an_unknown_text_is_refused_with_a_text_detail(world):
    with pytest.raises(BaserowRequestError) as caught:
        world.client.create_row(world.people, {"name": "a", "team": ["Green"]})

    assert caught.value.status == 400
    assert caught.value.detail == (
        "The provided text value 'Green' doesn't match any row in the linked table."
    )


def test_link_row_written_as_a_number_is_refused(world):
    with pytest.raises(BaserowRequestError) as caught:
        world.client.create_row(world.people, {"name": "a", "team": 5})

    assert caught.value.status == 400
    assert "team" in caught.value.detail


def test_link_row_to_an_id_that_does_not_exist_is_dropped(world):
    row = world.client.create_row(world.people, {"name": "a", "team": [999]})

    assert row["team"] == []


def test_select_written_by_id_or_value_reads_as_object(world):
    actif = world.option_id("actif")

    by_id = world.client.create_row(world.people, {"name": "a", "status": actif})
    by_value = world.client.create_row(world.people, {"name": "b", "status": "actif"})

    expected = {"id": actif, "value": "actif", "color": "blue"}
    assert by_id["status"] == expected
    assert by_value["status"] == expected
    cleared = world.client.update_row(world.people, by_id["id"], {"status": None})
    assert cleared["status"] is None


@pytest.mark.parametrize("written", ["archive", 99999], ids=["unknown-value", "unknown-id"])
def test_select_unknown_is_refused_with_a_text_detail(world, written):
    with pytest.raises(BaserowRequestError) as caught:
        world.client.create_row(world.people, {"name": "a", "status": written})

    assert caught.value.status == 400
    assert caught.value.detail == (
        f"The provided select option value '{written}' is not a valid select option."
    )


def test_select_written_as_the_read_object_is_refused_for_the_field(world):
    with pytest.raises(BaserowRequestError) as caught:
        world.client.create_row(world.people, {"name": "a", "status": {"id": 1, "value": "actif"}})

    assert caught.value.status == 400
    assert list(caught.value.detail) == ["status"]


def test_unknown_keys_in_a_body_are_ignored(world):
    row = world.client.create_row(world.people, {"name": "a", "nope": 1})

    assert "nope" not in row
    assert row["name"] == "a"


@pytest.mark.parametrize(
    ("value", "keys"),
    [("true", "names"), ("", "names"), ("1", "names"), ("false", "ids"), ("0", "ids")],
)
def test_user_field_names_flag_values(world, value, keys):
    world.client.create_row(world.people, {"name": "a"})

    _, listed = world.raw("GET", rows_path(world), params={"user_field_names": value})
    _, single = world.raw("GET", rows_path(world, "1/"), params={"user_field_names": value})

    for row in (listed["results"][0], single):
        assert ("name" in row) == (keys == "names")
        assert any(key.startswith("field_") for key in row) == (keys == "ids")


def test_without_user_field_names_keys_are_field_ids(world):
    world.client.create_row(world.people, {"name": "a"})

    _, body = world.raw("GET", rows_path(world))

    assert all(k in ("id", "order") or k.startswith("field_") for k in body["results"][0])


# -- filters and ordering --------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [0, 2], ids=["empty-table", "with-rows"])
@pytest.mark.parametrize(
    ("filters", "code"),
    [
        (Filters(conditions=(Condition("nope", "equal", "x"),)), "ERROR_FILTER_FIELD_NOT_FOUND"),
        (
            Filters(groups=(Filters(conditions=(Condition("nope", "equal", "x"),)),)),
            "ERROR_FILTER_FIELD_NOT_FOUND",
        ),
        (
            Filters(conditions=(Condition("name", "resembles", "x"),)),
            "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST",
        ),
    ],
    ids=["unknown-field", "unknown-field-in-group", "unknown-type"],
)
def test_invalid_filter_is_refused_whatever_the_rows(world, rows, filters, code):
    world.client.batch_create(world.people, [{"name": f"p{i}"} for i in range(rows)] or [{}])
    if rows == 0:
        world.client.batch_delete(world.people, [1])

    with pytest.raises(BaserowRequestError) as caught:
        world.client.list_rows(world.people, filters=filters)

    assert caught.value.status == 400
    assert caught.value.code == code


def test_filter_params_with_unknown_field_are_refused(world):
    status, body = world.raw(
        "GET", rows_path(world), params={"user_field_names": "true", "filter__nope__equal": "x"}
    )

    assert status == 400
    assert body["error"] == "ERROR_FILTER_FIELD_NOT_FOUND"


@pytest.mark.parametrize("order_by", [["-nope"], ["nope"], ["name", "field_99999"]])
def test_order_by_unknown_field_is_refused(world, order_by):
    with pytest.raises(BaserowRequestError) as caught:
        world.client.list_rows(world.people, order_by=order_by)

    assert caught.value.status == 400
    assert caught.value.code == "ERROR_ORDER_BY_FIELD_NOT_FOUND"


def test_filters_and_order_by_select_and_sort(world):
    world.client.batch_create(
        world.people,
        [
            {"name": "a", "hours": 5, "team": [1]},
            {"name": "b", "hours": 30, "team": [2]},
            {"name": "c", "hours": 12, "team": [1]},
        ],
    )

    on_red = world.client.list_rows(
        world.people,
        filters=Filters(conditions=(Condition("team", "link_row_has", 1),)),
        order_by=["-hours"],
    )
    any_of = world.client.list_rows(
        world.people, filters=Filters.any_of("name", "equal", ["a", "b"]), order_by=["name"]
    )

    assert [row["name"] for row in on_red.results] == ["c", "a"]
    assert on_red.count == 2
    assert [row["name"] for row in any_of.results] == ["a", "b"]


def test_bad_filters_json_is_refused(world):
    status, body = world.raw("GET", rows_path(world), params={"filters": "{not json"})

    assert status == 400
    assert body["error"] == "ERROR_FILTERS_PARAM_VALIDATION_ERROR"


def test_unknown_table_and_row(world):
    with pytest.raises(BaserowNotFound) as table:
        world.client.list_rows(4242)
    with pytest.raises(BaserowNotFound) as row:
        world.client.get_row(world.people, 4242)

    assert table.value.code == "ERROR_TABLE_DOES_NOT_EXIST"
    assert row.value.code == "ERROR_ROW_DOES_NOT_EXIST"


# -- webhooks --------------------------------------------------------------------------------------


@pytest.fixture
def events(world) -> list[dict[str, Any]]:
    received: list[dict[str, Any]] = []
    world.fake.webhook_listener = received.append
    return received


def test_default_writes_send_webhook_events(world, events):
    row = world.client.create_row(world.people, {"name": "a", "hours": 1})
    world.client.update_row(world.people, row["id"], {"hours": 2})
    world.client.batch_create(world.people, [{"name": "b"}, {"name": "c"}])
    world.client.delete_row(world.people, row["id"])

    assert [e["event_type"] for e in events] == [
        "rows.created",
        "rows.updated",
        "rows.created",
        "rows.deleted",
    ]
    assert all(e["table_id"] == world.people for e in events)
    assert events[0]["items"][0]["hours"] == "1.00"
    assert events[1]["items"][0]["hours"] == "2.00"
    assert events[1]["old_items"][0]["hours"] == "1.00"
    assert len(events[2]["items"]) == 2
    assert events[3]["row_ids"] == [row["id"]]


def test_send_webhook_events_false_suppresses_every_row_event(world, events):
    row = world.client.create_row(world.people, {"name": "a"}, send_webhook_events=False)
    world.client.update_row(world.people, row["id"], {"name": "b"}, send_webhook_events=False)
    world.client.batch_create(world.people, [{"name": "c"}], send_webhook_events=False)
    world.client.batch_update(
        world.people, [{"id": row["id"], "name": "d"}], send_webhook_events=False
    )
    world.client.batch_delete(world.people, [2], send_webhook_events=False)
    world.client.delete_row(world.people, row["id"], send_webhook_events=False)

    assert events == []
    assert world.fake.calls[-1].params["send_webhook_events"] == "false"
    assert world.client.list_rows(world.people).count == 0


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        ("false", False),
        ("0", False),
        ("no", False),
        ("off", False),
        ("nonsense", False),
        ("", True),
        ("TRUE", True),
        ("1", True),
        ("yes", True),
        ("on", True),
    ],
)
def test_send_webhook_events_values(world, events, value, sent):
    status, _ = world.raw(
        "POST",
        rows_path(world),
        params={"user_field_names": "true", "send_webhook_events": value},
        body={"name": "a"},
    )

    assert status == 200
    assert bool(events) is sent


def test_reads_send_no_webhook_events(world, events):
    world.client.create_row(world.people, {"name": "a"}, send_webhook_events=False)

    world.client.list_rows(world.people)
    world.client.get_row(world.people, 1)

    assert events == []
