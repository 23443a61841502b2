"""Baserow filter trees (the `filters` JSON parameter of row listings)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Condition:
    field: str  # Baserow field name (the client always uses user_field_names)
    type: str  # Baserow filter type: equal, link_row_has, single_select_equal, ...
    value: str | int


@dataclass(frozen=True)
class Filters:
    """A Baserow filter tree, sent as the `filters` JSON parameter."""

    conditions: tuple[Condition, ...] = ()
    filter_type: str = "AND"
    groups: tuple["Filters", ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "filter_type": self.filter_type,
            "filters": [
                {"field": c.field, "type": c.type, "value": str(c.value)} for c in self.conditions
            ],
            "groups": [group.to_json() for group in self.groups],
        }

    @classmethod
    def any_of(cls, field_name: str, filter_type: str, values: Iterable[str | int]) -> "Filters":
        """Rows whose `field_name` matches any of `values`, in one request."""
        return cls(
            conditions=tuple(Condition(field_name, filter_type, v) for v in values),
            filter_type="OR",
        )
