"""Report benchmark: render times of the PDF reports, cached answers, and peak RSS.

In this process, on PostgreSQL and Redis, with the Baserow double holding the demo data plus a
formation of 50 modules (3 blocs, 40 attributions) and a personne with 200 attributions over
60 modules. Prints, for each case, the median of BENCH_REPORT_RUNS renders with the caches
emptied before each (cold: Baserow reads and rendering), then the median time of a cached answer:
through the service alone (report data and document from the cache) and through the whole Django
stack (a GET with a token: middleware, authentication, rate limiter, view). Targets (issue 12):
formation of 50 modules cold ≤ 1.5 s and cached ≤ 20 ms; personne with 200 attributions cold
≤ 1.0 s.
"""

import io
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = int(os.environ.get("BENCH_REPORT_RUNS", "5"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_ms(
    action: Callable[[], Any], runs: int, before: Callable[[], None] | None = None
) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def seed(connection: Any) -> tuple[int, int]:
    """A formation of 50 modules and a personne with 200 attributions; their ids."""
    client = connection.client

    def table(entity: str) -> int:
        return int(connection.mapping.table(entity).table_id)

    formation = client.create_row(
        table("formation"),
        {"nom": "Bench 50 modules", "code": "B50", "statut": "en_cours",
         "date_debut": "2026-09-01", "date_fin": "2027-06-30"},
    )["id"]  # fmt: skip
    blocs = [
        row["id"]
        for row in client.batch_create(
            table("bloc"),
            [{"nom": f"Bloc {n}", "formation": [formation], "ordre": n} for n in range(1, 4)],
        )
    ]
    modules = [
        row["id"]
        for row in client.batch_create(
            table("module"),
            [
                {
                    "nom": f"Module {n:02d}",
                    "bloc": [blocs[n % 3]],
                    "heures": 14 + n % 5 * 7,
                    "statut": "attribue" if n < 40 else "a_attribuer",
                }
                for n in range(50)
            ],
        )
    ]
    personne = client.create_row(
        table("personne"),
        {"nom_prenom": "Bench Formatrice", "email": "bench@example.org", "slug": "bench",
         "roles": ["formateur"], "statut": "actif", "capacite_formation_h": 5000,
         "capacite_agence_h": 200},
    )["id"]  # fmt: skip
    elsewhere = client.create_row(table("formation"), {"nom": "Autre formation"})["id"]
    other_bloc = client.create_row(table("bloc"), {"nom": "Autre bloc", "formation": [elsewhere]})
    others = [
        row["id"]
        for row in client.batch_create(
            table("module"),
            [
                {"nom": f"Autre {n:02d}", "bloc": [other_bloc["id"]], "heures": 30}
                for n in range(60)
            ],
        )
    ]
    start = date(2026, 1, 5)
    attributions = [
        {"nom": f"A{n}", "module": [(modules[:40] + others)[n % 100]], "personne": [personne],
         "heures_attribuees": 7, "heures_realisees": 7 if n % 3 else 0,
         "statut": "realise" if n % 3 else "prevu",
         "date_debut": (start + timedelta(days=n)).isoformat()}
        for n in range(200)
    ]  # fmt: skip
    for batch in range(0, 200, 100):
        client.batch_create(table("attribution"), attributions[batch : batch + 100])
    return formation, personne


def main() -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client
    from pypdf import PdfReader

    from integrations.baserow.connection import connect_fake, use_baserow
    from integrations.fakes.demo import build_demo_baserow
    from reports.services import rapport_generer
    from tokens.services import token_create

    fake, mapping = build_demo_baserow(today=date(2026, 11, 22))
    connection = connect_fake(fake, mapping)
    use_baserow(connection)
    formation, personne = seed(connection)
    fake.calls.clear()

    def clear() -> None:
        """Cold: neither the rendered document nor the report's data is cached."""
        cache.delete_pattern("rapport:*")  # type: ignore[attr-defined]
        cache.delete_pattern("*:rapport")  # type: ignore[attr-defined]

    rapport_generer(kind="projet", row_id=1)  # imports WeasyPrint, loads fonts: not measured
    rss_before = peak_rss_mb()
    cases = [
        ("formation, 50 modules", "formation", formation, "pdf", 1500),
        ("personne, 200 attributions", "personne", personne, "pdf", 1000),
        ("projet (demo)", "projet", 1, "pdf", None),
        ("formation, 50 modules", "formation", formation, "html", None),
    ]
    created = token_create(name=f"bench-reports-{int(time.time())}", scopes=["read:*"])
    http = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {created.plaintext}")
    print(f"\nReports ({RUNS} runs each, medians; in-process, Baserow double):")
    print(f"{'report':<30}{'fmt':>5}{'cold ms':>9}{'cached ms':>11}{'HTTP cached ms':>16}"
          f"{'pages/bytes':>13}  target")  # fmt: skip
    for label, kind, row_id, fmt, target_ms in cases:
        render = partial(rapport_generer, kind=kind, row_id=row_id, format=fmt)
        cold = median_ms(render, RUNS, clear)
        cached = median_ms(render, RUNS)
        url = f"/api/v1/rapports/{kind}/{row_id}?format={fmt}"
        answer = http.get(url)
        assert answer.status_code == 200, answer.content[:300]
        via_http = median_ms(partial(http.get, url), RUNS)
        body = answer.content
        pages = f"{len(PdfReader(io.BytesIO(body)).pages)}p/" if fmt == "pdf" else ""
        size = f"{pages}{len(body) // 1024}K"
        goal = f"≤ {target_ms} ms cold" if target_ms else ""
        if kind == "formation" and fmt == "pdf":
            goal += ", ≤ 20 cached"
        print(f"{label:<30}{fmt:>5}{cold:>9.0f}{cached:>11.1f}{via_http:>16.1f}{size:>13}  {goal}")
    print(
        f"peak RSS of this process: {rss_before:.0f} MB after the first render, "
        f"{peak_rss_mb():.0f} MB after all of them"
    )


if __name__ == "__main__":
    main()
