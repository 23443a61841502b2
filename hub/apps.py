from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Application layer"

    def ready(self) -> None:
        from hub import notifications  # noqa: F401  (registers its Celery tasks)
