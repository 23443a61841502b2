"""What the REST serializers share: hours, select values, pagination, and strict request bodies."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from integrations.baserow.schema import SCHEMA

# Hours are Baserow decimals with 2 places and at most 5 whole digits (max_digits 7).
HOURS_MAX_DIGITS = 7
HOURS_DECIMAL_PLACES = 2
HOURS_MAX = Decimal("99999.99")


@extend_schema_field(OpenApiTypes.NUMBER)
class HoursField(serializers.Field):
    """Hours as a JSON number (80, 3.5): Baserow's decimal strings, parsed."""

    def to_representation(self, value: Any) -> Any:
        return value


def choices(entity: str, field: str, **kwargs: Any) -> serializers.ChoiceField:
    """A select field's values, from the schema (the one list the bridge knows them from)."""
    return serializers.ChoiceField(list(SCHEMA[entity][field].options), **kwargs)


class PaginationMetaSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Rows matching the filters.")
    total_pages = serializers.IntegerField()


class BodySerializer(serializers.Serializer):
    # A request body, validated whole: a key the operation does not know is a 400 naming it.
    # Silently dropping unknown keys turns a misspelt field (`heures_realise`) into a request
    # that succeeds without doing what was asked. The schema says the same
    # (`additionalProperties: false`, see `bridge_api.openapi`). `min_properties`, when set, is
    # declared there too; the serializer's `validate` enforces it. (Comments, not a docstring:
    # drf-spectacular would copy a docstring into every body's schema.)

    min_properties: int = 0

    def to_internal_value(self, data: Any) -> Any:
        unknown: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            accepted = ", ".join(self.fields) or "no field"
            message = f"Unknown field. This operation accepts: {accepted}."
            unknown = {str(key)[:80]: [message] for key in data if key not in self.fields}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class HoursInputField(serializers.DecimalField):
    """Hours in a request body: a JSON number (or numeric string) with at most 2 decimals.

    The bounds are what the operation accepts, and what the schema declares: more than 0
    (`above_zero`) or at least 0, and at most `at_most` (default: what Baserow's field holds).
    Outside them the field answers 400, except for bounds a business rule owns (`rule`, e.g.
    RG-06's ]0, 24] for interventions): the service refuses those with 422 RG_VIOLATION naming
    the rule, so here only a negative number is refused.
    """

    def __init__(
        self,
        *,
        above_zero: bool = False,
        at_most: Decimal = HOURS_MAX,
        rule: str = "",
        **kwargs: Any,
    ) -> None:
        self.above_zero = above_zero
        self.at_most = at_most
        self.rule = rule
        super().__init__(
            max_digits=HOURS_MAX_DIGITS,
            decimal_places=HOURS_DECIMAL_PLACES,
            coerce_to_string=False,
            **kwargs,
        )
        # Plain callables, not Min/MaxValueValidator: drf-spectacular would merge those into the
        # declared bounds (and drop `exclusiveMinimum`); `bridge_api.openapi` declares them.
        self.validators.append(self._check_bounds)

    def _check_bounds(self, value: Decimal) -> None:
        if self.above_zero and value <= 0 and not self.rule:
            raise serializers.ValidationError("Must be greater than 0.")
        if value < 0:
            raise serializers.ValidationError("Must be 0 or more.")
        if value > self.at_most and not self.rule:
            raise serializers.ValidationError(f"Must be at most {self.at_most}.")


@extend_schema_field(
    {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"\S"},
)
class JustificationField(serializers.CharField):
    """RG-05: why a row is cancelled; required and not blank.

    A missing or blank justification is not refused here but by the service, with 422
    RG_VIOLATION (rule RG-05), after it checked that the row exists (404) and may be cancelled
    (409): the same answer whichever door the request came through. The schema declares the
    field required, non-blank (`pattern: \\S`), at most 2000 characters.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=True, max_length=2000, **kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        if data is empty:
            return None  # left to RG-05, see the class docstring
        if isinstance(data, str) and not data.strip():
            return ""  # idem
        return super().run_validation(data)


class WriteMetaSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    effects = serializers.ListField(
        child=serializers.CharField(), help_text="Cascades, e.g. OP-07 closing the formation."
    )
