from django.apps import AppConfig


class EmbedsConfig(AppConfig):
    name = "embeds"
    verbose_name = "Cards for Docmost"

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        from embeds.origins import cors_allows

        check_request_enabled.connect(cors_allows, dispatch_uid="embeds-cors")
