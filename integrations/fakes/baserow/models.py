"""The fake Baserow's stored objects (tables, fields, recorded calls, webhook deliveries) and the
small helpers several resources share."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

COLORS = ("blue", "green", "orange", "red", "purple", "yellow", "brown", "gray")
TRUE_STRINGS = {"y", "yes", "t", "true", "on", "1"}


# A number field's display properties and their defaults (Baserow 1.35 NumberFieldType).
NUMBER_DISPLAY: dict[str, Any] = {
    "number_prefix": "",
    "number_suffix": "",
    "number_separator": "",
    "number_default": None,
}


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]
    body: Any


@dataclass(frozen=True)
class WebhookDelivery:
    """One HTTP call Baserow makes to a webhook's URL."""

    webhook_id: int | None  # None for a test call
    url: str
    method: str
    headers: dict[str, str]
    body: dict[str, Any]

    def request_text(self) -> str:
        """The request as Baserow's call log and test call show it (WebhookHandler's
        format_request)."""
        return "\r\n".join(
            [f"{self.method} {self.url}"]
            + [f"{k}: {v}" for k, v in self.headers.items()]
            + ["", json.dumps(self.body, indent=4)]
        )


@dataclass
class FakeField:
    id: int
    table_id: int
    name: str
    type: str
    primary: bool = False
    order: int = 0
    decimals: int = 0
    negative: bool = False
    number_display: dict[str, Any] = field(default_factory=lambda: dict(NUMBER_DISPLAY))
    options: list[dict[str, Any]] = field(default_factory=list)
    link_table_id: int | None = None
    related_field_id: int | None = None

    def serialize(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "table_id": self.table_id,
            "name": self.name,
            "order": self.order,
            "type": self.type,
            "primary": self.primary,
            "read_only": False,
            "description": None,
        }
        if self.type == "number":
            data |= {"number_decimal_places": self.decimals, "number_negative": self.negative}
            data |= self.number_display
        if self.type in ("single_select", "multiple_select"):
            data["select_options"] = [dict(option) for option in self.options]
        if self.type == "link_row":
            data |= {
                "link_row_table_id": self.link_table_id,
                "link_row_related_field_id": self.related_field_id,
            }
        return data


@dataclass
class FakeTable:
    id: int
    name: str
    database_id: int
    fields: list[FakeField] = field(default_factory=list)
    rows: dict[int, dict[int, Any]] = field(default_factory=dict)  # row id -> field id -> value
    orders: dict[int, Decimal] = field(default_factory=dict)
    next_row_id: int = 1


WebhookSender = Callable[[WebhookDelivery], int | None]


def _defaults(table: FakeTable) -> dict[int, Any]:
    """A new row's stored values: email and phone fields default to "" (Baserow's model field
    `default=""`), every other field to nothing."""
    return {f.id: "" for f in table.fields if f.type in ("email", "phone_number")}


def _response_text(status: int | None) -> str | None:
    """The response as the call log shows it: the receivers here answer no body."""
    return None if status is None else "Content-Length: 0\r\n\r\n"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _user_field_names(params: dict[str, str]) -> bool:
    """Absent: false; present without a value: true; else y/yes/true/t/on/1 (CONTRACT §3)."""
    if "user_field_names" not in params:
        return False
    return params["user_field_names"].lower() in TRUE_STRINGS | {""}
