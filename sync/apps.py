from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Sync"

    def ready(self) -> None:
        from sync import pages  # noqa: F401  (connects the projet page refresh to hub/)
