from django.apps import AppConfig


class BridgeApiConfig(AppConfig):
    name = "bridge_api"
    verbose_name = "Bridge API"

    def ready(self) -> None:
        from bridge_api import schema_auth, startup  # noqa: F401  (OpenAPI scheme, system checks)
