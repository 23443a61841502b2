"""The bridge end to end on the real Baserow and Docmost (`make e2e-real`; see conftest.py).

Everything is written as people and integrations write it: rows through Baserow's REST API
(database token), pages through Docmost's API. The test then waits, polling with timeouts, for
what the bridge's real processes do about it: Baserow delivers the webhooks from its own Celery
worker to gunicorn, the inbox is processed by the Celery worker, beat relays and polls Docmost.
Each wait's latency is recorded and printed at the end of the run.
"""

import re
import time
from typing import Any

import pytest

from tests.e2e_real.conftest import Stack
from tests.e2e_real.harness import mails, timed, unescaped, wait_until

pytestmark = pytest.mark.e2e_real

# How long the bridge is watched for an echo after it went idle: Baserow delivers a webhook in
# well under a second here (real_baserow.sh smoke), the worker processes one in about a second.
QUIET_SECONDS = 5
PROJET_KINDS = ("projet-changed", "projet-status-changed")


def title_of(nom: str, client_nom: str) -> str:
    return f"Projet {nom} - {client_nom}"


def page_text(stack: Stack, page_id: str) -> str:
    return unescaped(stack.docmost.get_page(page_id)["content"] or "")


def pages_titled(stack: Stack, title: str) -> list[dict[str, Any]]:
    return [
        p for p in stack.docmost.iter_recent_pages(space_id=stack.space_id) if p["title"] == title
    ]


def written_back(stack: Stack, projet_id: int) -> str:
    return str(stack.baserow.row_get("projet", projet_id)["docmost_page_id"] or "")


def new_projet(stack: Stack, what: str, **values: Any) -> tuple[dict[str, Any], str, str]:
    """A client and its projet in Baserow, and the page the bridge made of them: (projet row,
    page id, page title)."""
    client = stack.baserow.row_create("client", nom=stack.name("Client"))
    values = {"statut": "en_cours", "charge_estimee_h": "40", **values}
    projet = stack.baserow.row_create(
        "projet", nom=stack.name(what), client=[client["id"]], **values
    )
    page_id = wait_until(
        lambda: written_back(stack, projet["id"]), timeout=60, what="the page id written back"
    )
    return projet, page_id, title_of(projet["nom"], client["nom"])


def idle(stack: Stack) -> None:
    wait_until(stack.inbox.idle, timeout=60, what="the inbox to be processed")


def test_a_projet_gets_its_page_with_its_id_written_back_and_no_echo(stack: Stack) -> None:
    client = stack.baserow.row_create("client", nom=stack.name("Boulangerie"))
    nom = stack.name("Site vitrine")
    started = time.monotonic()
    projet = stack.baserow.row_create(
        "projet", nom=nom, client=[client["id"]], statut="en_cours", charge_estimee_h="40"
    )
    page_id = wait_until(
        lambda: written_back(stack, projet["id"]), timeout=60, what="the page id written back"
    )
    timed("projet row created → page in Docmost, its id written back", time.monotonic() - started)

    page = stack.docmost.get_page(page_id)
    title = title_of(nom, client["nom"])
    assert page["title"] == title
    text = unescaped(page["content"])
    assert f"Projet {nom}" in text
    assert f"Client :** {client['nom']}" in text
    assert "Statut :** en_cours" in text
    assert "Charge estimée :** 40 h" in text
    assert "Aucune tâche pour l'instant." in text
    link = stack.inbox.link("projet", projet["id"])
    assert link is not None
    assert link["docmost_page_id"] == page_id

    # No echo: the write-back (send_webhook_events=false) causes no event, the page no update.
    idle(stack)
    events, updated_at = len(stack.inbox.events()), page["updatedAt"]
    time.sleep(QUIET_SECONDS)
    assert len(stack.inbox.events()) == events, stack.inbox.events()[events:]
    assert stack.proxy.page_writes(page_id) == []
    assert stack.docmost.get_page(page_id)["updatedAt"] == updated_at
    assert len(stack.proxy.creations(title)) == 1
    assert [p["id"] for p in pages_titled(stack, title)] == [page_id]


def test_a_tache_added_and_one_changed_both_reach_the_page(stack: Stack) -> None:
    projet, page_id, _title = new_projet(stack, "Refonte")
    first = stack.baserow.row_create(
        "tache",
        nom=stack.name("Maquette"),
        projet=[projet["id"]],
        statut="a_faire",
        estimation_h="3",
    )
    started = time.monotonic()
    wait_until(
        lambda: f"{first['nom']} (a_faire, 3 h)" in page_text(stack, page_id),
        timeout=60,
        what="the first tâche on the page",
    )
    timed("tâche created → on its projet's page", time.monotonic() - started)

    started = time.monotonic()
    second = stack.baserow.row_create(
        "tache",
        nom=stack.name("Intégration"),
        projet=[projet["id"]],
        statut="en_cours",
        estimation_h="5.5",
    )
    stack.baserow.row_update("tache", first["id"], statut="terminee")

    def both() -> bool:
        text = page_text(stack, page_id)
        return (
            f"[x] {first['nom']} (terminee, 3 h)" in text
            and f"[ ] {second['nom']} (en_cours, 5.5 h)" in text
        )

    wait_until(both, timeout=60, what="the added and the changed tâche on the page")
    timed("a tâche added and one changed → both on the page", time.monotonic() - started)
    idle(stack)
    assert not [e for e in stack.inbox.events() if e["status"] == "failed"]
    # Each change updates the page once at most (two webhooks tell of each: the tâche's own and
    # the linked-table event of the projet): three changes, three updates at most.
    assert len(stack.proxy.page_writes(page_id)) <= 3


def test_six_taches_in_20_s_and_a_statut_change_all_applied_billing_notice_once(
    stack: Stack,
) -> None:
    projet, page_id, _title = new_projet(stack, "Boutique", charge_estimee_h="80")
    started = time.monotonic()
    names = []
    for index in range(6):
        if index:
            time.sleep(3)  # six tâches in 20 s, as a person types them
        tache = stack.baserow.row_create(
            "tache",
            nom=stack.name(f"Étape {index + 1}"),
            projet=[projet["id"]],
            statut="a_faire",
            estimation_h="2",
        )
        names.append(tache["nom"])
    stack.baserow.row_update("projet", projet["id"], statut="livre", charge_estimee_h="85")
    written = time.monotonic()

    def applied() -> bool:
        text = page_text(stack, page_id)
        return (
            all(f"{name} (a_faire, 2 h)" in text for name in names)
            and "Statut :** livre" in text
            and "Charge estimée :** 85 h" in text
        )

    wait_until(applied, timeout=90, what="six tâches, statut livre and 85 h on the page")
    timed(
        "six tâches in ~15 s, then statut livre → all on the page (from the last write)",
        time.monotonic() - written,
    )
    timed("  the same, from the first tâche", time.monotonic() - started)

    def notices() -> list[Any]:
        return [m for m in mails(stack.maildir) if projet["nom"] in str(m["subject"])]

    wait_until(notices, timeout=60, what="the billing notice")
    timed("statut livre → billing notice sent", time.monotonic() - written)
    idle(stack)
    time.sleep(QUIET_SECONDS)
    (notice,) = notices()
    assert "À facturer" in str(notice["subject"])
    assert stack.inbox.alerts("loop_suspected") == []
    assert len(stack.proxy.page_writes(page_id)) <= 7  # six tâches, one projet edit
    assert not [e for e in stack.inbox.events() if e["status"] == "failed"]


def test_a_compte_rendu_written_and_edited_in_docmost_reaches_its_row(stack: Stack) -> None:
    projet, _page_id, _title = new_projet(stack, "Application")
    title = f"Réunion de lancement {stack.run}"
    started = time.monotonic()
    page = stack.docmost.create_page(
        space_id=stack.space_id,
        parent_page_id=stack.parent_page_id,
        title=title,
        markdown=f"Compte rendu de la réunion sur {projet['nom']}.\n",
    )

    def row(expected_title: str) -> dict[str, Any] | None:
        return next(
            (
                r
                for r in stack.baserow.rows("compte_rendu")
                if r["docmost_page_id"] == page["id"] and r["titre"] == expected_title
            ),
            None,
        )

    created = wait_until(lambda: row(title), timeout=60, what="the compte_rendu row")
    timed(
        "compte-rendu page created in Docmost → its row (poll every 3 s)",
        time.monotonic() - started,
    )
    assert [p["id"] for p in created["projet"]] == [projet["id"]]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", created["date"])

    started = time.monotonic()
    stack.docmost.update_page(
        page_id=page["id"],
        title=f"{title} (revu)",
        markdown=f"Compte rendu revu de la réunion sur {projet['nom']}.\n",
    )
    edited = wait_until(lambda: row(f"{title} (revu)"), timeout=60, what="the row updated")
    timed("compte-rendu page edited in Docmost → its row updated", time.monotonic() - started)
    assert edited["id"] == created["id"]
    rows = [r for r in stack.baserow.rows("compte_rendu") if r["docmost_page_id"] == page["id"]]
    assert len(rows) == 1


def test_a_worker_killed_mid_event_is_recovered_within_a_minute_with_one_page(
    stack: Stack,
) -> None:
    """SIGKILL to the worker (its whole process group) while Docmost has created the page but
    the bridge has not heard back: a second change of the projet arrives meanwhile. A new worker
    takes both events over once the lease lapses (SYNC_LEASE_SECONDS, default 20 s; beat relays
    every 10 s) and adopts the page instead of creating another."""
    client = stack.baserow.row_create("client", nom=stack.name("Client"))
    nom = stack.name("Tué")
    title = title_of(nom, client["nom"])
    stack.proxy.hold_title = title
    projet = stack.baserow.row_create(
        "projet", nom=nom, client=[client["id"]], statut="en_cours", charge_estimee_h="40"
    )
    wait_until(stack.proxy.held.is_set, timeout=60, what="the page creation (held)")
    stack.baserow.row_update("projet", projet["id"], charge_estimee_h="41")
    wait_until(
        lambda: (
            len([e for k in PROJET_KINDS for e in stack.inbox.events_about(k, projet["id"])]) >= 2
        ),
        timeout=30,
        what="the second event stored",
    )
    stack.bridge.kill("worker")
    killed = time.monotonic()
    stack.proxy.hold_title = None
    stack.proxy.release.set()
    stack.bridge.start_worker("worker-after-kill")

    def recovered() -> bool:
        events = [e for k in PROJET_KINDS for e in stack.inbox.events_about(k, projet["id"])]
        return (
            all(e["status"] in ("done", "skipped") for e in events)
            and bool(written_back(stack, projet["id"]))
            and "Charge estimée :** 41 h" in page_text(stack, written_back(stack, projet["id"]))
        )

    wait_until(recovered, timeout=90, what="the events processed by the new worker")
    recovery = timed(
        "worker SIGKILLed mid-event → recovered (page current, id written back)",
        time.monotonic() - killed,
    )
    assert recovery < 60
    (page,) = pages_titled(stack, title)
    assert written_back(stack, projet["id"]) == page["id"]
    assert len(stack.proxy.creations(title)) == 1


def test_a_full_sync_twice_makes_no_duplicate_page(stack: Stack) -> None:
    idle(stack)
    links = dict(stack.inbox.links("projet"))
    assert links, "the earlier scenarios made projet pages"
    creations = len([c for c in stack.proxy.calls if c.path == "/api/pages/create"])
    writes = {page_id: len(stack.proxy.page_writes(page_id)) for page_id in links.values()}
    summaries = []
    for run in ("first", "second"):
        started = time.monotonic()
        summaries.append(stack.bridge.manage("sync", "full").strip())
        timed(f"manage.py sync full ({run})", time.monotonic() - started)
    for summary in summaries:
        assert re.search(r": done; \d+ rows, 0 created, .* 0 errors", summary), summary
    assert len([c for c in stack.proxy.calls if c.path == "/api/pages/create"]) == creations
    assert dict(stack.inbox.links("projet")) == links
    # Nothing changed since the pages were written: the full syncs rewrite none of them.
    assert {page_id: len(stack.proxy.page_writes(page_id)) for page_id in links.values()} == writes
    titles = [p["title"] for p in stack.docmost.iter_recent_pages(space_id=stack.space_id)]
    projet_titles = [t for t in titles if t.startswith("Projet ")]
    assert len(projet_titles) == len(set(projet_titles)) == len(links)
