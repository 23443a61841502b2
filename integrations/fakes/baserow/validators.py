"""DRF-style validation as Baserow's serializers do it: numbers (DecimalField), strings, booleans,
choices, lists, and the webhook serializers' fields."""

from collections.abc import Callable
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from integrations.fakes.baserow.errors import _field_error, _Invalid, _required, _validation

WEBHOOK_EVENT_TYPES = (
    "rows.created", "rows.updated", "rows.deleted", "field.created", "field.updated",
    "field.deleted", "view.created", "view.updated", "view.deleted", "view.rows_entered",
)  # fmt: skip
WEBHOOK_METHODS = ("POST", "GET", "PUT", "PATCH", "DELETE")
DRF_TRUE = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1"}
DRF_FALSE = {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}


class _NumberInvalid(ValueError):
    """A number refused as DRF's DecimalField refuses it, with DRF's error code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


NUMBER_MAX_WHOLE_DIGITS = 50  # Baserow's NumberFieldType.MAX_DIGITS; max_digits is 50 + places
NUMBER_CONTEXT = Context(prec=NUMBER_MAX_WHOLE_DIGITS + 10)  # numeric(60, places) never rounds


def _drf_number(raw: Any, *, places: int, negative: bool) -> Decimal | None:
    """A number field's value as Baserow 1.35's serializer takes it: DRF's DecimalField with
    `max_digits` 50 + places, `decimal_places` places, and `min_value` 0 unless negatives are
    allowed. The input's text (a JSON number is read through its Python `str`) is parsed as is:
    `"2.00"` has 2 decimal places and is refused by a 1-place field, `2.0` by a 0-place one, and
    nothing is ever rounded. Empty or blank text is null."""
    if raw is None:
        return None
    text = str(raw).strip()  # DRF's smart_str: True is "True", [1] is "[1]": both invalid
    if text == "":
        return None
    if len(text) > 1000:
        raise _NumberInvalid("String value too large.", "max_string_length")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _NumberInvalid("A valid number is required.", "invalid") from None
    if not number.is_finite():
        raise _NumberInvalid("A valid number is required.", "invalid")
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    if exponent >= 0:
        total, decimals = len(digits) + exponent, 0
        whole = total
    elif len(digits) > -exponent:
        total, decimals = len(digits), -exponent
        whole = total - decimals
    else:
        total = decimals = -exponent
        whole = 0
    if total > NUMBER_MAX_WHOLE_DIGITS + places:
        raise _NumberInvalid(
            f"Ensure that there are no more than {NUMBER_MAX_WHOLE_DIGITS + places} digits in "
            "total.",
            "max_digits",
        )
    if decimals > places:
        raise _NumberInvalid(
            f"Ensure that there are no more than {places} decimal places.", "max_decimal_places"
        )
    if whole > NUMBER_MAX_WHOLE_DIGITS:
        raise _NumberInvalid(
            f"Ensure that there are no more than {NUMBER_MAX_WHOLE_DIGITS} digits before the "
            "decimal point.",
            "max_whole_digits",
        )
    if number < 0 and not negative:
        raise _NumberInvalid("Ensure this value is greater than or equal to 0.", "min_value")
    value = number.quantize(Decimal(1).scaleb(-places), context=NUMBER_CONTEXT)
    # PostgreSQL's numeric has no negative zero: "-0" is stored, and read back, as 0.
    return value.copy_abs() if value.is_zero() else value


def _validated(
    payload: dict[str, Any],
    checks: tuple[tuple[str, Callable[[Any], Any]], ...],
    *,
    required: tuple[str, ...],
) -> dict[str, Any]:
    """A DRF serializer's validation: each present key checked, every field's errors at once
    (a missing `required` one included), unknown keys dropped."""
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for key, check in checks:
        if key not in payload:
            if key in required:
                errors[key] = _required()
            continue
        try:
            values[key] = check(payload[key])
        except _Invalid as exc:
            errors[key] = exc.detail
    if errors:
        raise _validation(errors)
    return values


def _drf_string(value: Any, *, max_length: int) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid(_field_error("Not a valid string."))
    text = str(value).strip()  # DRF's CharField trims whitespace
    if not text:
        raise _Invalid(_field_error("This field may not be blank.", "blank"))
    if len(text) > max_length:
        raise _Invalid(
            _field_error(
                f"Ensure this field has no more than {max_length} characters.", "max_length"
            )
        )
    return text


def _drf_boolean(value: Any) -> bool:
    if value is True or value == 1 or (isinstance(value, str) and value in DRF_TRUE):
        return True
    if value is False or value == 0 or (isinstance(value, str) and value in DRF_FALSE):
        return False
    raise _Invalid(_field_error("Must be a valid boolean."))


def _drf_choice(value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise _Invalid(_field_error(f'"{value}" is not a valid choice.', "invalid_choice"))
    return value


def _drf_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(
            _field_error(
                f'Expected a list of items but got type "{type(value).__name__}".', "not_a_list"
            )
        )
    return value


def _webhook_method(value: Any) -> str:
    return _drf_choice(value, WEBHOOK_METHODS)


def _webhook_events(value: Any) -> list[str]:
    errors: dict[str, Any] = {}
    events = []
    for index, item in enumerate(_drf_list(value)):
        try:
            events.append(_drf_choice(item, WEBHOOK_EVENT_TYPES))
        except _Invalid as exc:
            errors[str(index)] = exc.detail
    if errors:
        raise _Invalid(errors)
    return events


def _webhook_event_config(value: Any) -> list[dict[str, Any]]:
    errors: dict[str, Any] = {}
    configs = []
    for index, item in enumerate(_drf_list(value)):
        if not isinstance(item, dict):
            errors[str(index)] = {
                "non_field_errors": _field_error(
                    f"Invalid data. Expected a dictionary, but got {type(item).__name__}."
                )
            }
            continue
        if "event_type" not in item:
            errors[str(index)] = {"event_type": _required()}
            continue
        try:
            config: dict[str, Any] = {
                "event_type": _drf_choice(item["event_type"], WEBHOOK_EVENT_TYPES)
            }
            for key in ("fields", "views"):
                if key in item:
                    ids = _drf_list(item[key])
                    if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
                        raise _Invalid(_field_error("A valid integer is required."))
                    config[key] = ids
        except _Invalid as exc:
            errors[str(index)] = exc.detail
            continue
        configs.append(config)
    if errors:
        raise _Invalid(errors)
    return configs


def _webhook_headers(value: Any) -> dict[str, str]:
    from http.client import _is_illegal_header_value, _is_legal_header_name  # type: ignore[attr-defined]

    if not isinstance(value, dict):
        raise _Invalid(
            _field_error(
                f'Expected a dictionary of items but got type "{type(value).__name__}".',
                "not_a_dict",
            )
        )
    for name, header_value in value.items():
        if not _is_legal_header_name(name.encode()):
            raise _Invalid(
                _field_error(
                    f"The provided header name {name} is invalid.", "invalid_http_header_name"
                )
            )
        if not isinstance(header_value, str) or _is_illegal_header_value(header_value.encode()):
            raise _Invalid(
                _field_error(
                    f"The provided header value {header_value} is invalid.",
                    "invalid_http_header_value",
                )
            )
    return dict(value)
