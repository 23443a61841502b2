"""OpenAPI generation: scopes in descriptions, the error envelope on every operation, the
responses and parameters the views declare, and request bodies as the bridge validates them."""

import functools
from decimal import Decimal
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from bridge_api.idempotency import REPLAYED_HEADER
from bridge_api.serializers.common import (
    BodySerializer,
    PaginationMetaSerializer,
    WriteMetaSerializer,
)
from hub.errors import ErrorCode
from hub.idempotency import HEADER as IDEMPOTENCY_HEADER
from hub.queries import DEFAULT_PER_PAGE, MAX_PER_PAGE, ListSpec
from integrations.baserow.schema import SCHEMA
from tokens.scopes import Access, Scope

ERROR_ENVELOPE_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}

ERROR_ENVELOPE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error the API returns has this shape.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "enum": [code.name for code in ErrorCode]},
                "message": {"type": "string", "description": "Human-readable explanation."},
                "details": {
                    "type": "object",
                    "nullable": True,
                    "additionalProperties": True,
                    "description": "Offending fields for VALIDATION_ERROR, numbers of the rule "
                    "for RG_VIOLATION, retry_after for RATE_LIMITED, request_id for INTERNAL.",
                },
            },
        }
    },
}

_ERROR_DESCRIPTIONS = {
    "400": "VALIDATION_ERROR: the body, query parameters or headers are not valid; details name "
    "the fields.",
    "401": "AUTH_REQUIRED or AUTH_INVALID: missing, malformed, unknown, expired or revoked token.",
    "403": "FORBIDDEN_SCOPE: the token lacks the scope named in this operation's description.",
    "404": "NOT_FOUND: no such resource.",
    "413": "PAYLOAD_TOO_LARGE: the body exceeds the configured limit.",
    "415": "UNSUPPORTED_MEDIA_TYPE: send Content-Type: application/json.",
    "429": "RATE_LIMITED: retry after the number of seconds in the Retry-After header.",
    "500": "INTERNAL: unexpected error; details.request_id identifies it in the logs.",
}


def error(description: str) -> OpenApiResponse:
    """An error response in the envelope, saying which codes it carries and when."""
    return OpenApiResponse(response=ERROR_ENVELOPE_REF, description=description)


# Responses the views declare (the hook below adds 401/403/429/500, and 413/415 on bodies).
BAD_LIST_PARAMETERS = error(
    "VALIDATION_ERROR: a bad `page`, `per_page`, `sort` or `filter[…]`; details name each one."
)
BAD_DRY_RUN = error("VALIDATION_ERROR: `dry_run` is not true or false, or a bad Idempotency-Key.")
BAD_BODY = error(
    "VALIDATION_ERROR: the body is not valid (a field missing or out of bounds, or a field this "
    "operation does not know), `dry_run` is not true or false, or a bad Idempotency-Key; "
    "details name each one."
)
NOT_FOUND = error("NOT_FOUND: no such resource.")
BASEROW_DOWN = error(
    "BASEROW_UNAVAILABLE: Baserow is unreachable, failing or rate limiting; retry later. "
    "BASEROW_REJECTED: Baserow refused the request (a 4xx): its answer is in "
    "details.baserow_status, details.baserow_error and details.baserow_detail; retrying will not "
    "help. BASEROW_DATA_INVALID: a row the bridge cannot read."
)
DOCMOST_DOWN = error(
    "DOCMOST_UNAVAILABLE: Docmost is unreachable, failing, or refused the request "
    "(its messages in details.docmost_messages)."
)
WRITE_CONFLICT = error(
    "CONFLICT: the row is in a final state (RG-04, details.rule), another write on the same rows "
    "is in progress (details.lock; retry in a moment), or the Idempotency-Key was used for "
    "another request or is still in progress."
)
RG_VIOLATION = error(
    "RG_VIOLATION: a business rule forbids it; details.rule names it (RG-01 … RG-06) with its "
    "numbers."
)
WRITES_PAUSED = error(
    "NOT_READY: writes are paused because Redis, which holds the write locks, is unreachable; "
    "retry later."
)
IDEMPOTENCY_CONFLICT = error(
    "CONFLICT: the Idempotency-Key was used for another request or is still in progress."
)

# `hub.queries` refuses page numbers of more than 18 digits (Baserow's 64-bit integers).
MAX_PAGE = 10**18 - 1


def list_parameters(spec: ListSpec) -> list[OpenApiParameter]:
    """`page`, `per_page`, `sort` and `filter[…]` of a list, with the values the server accepts."""
    parameters = [
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            description="Page number, from 1.",
        ),
        OpenApiParameter(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            description=f"Items per page (default {DEFAULT_PER_PAGE}, at most {MAX_PER_PAGE}).",
        ),
    ]
    if spec.sorts:
        keys = ", ".join(f"`{key}`" for key in spec.sorts)
        parameters.append(
            OpenApiParameter(
                "sort",
                {
                    "type": "array",
                    "items": {
                        "type": "string",
                        "enum": [p + k for k in spec.sorts for p in ("", "-")],
                    },
                    "minItems": 1,
                },
                style="form",
                explode=False,
                description=f"Sort by {keys}; prefix with `-` for descending; several keys are "
                "comma-separated (`nom,-statut`). Default: Baserow's row order.",
            )
        )
    for name, logical in spec.filters.items():
        field = SCHEMA[spec.entity][logical]
        schema: dict[str, Any] = {"type": "string"}
        description = f"Only rows whose {logical} is this value."
        if field.options:
            schema["enum"] = list(field.options)
        if field.type == "multiple_select":
            description = f"Only rows whose {logical} include this value."
        if field.type == "link_row":
            schema = {"type": "integer", "minimum": 0, "maximum": MAX_PAGE}
            description = f"Only rows linked to this {field.link_to} id."
        parameters.append(OpenApiParameter(f"filter[{name}]", schema, description=description))
    return parameters


class BridgeAutoSchema(AutoSchema):
    """Adds the scope each operation requires to its description."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        required = getattr(self.view, "required_scope", None)
        if isinstance(required, Scope):
            note = f"**Required scope:** `{required.value}` (or a wildcard that covers it)."
        elif required is Access.AUTHENTICATED:
            note = "**Required scope:** none; any valid token."
        elif required is Access.PUBLIC:
            note = "**Public:** no token needed."
        else:
            return operation
        operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()
        return operation

    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request") -> Any:
        """drf-spectacular documents a PATCH body as DRF's partial update (every field optional,
        a `Patched…` component). The bridge validates a PATCH body whole, with a serializer that
        says itself which fields may be left out: document it as it is validated."""
        if self.method != "PATCH" or not isinstance(
            force_instance(serializer),  # type: ignore[no-untyped-call]
            BodySerializer,
        ):
            return super()._get_request_for_media_type(  # type: ignore[no-untyped-call]
                serializer, direction
            )
        self.method = "POST"
        try:
            return super()._get_request_for_media_type(  # type: ignore[no-untyped-call]
                serializer, direction
            )
        finally:
            self.method = "PATCH"


class BodySerializerExtension(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    """A request body refuses unknown keys (`additionalProperties: false`) and may need at least
    `min_properties` of its fields."""

    target_class = BodySerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: AutoSchema, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_basic_serializer(  # type: ignore[no-untyped-call]
            self.target, direction
        )
        schema["additionalProperties"] = False
        if self.target.min_properties:
            schema["minProperties"] = self.target.min_properties
        return schema


class HoursInputFieldExtension(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Hours in a body, with the bounds the operation accepts (see `HoursInputField`)."""

    target_class = "bridge_api.serializers.common.HoursInputField"

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Any) -> dict[str, Any]:
        field = self.target
        schema: dict[str, Any] = {"type": "number", "format": "double", "minimum": 0}
        if field.above_zero:
            schema["exclusiveMinimum"] = True
        schema["maximum"] = float(field.at_most) if field.at_most % 1 else int(field.at_most)
        # At most `decimal_places` decimals (0.01 h): more is a 400 from the DecimalField.
        schema["multipleOf"] = float(Decimal(1).scaleb(-field.decimal_places))
        return schema


def _takes_input(operation: dict[str, Any]) -> bool:
    """Whether the client sends anything beyond the path: a body, a query parameter or a header
    (Idempotency-Key). Each is validated, and a bad one is a 400 VALIDATION_ERROR; a bad path
    parameter is a 404 instead (the route does not match)."""
    return "requestBody" in operation or any(
        parameter.get("in") in {"query", "header"} for parameter in operation.get("parameters", [])
    )


def add_error_envelope(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: document the error envelope on every operation it can occur on."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["ErrorEnvelope"] = ERROR_ENVELOPE_SCHEMA
    components.setdefault("headers", {})["RequestId"] = {
        "description": "Identifier of this request in the bridge's logs.",
        "schema": {"type": "string"},
    }
    components["headers"]["IdempotentReplayed"] = {
        "description": "`true` when this is the stored answer to an earlier request with the "
        "same Idempotency-Key (nothing was written again); absent otherwise.",
        "schema": {"type": "string", "enum": ["true"]},
    }
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            codes = ["500"]
            if any(requirement for requirement in operation.get("security", [])):
                codes += ["401", "403", "429"]
            if "{" in path:
                codes.append("404")
            if _takes_input(operation):
                codes.append("400")
            if "requestBody" in operation:
                codes += ["413", "415"]
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": _ERROR_DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ERROR_ENVELOPE_REF}},
                    },
                )
            idempotent = any(
                parameter.get("in") == "header" and parameter.get("name") == IDEMPOTENCY_HEADER
                for parameter in operation.get("parameters", [])
            )
            for status, response in responses.items():
                headers = response.setdefault("headers", {})
                headers["X-Request-ID"] = {"$ref": "#/components/headers/RequestId"}
                # Any answer of the view may be a stored one; refusals before it (auth, rate
                # limit) never are.
                if idempotent and status not in ("401", "403", "429"):
                    headers[REPLAYED_HEADER] = {"$ref": "#/components/headers/IdempotentReplayed"}
    return result


def require_non_empty_bodies(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: a body that needs at least one key (`minProperties`, a PATCH whose
    fields are all optional) is itself required; drf-spectacular leaves a partial update's body
    optional, and the view answers 400 to a request without one."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody")
            if not body:
                continue
            for media in body.get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                if schemas.get(ref.rsplit("/", 1)[-1], {}).get("minProperties"):
                    body["required"] = True
    return result


@functools.cache
def enveloped(serializer_class: type[serializers.Serializer], many: bool = False) -> type:
    """A serializer describing `{"data": <serializer_class>}`, for documenting responses."""
    base = serializer_class.__name__.removesuffix("Serializer")
    name = f"{base}{'List' if many else ''}EnvelopeSerializer"
    return type(name, (serializers.Serializer,), {"data": serializer_class(many=many)})


@functools.cache
def paginated_envelope(serializer_class: type[serializers.Serializer]) -> type:
    """A serializer describing `{"data": [<serializer_class>], "meta": {pagination}}`."""
    base = serializer_class.__name__.removesuffix("Serializer")
    return type(
        f"{base}PageSerializer",
        (serializers.Serializer,),
        {"data": serializer_class(many=True), "meta": PaginationMetaSerializer()},
    )


@functools.cache
def write_envelope(serializer_class: type[serializers.Serializer]) -> type:
    """A serializer describing a write's `{"data": <serializer_class>, "meta": {dry_run,
    effects}}`."""
    base = serializer_class.__name__.removesuffix("Serializer")
    return type(
        f"{base}EnvelopeSerializer",
        (serializers.Serializer,),
        {"data": serializer_class(), "meta": WriteMetaSerializer()},
    )
