"""The sync's Celery tasks, enqueued by name.

`sync.tasks` imports the modules that do the work (inbox, orchestration, polling); they enqueue
the tasks through here instead of importing `sync.tasks` back. The tasks are registered when the
app is ready (`SyncConfig.ready`), so a name always finds its task, patched `delay` included.
"""

from typing import Any

from celery import current_app

PROCESS_EVENT = "sync.process_webhook_event"
EXECUTE_RUN = "sync.execute_sync_run"


def enqueue(task_name: str, *args: Any) -> None:
    """Send the task to the broker (run inline when there is none)."""
    current_app.tasks[task_name].delay(*args)
