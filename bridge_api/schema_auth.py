"""OpenAPI description of the bearer token scheme."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "bridge_api.authentication.BearerTokenAuthentication"
    name = "bridgeToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "brg_<key id>_<secret><checksum>",
            "description": "A bridge API token (`manage.py tokens create`). Each operation's "
            "description names the scope it requires.",
        }
