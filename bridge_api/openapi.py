"""OpenAPI generation: scopes in descriptions, the error envelope on every operation."""

import functools
from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from hub.errors import ErrorCode
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
            for response in responses.values():
                response.setdefault("headers", {})["X-Request-ID"] = {
                    "$ref": "#/components/headers/RequestId"
                }
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
    from bridge_api.serializers import PaginationMetaSerializer

    base = serializer_class.__name__.removesuffix("Serializer")
    return type(
        f"{base}PageSerializer",
        (serializers.Serializer,),
        {"data": serializer_class(many=True), "meta": PaginationMetaSerializer()},
    )
