"""`manage.py sync full|reconcile [--resume RUN]`: run a full sync or a reconciliation here."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from hub.errors import ApplicationError, ErrorCode
from hub.ledger import Actor
from sync.models import SyncRun
from sync.orchestration import sync_run_execute, sync_run_resume, sync_run_start

COMMAND_ACTOR = "command: manage.py sync"


class Command(BaseCommand):
    help = (
        "Run a full sync (Baserow → Docmost) or a reconciliation in this process, with a "
        "progress bar. Resumable: --resume RUN continues an interrupted run from its cursor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["full", "reconcile"])
        parser.add_argument("--resume", type=int, metavar="RUN", help="Continue this run.")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = (
            SyncRun.Kind.FULL_SYNC if options["action"] == "full" else SyncRun.Kind.RECONCILIATION
        )
        resume = options["resume"]
        try:  # the same service functions as the API, run here instead of queued
            if resume:
                if not SyncRun.objects.filter(pk=resume, kind=kind).exists():
                    raise ApplicationError(ErrorCode.NOT_FOUND, f"No sync run {resume}.")
                run = sync_run_resume(run_id=resume, enqueue=False)
            else:
                run = sync_run_start(
                    kind=kind, actor=Actor.for_process(COMMAND_ACTOR), enqueue=False
                )
        except ApplicationError as exc:
            hint = f"No unfinished {kind} run {resume}: " if resume else ""
            raise CommandError(f"{hint}{exc.message} Use --resume RUN for a stopped run.") from exc
        self.stderr.write(f"{run.get_kind_display()} run {run.pk}")
        bars: dict[str, tqdm] = {}

        def progress(current: SyncRun, total: int) -> None:
            entity = current.cursor.get("entity", "?")
            bar = bars.get(entity)
            if bar is None:
                bar = bars[entity] = tqdm(
                    total=total, desc=entity, unit="row", file=self.stderr._out
                )
            bar.update(min(200, total - bar.n))

        try:
            run = sync_run_execute(run_id=run.pk, progress=progress)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for bar in bars.values():
                bar.close()
        summary = (
            f"run {run.pk}: {run.status}; {run.processed} rows, {run.created} created, "
            f"{run.updated} updated, {run.flagged} flagged, {run.errors} errors"
        )
        if run.status != SyncRun.Status.DONE:
            raise CommandError(f"{summary}. {run.last_error} Resume with --resume {run.pk}.")
        self.stdout.write(summary)
