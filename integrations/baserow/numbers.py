"""Numbers in the form Baserow's number fields accept.

Baserow validates a number with DRF's `DecimalField(decimal_places=N)` on the *text* it
receives, before any rounding: `"2.00"` has two decimal places and a 1-place field refuses it
(`max_decimal_places`), although its value fits. So the bridge writes each number as a string
with exactly the field's decimal places (`"2"`, `"2.5"`, `"2.50"`), read from the field's
metadata, and refuses, never rounds, a value that needs more places than the field holds.
"""

from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

# Baserow stores numbers as numeric(50 + places, places): a context that never rounds them.
_EXACT = Context(prec=80)


@dataclass(frozen=True)
class NumberFormat:
    """What a Baserow number field holds: its decimal places and whether negatives."""

    decimal_places: int
    negative: bool

    @classmethod
    def of_field(cls, field: dict[str, Any]) -> "NumberFormat | None":
        """The format of a field object from Baserow's field list; None unless a number."""
        if field.get("type") != "number":
            return None
        return cls(
            decimal_places=int(field.get("number_decimal_places") or 0),
            negative=bool(field.get("number_negative")),
        )

    def describe(self) -> str:
        if self.decimal_places == 0:
            return "whole numbers only"
        plural = "s" if self.decimal_places > 1 else ""
        return f"at most {self.decimal_places} decimal place{plural}"


class NumberDoesNotFit(ValueError):
    """The value needs more decimal places than the field holds, or is a refused negative."""

    def __init__(self, value: Decimal, number_format: NumberFormat, reason: str) -> None:
        super().__init__(reason)
        self.value = value
        self.number_format = number_format
        self.reason = reason


def baserow_number(value: Decimal | int, number_format: NumberFormat) -> str:
    """`value` as a decimal string with exactly the field's places; raises `NumberDoesNotFit`.

    `Decimal("2.50")` is `"2.5"` for a 1-place field (its value fits) and `"2.50"` for a
    2-place one; `Decimal("2.55")` does not fit a 1-place field; `-0` is written `0`.
    """
    number = Decimal(value)
    if not number.is_finite():
        raise NumberDoesNotFit(number, number_format, f"{number} is not a number")
    places = number_format.decimal_places
    exact = number.quantize(Decimal(1).scaleb(-places), context=_EXACT)
    if exact != number:
        raise NumberDoesNotFit(
            number, number_format, f"{_plain(number)} needs more decimal places than it holds"
        )
    if exact < 0 and not number_format.negative:
        raise NumberDoesNotFit(number, number_format, f"{_plain(number)} is negative")
    if exact.is_zero():
        exact = exact.copy_abs()
    return f"{exact:f}"


def _plain(number: Decimal) -> str:
    return f"{number.normalize(context=_EXACT):f}"
