"""Full sync benchmark: N projets in the Baserow double → one page each in the Docmost double.

Runs the real full-sync code (`sync_run_execute`) in this process on PostgreSQL and Redis and
prints wall time, Baserow and Docmost calls, and the process's peak RSS before and after the
sync. The doubles keep every stored row and page in memory (that part grows with N by nature);
their call logs are reduced to counters here so they do not hide the bridge's own footprint.
"""

import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class CallCounter(list[Any]):
    """Stands in for a double's call log: counts calls, keeps none."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def append(self, item: Any) -> None:
        self.total += 1


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from integrations.baserow.connection import baserow
    from integrations.docmost.connection import docmost
    from sync.models import EntityLink, SyncRun
    from sync.orchestration import sync_run_execute

    call_command("migrate", verbosity=0)
    EntityLink.objects.all().delete()
    SyncRun.objects.all().delete()
    connection, docmost_fake = baserow(), docmost().fake
    assert connection.fake is not None, "the benchmark runs on the in-process doubles"
    assert docmost_fake is not None, "the benchmark runs on the in-process doubles"
    connection.client.batch_create(
        connection.mapping.table("projet").table_id,
        ({"nom": f"Bench {n}", "client": [1 + n % 5], "statut": "en_cours"} for n in range(count)),
    )
    connection.fake.calls = CallCounter()
    docmost_fake.calls = CallCounter()
    rss_before = peak_rss_mb()

    run = SyncRun.objects.create(kind=SyncRun.Kind.FULL_SYNC, entities=["formation", "projet"])
    started = time.perf_counter()
    run = sync_run_execute(run_id=run.pk)
    elapsed = time.perf_counter() - started

    pages = [p for p in docmost_fake.pages.values() if (p["title"] or "").startswith("Projet ")]
    titles = {p["title"] for p in pages}
    print(
        f"{count + 8:>7} projets  {elapsed:7.1f} s  {run.processed / elapsed:6.0f} rows/s  "
        f"Baserow {connection.fake.calls.total:>6} calls  Docmost {docmost_fake.calls.total:>6} "
        f"calls  peak RSS {rss_before:6.0f} MB before sync → {peak_rss_mb():6.0f} MB after  "
        f"pages {len(pages)} (duplicates {len(pages) - len(titles)}), run {run.status}"
    )


if __name__ == "__main__":
    main(int(os.environ.get("BENCH_FULL_SYNC_PROJETS", "10000")) - 8)  # the demo has 8
