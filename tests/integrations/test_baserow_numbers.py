"""Baserow's number fields, as scenarios run against a target: the fake always, and the real
Baserow when `REAL_BASEROW_URL` is set (with `REAL_BASEROW_ADMIN_EMAIL`,
`REAL_BASEROW_ADMIN_PASSWORD`, `REAL_BASEROW_WORKSPACE_ID`, `REAL_BASEROW_DB_TOKEN`; `eval "$(
../shared/tools/real_baserow.sh info | sed 's/export /export REAL_/')"`). On the real one the
scenarios use a database of their own (`bridge-contract-numbers`, created if missing) and a
fresh table they delete afterwards.

Every expectation was recorded from the real Baserow 1.35.3. What they pin down: a number is
validated on its text by DRF's `DecimalField` (`max_digits` 50 + places, `decimal_places`,
`min_value` 0 unless negatives are allowed) and never rounded, so `"2.00"` is refused by a
1-place field; the error bodies and codes; the body validated before the row is looked up; and
what changing a field's places or sign does to stored values (the bootstrap's fix policy).
"""

import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import requests

from integrations.baserow.client import (
    BaserowClient,
    BaserowNotFound,
    BaserowRequestError,
    Condition,
    Filters,
)
from integrations.baserow.connection import client_for_fake
from integrations.baserow.numbers import NumberFormat, baserow_number
from integrations.fakes.baserow.fake import FakeBaserow

# name: (number_decimal_places, number_negative)
FIELDS = {"n0": (0, False), "n1": (1, False), "n2": (2, False), "n2neg": (2, True)}
FIELDS_VALUES = ["2.25", "2.35", "-1.25", "0"]  # for the field-change scenarios
REAL_DATABASE_NAME = "bridge-contract-numbers"


@dataclass
class NumberTable:
    """A table with a text primary `nom` and the number fields of FIELDS."""

    client: BaserowClient  # database token for rows, JWT (admin) for the schema
    table_id: int
    fields: dict[str, dict[str, Any]]

    def create(self, values: dict[str, Any]) -> dict[str, Any]:
        return self.client.create_row(self.table_id, values)

    def refused(self, call: Any, *args: Any) -> BaserowRequestError:
        with pytest.raises(BaserowRequestError) as caught:
            call(self.table_id, *args)
        return caught.value


def _add_fields(client: BaserowClient, table_id: int) -> dict[str, dict[str, Any]]:
    fields = {}
    for name, (places, negative) in FIELDS.items():
        spec = {
            "name": name,
            "type": "number",
            "number_decimal_places": places,
            "number_negative": negative,
        }
        for attempt in range(10):  # a table just created can be locked a moment (409)
            try:
                fields[name] = client.create_field(table_id, spec)
                break
            except BaserowRequestError as exc:
                if exc.status != 409 or attempt == 9:
                    raise
                time.sleep(0.5)
    return fields


@pytest.fixture(scope="module")
def _fake_world() -> tuple[BaserowClient, int]:
    fake = FakeBaserow()
    return client_for_fake(fake), fake.database_id


def _real_jwt(url: str) -> dict[str, str]:
    login = requests.post(
        f"{url}/api/user/token-auth/",
        json={
            "email": os.environ["REAL_BASEROW_ADMIN_EMAIL"],
            "password": os.environ["REAL_BASEROW_ADMIN_PASSWORD"],
        },
        timeout=30,
    )
    login.raise_for_status()
    return {"Authorization": f"JWT {login.json()['access_token']}"}


def _real_database(url: str, workspace_id: str) -> int:
    """The scenarios' own database in the workspace (never the shared one)."""
    headers = _real_jwt(url)
    apps = f"{url}/api/applications/workspace/{workspace_id}/"
    listed = requests.get(apps, headers=headers, timeout=30)
    listed.raise_for_status()
    for app in listed.json():
        if app["name"] == REAL_DATABASE_NAME and app["type"] == "database":
            return int(app["id"])
    created = requests.post(
        apps, headers=headers, json={"type": "database", "name": REAL_DATABASE_NAME}, timeout=30
    )
    created.raise_for_status()
    return int(created.json()["id"])


@pytest.fixture(scope="module")
def _real_world() -> tuple[BaserowClient, int]:
    url = os.environ.get("REAL_BASEROW_URL", "").rstrip("/")
    if not url:
        pytest.skip("REAL_BASEROW_URL is not set: the real Baserow scenarios are opt-in")
    needed = (
        "REAL_BASEROW_ADMIN_EMAIL",
        "REAL_BASEROW_ADMIN_PASSWORD",
        "REAL_BASEROW_WORKSPACE_ID",
        "REAL_BASEROW_DB_TOKEN",
    )
    missing = [name for name in needed if not os.environ.get(name)]
    if missing:
        pytest.fail(f"REAL_BASEROW_URL is set but not {', '.join(missing)}: set them all")
    client = BaserowClient(
        base_url=url,
        database_token=os.environ["REAL_BASEROW_DB_TOKEN"],
        email=os.environ["REAL_BASEROW_ADMIN_EMAIL"],
        password=os.environ["REAL_BASEROW_ADMIN_PASSWORD"],
        max_retries=0,
    )
    return client, _real_database(url, os.environ["REAL_BASEROW_WORKSPACE_ID"])


def _number_table(
    request: pytest.FixtureRequest, world: tuple[BaserowClient, int]
) -> Iterator[NumberTable]:
    client, database_id = world
    table = client.create_table(database_id, f"numbers-{secrets.token_hex(4)}", "nom")
    try:
        yield NumberTable(client, table["id"], _add_fields(client, table["id"]))
    finally:
        if request.param == "real":
            requests.delete(
                f"{client.base_url}/api/database/tables/{table['id']}/",
                headers=_real_jwt(client.base_url),
                timeout=30,
            )


@pytest.fixture(scope="module", params=["fake", "real"])
def baserow_target(request: pytest.FixtureRequest) -> Iterator[NumberTable]:
    """A NumberTable on the fake, or on the real Baserow (deleted afterwards), shared by the
    scenarios that only add rows."""
    yield from _number_table(request, request.getfixturevalue(f"_{request.param}_world"))


@pytest.fixture(params=["fake", "real"])
def fresh_target(request: pytest.FixtureRequest) -> Iterator[NumberTable]:
    """A NumberTable of its own, for scenarios that count rows or change the fields."""
    yield from _number_table(request, request.getfixturevalue(f"_{request.param}_world"))


# -- what a number field accepts --------------------------------------------------------------

PLACES = "Ensure that there are no more than {} decimal places."
NEGATIVE = ("Ensure this value is greater than or equal to 0.", "min_value")
INVALID = ("A valid number is required.", "invalid")


def places(n: int) -> tuple[str, str]:
    return PLACES.format(n), "max_decimal_places"


# (field, value sent, the value read back, or (error message, error code)).
# A JSON number is read through its Python text: 2.0 is "2.0", 1e2 arrives as 100.0.
CASES: list[tuple[str, Any, Any]] = [
    ("n0", "2", "2"),
    ("n0", 2, "2"),
    ("n0", "2.0", places(0)),
    ("n0", 2.0, places(0)),
    ("n0", "2.00", places(0)),
    ("n0", 2.5, places(0)),
    ("n0", "0.00", places(0)),
    ("n0", "1e2", "100"),
    ("n0", 1e2, places(0)),
    ("n0", "2.", "2"),
    ("n0", "+2", "2"),
    ("n0", " 2 ", "2"),
    ("n0", "-1", NEGATIVE),
    ("n0", -1, NEGATIVE),
    ("n1", "2", "2.0"),
    ("n1", 2, "2.0"),
    ("n1", "2.0", "2.0"),
    ("n1", 2.0, "2.0"),
    ("n1", "2.00", places(1)),  # the defect: the bridge sent every hour like this
    ("n1", "2.50", places(1)),  # although its value fits
    ("n1", 2.5, "2.5"),
    ("n1", "2.55", places(1)),
    ("n1", 2.55, places(1)),
    ("n1", ".5", "0.5"),
    ("n1", "1E-1", "0.1"),
    ("n1", "-0.5", NEGATIVE),
    ("n2", "2", "2.00"),
    ("n2", "2.0", "2.00"),
    ("n2", "2.00", "2.00"),
    ("n2", "2.000", places(2)),
    ("n2", 2.55, "2.55"),
    ("n2", "2.55", "2.55"),
    ("n2", 1.005, places(2)),
    ("n2", 0.1 + 0.2, places(2)),  # 0.30000000000000004
    ("n2", "-1.555", places(2)),  # precision is checked before the sign
    ("n2", -1, NEGATIVE),
    ("n2neg", -1, "-1.00"),
    ("n2neg", "-1.5", "-1.50"),
    ("n2neg", "-1.555", places(2)),
    ("n2", "", None),
    ("n2", "   ", None),
    ("n2", None, None),
    ("n2", "2,5", INVALID),
    ("n2", "abc", INVALID),
    ("n2", "NaN", INVALID),
    ("n2", "Infinity", INVALID),
    ("n2", True, INVALID),
    ("n2", [], INVALID),
    ("n2", {}, INVALID),
    ("n2", "1" * 1001, ("String value too large.", "max_string_length")),
    ("n0", "1" * 51, ("Ensure that there are no more than 50 digits in total.", "max_digits")),
    (
        "n2",
        "1" * 51,
        (
            "Ensure that there are no more than 50 digits before the decimal point.",
            "max_whole_digits",
        ),
    ),
]


@pytest.mark.parametrize(("name", "sent", "expected"), CASES)
def test_a_number_is_taken_or_refused_as_baserow_does(baserow_target, name, sent, expected):
    if isinstance(expected, tuple):
        error = baserow_target.refused(baserow_target.client.create_row, {name: sent})
        assert error.status == 400
        assert error.code == "ERROR_REQUEST_BODY_VALIDATION"
        assert error.detail == {name: [{"error": expected[0], "code": expected[1]}]}
        return
    row = baserow_target.create({name: sent})
    assert row[name] == expected
    assert baserow_target.client.get_row(baserow_target.table_id, row["id"])[name] == expected


def test_negative_zero_is_stored_as_zero(baserow_target):
    row = baserow_target.create({"n2": "-0"})

    assert baserow_target.client.get_row(baserow_target.table_id, row["id"])["n2"] == "0.00"


@pytest.mark.parametrize("name", list(FIELDS))
@pytest.mark.parametrize("hours", ["2", "2.5", "2.50", "0", "7.25", "-1.5"])
def test_what_the_bridge_sends_is_taken_exactly_or_was_refused_before(baserow_target, name, hours):
    """`baserow_number` writes what each field takes, and refuses what it cannot hold."""
    number_format = NumberFormat.of_field(baserow_target.fields[name])
    assert number_format is not None
    value = Decimal(hours)
    try:
        sent = baserow_number(value, number_format)
    except ValueError:
        needs = -value.normalize().as_tuple().exponent  # type: ignore[operator]
        assert needs > number_format.decimal_places or (value < 0 and not number_format.negative)
        return
    row = baserow_target.create({name: sent})
    assert Decimal(row[name]) == value
    assert row[name] == sent  # written in the very form Baserow reads it back


# -- error bodies -------------------------------------------------------------------------------


def test_every_refused_field_is_reported_in_the_tables_field_order(baserow_target):
    error = baserow_target.refused(
        baserow_target.client.create_row, {"n1": "2.00", "nom": "x", "n0": "-1"}
    )

    assert list(error.detail) == ["n0", "n1"]
    assert error.detail["n0"] == [{"error": NEGATIVE[0], "code": "min_value"}]
    assert error.detail["n1"] == [{"error": PLACES.format(1), "code": "max_decimal_places"}]


def test_a_batch_reports_each_refused_item_by_its_index(fresh_target):
    error = fresh_target.refused(
        fresh_target.client.batch_create, [{"n1": "2.0"}, {"n1": "2.00", "n0": "1.5"}]
    )

    assert error.code == "ERROR_REQUEST_BODY_VALIDATION"
    assert error.detail == {
        "items": {
            "1": {
                "n0": [{"error": PLACES.format(0), "code": "max_decimal_places"}],
                "n1": [{"error": PLACES.format(1), "code": "max_decimal_places"}],
            }
        }
    }
    assert fresh_target.client.list_rows(fresh_target.table_id).count == 0


def test_an_update_body_is_validated_before_the_row_is_looked_up(baserow_target):
    client, table_id = baserow_target.client, baserow_target.table_id

    refused = baserow_target.refused(client.update_row, 999999, {"n1": "2.00"})
    with pytest.raises(BaserowNotFound) as missing:
        client.update_row(table_id, 999999, {"n1": "2.0"})

    assert refused.status == 400
    assert refused.detail == {"n1": [{"error": PLACES.format(1), "code": "max_decimal_places"}]}
    assert missing.value.code == "ERROR_ROW_DOES_NOT_EXIST"
    assert missing.value.row_missing


def test_a_batch_update_body_is_validated_before_its_rows_are_looked_up(baserow_target):
    client, table_id = baserow_target.client, baserow_target.table_id

    refused = baserow_target.refused(client.batch_update, [{"id": 999999, "n1": "2.00"}])
    with pytest.raises(BaserowNotFound) as missing:
        client.batch_update(table_id, [{"id": 999999, "n1": "2.0"}])

    assert refused.detail == {
        "items": {"0": {"n1": [{"error": PLACES.format(1), "code": "max_decimal_places"}]}}
    }
    assert missing.value.code == "ERROR_ROW_DOES_NOT_EXIST"


# -- number field properties (what the bootstrap may change safely) -----------------------------


def test_a_number_field_has_its_format_and_display_properties(baserow_target):
    client, table_id = baserow_target.client, baserow_target.table_id

    fields = {f["name"]: f for f in client.list_fields(table_id)}

    for name, (places_, negative) in FIELDS.items():
        field = fields[name]
        assert field["number_decimal_places"] == places_
        assert field["number_negative"] is negative
        assert (
            field["number_prefix"],
            field["number_suffix"],
            field["number_separator"],
            field["number_default"],
        ) == ("", "", "", None)
        assert NumberFormat.of_field(field) == NumberFormat(places_, negative)


def test_more_places_keep_values_fewer_round_half_away_from_zero(fresh_target):
    client, table_id = fresh_target.client, fresh_target.table_id
    field_id = fresh_target.fields["n2neg"]["id"]
    ids = [
        row["id"] for row in client.batch_create(table_id, [{"n2neg": v} for v in FIELDS_VALUES])
    ]

    client.update_field(field_id, {"number_decimal_places": 3})
    widened = [client.get_row(table_id, i)["n2neg"] for i in ids]
    client.update_field(field_id, {"number_decimal_places": 1})
    narrowed = [client.get_row(table_id, i)["n2neg"] for i in ids]

    assert widened == ["2.250", "2.350", "-1.250", "0.000"]
    assert narrowed == ["2.3", "2.4", "-1.3", "0.0"]  # the stored values changed, silently


def test_forbidding_negatives_sets_them_to_zero(fresh_target):
    client, table_id = fresh_target.client, fresh_target.table_id
    field_id = fresh_target.fields["n2neg"]["id"]
    ids = [
        row["id"] for row in client.batch_create(table_id, [{"n2neg": v} for v in FIELDS_VALUES])
    ]

    client.update_field(field_id, {"number_negative": False})

    assert [client.get_row(table_id, i)["n2neg"] for i in ids] == ["2.25", "2.35", "0.00", "0.00"]


def test_lower_than_zero_finds_the_rows_holding_a_negative(fresh_target):
    client, table_id = fresh_target.client, fresh_target.table_id
    client.batch_create(table_id, [{"n2neg": v} for v in FIELDS_VALUES])

    below = client.list_rows(
        table_id, size=1, filters=Filters(conditions=(Condition("n2neg", "lower_than", 0),))
    )

    assert below.count == 1
    assert below.results[0]["n2neg"] == "-1.25"
