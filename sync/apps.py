from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Sync"

    def ready(self) -> None:
        # The projet page refresh hub/ signals; the tasks, enqueued by name (sync/queue.py).
        from sync import pages, tasks  # noqa: F401
