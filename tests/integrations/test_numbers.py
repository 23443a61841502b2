"""baserow_number: each field's exact decimal places, refusing (never rounding) what won't fit."""

from decimal import Decimal

import pytest

from integrations.baserow.numbers import NumberDoesNotFit, NumberFormat, baserow_number


@pytest.mark.parametrize(
    ("value", "places", "written"),
    [
        ("2", 0, "2"),
        ("2.00", 0, "2"),  # the value fits: trailing zeros are not precision
        ("2", 1, "2.0"),
        ("2.50", 1, "2.5"),
        ("2", 2, "2.00"),
        ("2.5", 2, "2.50"),
        ("0.1", 3, "0.100"),
        ("-0", 2, "0.00"),
        ("-0.00", 0, "0"),
        ("1E+2", 1, "100.0"),
        ("12345.67", 2, "12345.67"),
    ],
)
def test_written_with_exactly_the_fields_places(value, places, written):
    assert baserow_number(Decimal(value), NumberFormat(places, negative=False)) == written


def test_an_int_is_written_like_a_decimal():
    assert baserow_number(3, NumberFormat(2, negative=False)) == "3.00"


@pytest.mark.parametrize(
    ("value", "places", "reason"),
    [
        ("2.25", 1, "2.25 needs more decimal places"),
        ("2.5", 0, "2.5 needs more decimal places"),
        ("0.001", 2, "0.001 needs more decimal places"),
        ("-1", 2, "-1 is negative"),
        ("-0.5", 1, "-0.5 is negative"),
        ("NaN", 2, "not a number"),
        ("Infinity", 2, "not a number"),
    ],
)
def test_what_does_not_fit_is_refused_not_rounded(value, places, reason):
    with pytest.raises(NumberDoesNotFit) as caught:
        baserow_number(Decimal(value), NumberFormat(places, negative=False))

    assert reason in caught.value.reason


def test_negatives_where_the_field_allows_them():
    assert baserow_number(Decimal("-1.5"), NumberFormat(2, negative=True)) == "-1.50"


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ({"type": "number", "number_decimal_places": 1, "number_negative": True}, (1, True)),
        ({"type": "number", "number_decimal_places": 0, "number_negative": False}, (0, False)),
        ({"type": "text"}, None),
    ],
)
def test_format_of_a_field_object(field, expected):
    found = NumberFormat.of_field(field)
    assert (found and (found.decimal_places, found.negative)) == expected


@pytest.mark.parametrize(
    ("places", "text"),
    [(0, "whole numbers only"), (1, "at most 1 decimal place"), (2, "at most 2 decimal places")],
)
def test_described_for_error_messages(places, text):
    assert NumberFormat(places, negative=False).describe() == text
