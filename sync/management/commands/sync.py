"""`manage.py sync full|reconcile [--resume RUN]`: run a full sync or a reconciliation here."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from bridge_api.errors import BridgeError
from sync.models import SyncRun
from sync.orchestration import sync_run_execute


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
        if options["resume"]:
            run = SyncRun.objects.filter(pk=options["resume"], kind=kind).first()
            if run is None or run.status == SyncRun.Status.DONE:
                raise CommandError(f"No unfinished {kind} run {options['resume']}.")
            run.status = SyncRun.Status.RUNNING
            run.save(update_fields=["status", "updated_at"])
        else:
            if SyncRun.objects.filter(kind=kind, status=SyncRun.Status.RUNNING).exists():
                raise CommandError(f"A {kind} run is already running; use --resume RUN.")
            run = SyncRun.objects.create(kind=kind, entities=["formation", "projet"])
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
        except BridgeError as exc:
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
