"""The write API on the fake Baserow: rules, dry runs, idempotency, audit, echo ledger, emails."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from hub.echo import echo_matches
from hub.models import Alert, AuditEntry, EchoLedgerEntry, IdempotencyRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]

ROWS = "/api/database/rows/"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (notification tasks) as a committed request would."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def attribuer(client, s, heures, personne=None, **query):
    path = f"/api/v1/modules/{s.module}/attribuer"
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(path, {"personne_id": personne or s.ana, "heures": heures}, format="json")


def error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code
    return body


# -- attribuer ----------------------------------------------------------------------------------


def test_attribuer_creates_the_row_and_answers_with_fresh_rollups(writer, s, commit, mailoutbox):
    response = commit(lambda: attribuer(writer, s, 12))

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["heures_attribuees"] == 12
    assert data["statut"] == "prevu"
    assert data["module"] == {
        "module_id": s.module, "module_nom": "Gros", "statut": "attribue", "heures_module": 30,
        "heures_deja_attribuees": 12, "heures_realisees_total": 0, "heures_restantes": 18,
    }  # fmt: skip
    assert data["personne"]["heures_attribuees_formation"] == 12
    assert data["personne"]["heures_restantes_formation"] == 28
    assert response.json()["meta"] == {
        "dry_run": False,
        "effects": [f"module {s.module} → attribue"],
    }

    stored = s.rows("attribution")[data["attribution_id"]]
    assert stored  # really in Baserow
    assert all(call.params.get("send_webhook_events") == "false" for call in s.writes())
    assert [m.to for m in mailoutbox] == [["ana@example.org"]]
    assert "Gros" in mailoutbox[0].subject
    audit = AuditEntry.objects.get(action="attribution.create")
    assert audit.entity_id == data["attribution_id"]
    assert audit.token_key_id == writer.token.key_id
    assert audit.after["heures_attribuees"] == 12
    assert EchoLedgerEntry.objects.filter(
        entity="attribution", row_id=data["attribution_id"]
    ).exists()


def test_the_bridges_own_write_is_recognised_as_an_echo(writer, s, demo_baserow):
    data = attribuer(writer, s, 5).json()["data"]
    row = demo_baserow.client.get_row(s.t("attribution"), data["attribution_id"])

    assert echo_matches(entity="attribution", row_id=data["attribution_id"], item=row)
    row["heures_attribuees"] = "6.00"  # someone changed it in Baserow afterwards
    assert not echo_matches(entity="attribution", row_id=data["attribution_id"], item=row)


def test_rg01_exactly_at_capacity_passes_one_hour_over_fails_and_writes_nothing(writer, s):
    assert attribuer(writer, s, 20).status_code == 201
    before = s.count("attribution")
    s.connection.fake.calls.clear()

    body = error(attribuer(writer, s, 11), 422, "RG_VIOLATION")

    assert body["details"]["rule"] == "RG-01"
    assert body["details"]["heures_module"] == 30
    assert body["details"]["heures_deja_attribuees"] == 20
    assert body["details"]["heures_demandees"] == 11
    assert s.count("attribution") == before
    assert s.writes() == []
    assert attribuer(writer, s, 10).status_code == 201  # exactly at capacity


def test_rg02_personne_capacity(writer, s):
    assert attribuer(writer, s, 30).status_code == 201
    small = f"/api/v1/modules/{s.small}/attribuer"
    assert (
        writer.post(small, {"personne_id": s.ana, "heures": 10}, format="json").status_code == 201
    )
    # Ana is now exactly at her 40 h; the spare module still has room.
    spare = f"/api/v1/modules/{s.spare}/attribuer?dry_run=true"
    body = error(
        writer.post(spare, {"personne_id": s.ana, "heures": 0.5}, format="json"),
        422,
        "RG_VIOLATION",
    )
    assert body["details"]["rule"] == "RG-02"
    assert body["details"]["heures_disponibles"] == 0


@pytest.mark.parametrize("who", ["ivo", "dev"])
def test_rg06_only_active_formateurs_receive_attributions(writer, s, who):
    body = error(attribuer(writer, s, 5, personne=getattr(s, who)), 422, "RG_VIOLATION")
    assert body["details"]["rule"] == "RG-06"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"personne_id": 1, "heures": -5}, "heures"),
        ({"personne_id": 1, "heures": "abc"}, "heures"),
        ({"personne_id": 1, "heures": 0}, "heures"),
        ({"personne_id": 1, "heures": None}, "heures"),
        ({"heures": 3}, "personne_id"),
        ({"personne_id": "x", "heures": 3}, "personne_id"),
        ({"personne_id": 99999, "heures": 3}, "personne_id"),
        ({"personne_id": 1, "heures": 3, "date_debut": "31/12/2026"}, "date_debut"),
    ],
)
def test_bad_attribuer_bodies_name_the_field_and_write_nothing(writer, s, body, field):
    response = writer.post(f"/api/v1/modules/{s.module}/attribuer", body, format="json")
    assert error(response, 400, "VALIDATION_ERROR")["details"].keys() >= {field}
    assert s.writes() == []


def test_unknown_module_is_404(writer, s):
    error(
        writer.post(
            "/api/v1/modules/99999/attribuer", {"personne_id": s.ana, "heures": 1}, format="json"
        ),
        404,
        "NOT_FOUND",
    )


def test_dry_run_answers_the_same_and_writes_nothing(writer, s, commit, mailoutbox):
    before = s.count("attribution")

    response = commit(lambda: attribuer(writer, s, 12, dry_run="true"))

    assert response.status_code == 200
    assert response.json()["meta"]["dry_run"] is True
    data = response.json()["data"]
    assert data["attribution_id"] == 0
    assert data["module"]["heures_restantes"] == 18
    assert data["personne"]["heures_restantes_formation"] == 28
    assert s.count("attribution") == before
    assert s.writes() == []
    assert not AuditEntry.objects.exists()
    assert not EchoLedgerEntry.objects.exists()
    assert mailoutbox == []


def test_dry_run_still_enforces_the_rules(writer, s):
    assert (
        error(attribuer(writer, s, 31, dry_run="true"), 422, "RG_VIOLATION")["details"]["rule"]
        == "RG-01"
    )


def test_bad_dry_run_value_is_400(writer, s):
    error(attribuer(writer, s, 1, dry_run="maybe"), 400, "VALIDATION_ERROR")


# -- heures réalisées, clôture, annulation ------------------------------------------------------


@pytest.fixture
def attribution(writer, s):
    return attribuer(writer, s, 10).json()["data"]["attribution_id"]


def test_realised_hours_move_it_to_en_cours_and_roll_up(writer, attribution):
    response = writer.patch(
        f"/api/v1/attributions/{attribution}/heures-realisees",
        {"heures_realisees": 3.5},
        format="json",
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["heures_realisees"] == 3.5
    assert data["statut"] == "en_cours"
    assert data["module"]["heures_realisees_total"] == 3.5


def test_rg03_realising_more_than_attributed_is_422(writer, s, attribution):
    s.connection.fake.calls.clear()
    body = error(
        writer.patch(
            f"/api/v1/attributions/{attribution}/heures-realisees",
            {"heures_realisees": 10.5},
            format="json",
        ),
        422,
        "RG_VIOLATION",
    )
    assert body["details"]["rule"] == "RG-03"
    assert s.writes() == []
    error(
        writer.patch(
            f"/api/v1/attributions/{attribution}/heures-realisees",
            {"heures_realisees": -1},
            format="json",
        ),
        400,
        "VALIDATION_ERROR",
    )


def test_cloturer_follows_the_lifecycle(writer, attribution):
    body = error(
        writer.post(f"/api/v1/attributions/{attribution}/cloturer", {}, format="json"),
        409,
        "CONFLICT",
    )
    assert body["details"]["rule"] == "RG-04"
    assert body["details"]["transitions_possibles"] == ["en_cours", "annule"]

    writer.patch(
        f"/api/v1/attributions/{attribution}/heures-realisees",
        {"heures_realisees": 10},
        format="json",
    )
    closed = writer.post(f"/api/v1/attributions/{attribution}/cloturer", {}, format="json")
    assert closed.json()["data"]["statut"] == "realise"

    error(
        writer.patch(
            f"/api/v1/attributions/{attribution}/heures-realisees",
            {"heures_realisees": 1},
            format="json",
        ),
        409,
        "CONFLICT",
    )


def test_annuler_needs_a_justification_and_happens_once(writer, s, attribution):
    body = error(
        writer.post(f"/api/v1/attributions/{attribution}/annuler", {}, format="json"),
        422,
        "RG_VIOLATION",
    )
    assert body["details"]["rule"] == "RG-05"
    assert s.rows("attribution")[attribution]  # unchanged

    done = writer.post(
        f"/api/v1/attributions/{attribution}/annuler",
        {"justification": "Formatrice absente"},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["data"]["statut"] == "annule"
    assert done.json()["data"]["justification"] == "Formatrice absente"
    assert done.json()["data"]["module"]["heures_deja_attribuees"] == 0  # cancelled hours free up

    again = writer.post(
        f"/api/v1/attributions/{attribution}/annuler", {"justification": "encore"}, format="json"
    )
    assert error(again, 409, "CONFLICT")["details"]["rule"] == "RG-04"


def test_op07_last_module_realised_closes_the_formation(writer, s):
    ids = []
    for module, hours in ((s.module, 30), (s.small, 10)):
        response = writer.post(
            f"/api/v1/modules/{module}/attribuer",
            {"personne_id": s.ana, "heures": hours},
            format="json",
        )
        ids.append(response.json()["data"]["attribution_id"])
    for attribution_id, hours in zip(ids, (30, 10), strict=True):
        writer.patch(
            f"/api/v1/attributions/{attribution_id}/heures-realisees",
            {"heures_realisees": hours},
            format="json",
        )

    first = writer.post(f"/api/v1/attributions/{ids[0]}/cloturer", {}, format="json").json()
    assert first["meta"]["effects"] == [f"module {s.module} → realise"]
    formation_statut_field = s.connection.fake.table_by_name("formation")
    assert (
        s.connection.client.get_row(s.t("formation"), s.formation)["statut"]["value"] == "en_cours"
    )

    last = writer.post(f"/api/v1/attributions/{ids[1]}/cloturer", {}, format="json").json()

    assert f"formation {s.formation} → cloturee (OP-07)" in last["meta"]["effects"]
    assert (
        s.connection.client.get_row(s.t("formation"), s.formation)["statut"]["value"] == "cloturee"
    )
    assert AuditEntry.objects.filter(action="formation.auto_close", entity_id=s.formation).exists()
    assert formation_statut_field is not None


def test_write_invalidates_the_cached_personne(writer, client_for, s):
    reader = client_for("read:*")
    assert (
        reader.get(f"/api/v1/personnes/{s.ana}").json()["data"]["heures_restantes_formation"] == 40
    )
    attribuer(writer, s, 7)
    assert (
        reader.get(f"/api/v1/personnes/{s.ana}").json()["data"]["heures_restantes_formation"] == 33
    )


# -- interventions --------------------------------------------------------------------------------


def intervene(client, s, **overrides):
    body = {
        "tache_id": s.tache,
        "personne_id": s.dev,
        "heures": 4,
        "date": timezone.localdate().isoformat(),
        **overrides,
    }
    return client.post("/api/v1/interventions", body, format="json")


def test_intervention_is_logged(writer, s):
    response = intervene(writer, s, notes="Intégration maquette")
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["personne"]["heures_realisees_agence"] == 4
    assert data["personne"]["heures_restantes_agence"] == 6
    assert data["depassement_capacite_agence"] is False
    assert s.rows("intervention")[data["intervention_id"]]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"date": (timezone.localdate() + timedelta(days=1)).isoformat()}, "date"),
        ({"heures": 0}, "heures"),
        ({"heures": 24.5}, "heures"),
    ],
)
def test_rg06_intervention_rules(writer, s, overrides, problem):
    body = error(intervene(writer, s, **overrides), 422, "RG_VIOLATION")
    assert body["details"]["rule"] == "RG-06"
    assert problem in body["details"]
    assert s.writes() == []


def test_inactive_personne_cannot_log_an_intervention(writer, s):
    assert (
        error(intervene(writer, s, personne_id=s.ivo), 422, "RG_VIOLATION")["details"]["statut"]
        == "inactif"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("tache_id", 99999), ("personne_id", 99999), ("heures", -2), ("date", "hier")],
)
def test_bad_intervention_bodies_name_the_field(writer, s, field, value):
    assert (
        field in error(intervene(writer, s, **{field: value}), 400, "VALIDATION_ERROR")["details"]
    )


def test_agency_over_capacity_is_allowed_but_alerts_the_admins(
    writer, s, commit, mailoutbox, settings
):
    settings.BRIDGE_ADMIN_EMAILS = ["admin@example.org"]
    intervene(writer, s, heures=8)

    response = commit(lambda: intervene(writer, s, heures=5))

    assert response.status_code == 201
    assert response.json()["data"]["depassement_capacite_agence"] is True
    alert = Alert.objects.get(kind=Alert.Kind.AGENCY_OVERCAPACITY)
    assert alert.entity_id == s.dev
    assert "13 h" in alert.message
    assert [m.to for m in mailoutbox] == [["admin@example.org"]]


def test_intervention_update_and_cancel(writer, s):
    intervention = intervene(writer, s).json()["data"]["intervention_id"]

    updated = writer.patch(
        f"/api/v1/interventions/{intervention}", {"notes": "ok", "heures": 6}, format="json"
    )
    assert updated.status_code == 200
    assert updated.json()["data"]["heures"] == 6
    assert (
        error(
            writer.patch(f"/api/v1/interventions/{intervention}", {"heures": 30}, format="json"),
            422,
            "RG_VIOLATION",
        )["details"]["rule"]
        == "RG-06"
    )
    error(
        writer.patch(f"/api/v1/interventions/{intervention}", {}, format="json"),
        400,
        "VALIDATION_ERROR",
    )

    assert (
        error(
            writer.post(
                f"/api/v1/interventions/{intervention}/annuler",
                {"justification": ""},
                format="json",
            ),
            422,
            "RG_VIOLATION",
        )["details"]["rule"]
        == "RG-05"
    )
    cancelled = writer.post(
        f"/api/v1/interventions/{intervention}/annuler", {"justification": "doublon"}, format="json"
    )
    assert cancelled.json()["data"]["statut"] == "annule"
    assert "doublon" in cancelled.json()["data"]["notes"]
    assert cancelled.json()["data"]["personne"]["heures_realisees_agence"] == 0
    error(
        writer.post(
            f"/api/v1/interventions/{intervention}/annuler", {"justification": "x"}, format="json"
        ),
        409,
        "CONFLICT",
    )
    error(
        writer.patch(f"/api/v1/interventions/{intervention}", {"notes": "x"}, format="json"),
        409,
        "CONFLICT",
    )


# -- idempotency, scopes ------------------------------------------------------------------------


def test_idempotency_key_replays_the_first_answer_without_writing_again(writer, s):
    path = f"/api/v1/modules/{s.module}/attribuer"
    body = {"personne_id": s.ana, "heures": 3}
    first = writer.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-me-1")
    before = s.count("attribution")

    second = writer.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-me-1")

    assert second.status_code == first.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert s.count("attribution") == before
    body_changed = writer.post(
        path, {**body, "heures": 4}, format="json", HTTP_IDEMPOTENCY_KEY="retry-me-1"
    )
    assert "different request" in error(body_changed, 409, "CONFLICT")["message"]


def test_idempotency_keys_belong_to_a_token(client_for, s):
    path = f"/api/v1/modules/{s.module}/attribuer"
    body = {"personne_id": s.ana, "heures": 2}
    one, two = client_for("write:attributions"), client_for("write:attributions")
    assert one.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert two.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 201
    assert IdempotencyRecord.objects.count() == 2


def test_failed_request_leaves_the_key_free(writer, s):
    path = f"/api/v1/modules/{s.module}/attribuer"
    failed = writer.post(
        path, {"personne_id": s.ana, "heures": 99}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert failed.status_code == 422
    assert (
        writer.post(
            path, {"personne_id": s.ana, "heures": 99}, format="json", HTTP_IDEMPOTENCY_KEY="k"
        ).status_code
        == 422
    )
    assert not IdempotencyRecord.objects.filter(key="k").exists()


def test_a_client_request_id_cannot_pin_a_failed_key(writer, s):
    """The audit trail and the idempotency store use the server's id: reusing the X-Request-ID
    of an earlier successful write must not make a failed request look partly written."""
    path = f"/api/v1/modules/{s.module}/attribuer"
    shared = "client-chosen-id-1234"
    ok = writer.post(
        path, {"personne_id": s.ana, "heures": 2}, format="json", HTTP_X_REQUEST_ID=shared
    )
    assert ok.status_code == 201
    assert not AuditEntry.objects.filter(request_id=shared).exists()
    assert AuditEntry.objects.filter(request_id=ok["X-Request-ID"]).exists()

    failed = writer.post(
        path,
        {"personne_id": s.ana, "heures": 99},
        format="json",
        HTTP_IDEMPOTENCY_KEY="pinned",
        HTTP_X_REQUEST_ID=shared,
    )

    assert failed.status_code == 422
    assert not IdempotencyRecord.objects.filter(key="pinned").exists()  # free to retry


def _abandon(client, key, request_id):
    """A record a crashed process left in flight, older than the write locks live."""
    from datetime import timedelta

    from django.utils import timezone

    from hub.locks import LOCK_EXPIRY_SECONDS

    record = IdempotencyRecord.objects.create(
        token_key_id=client.token.key_id, key=key, request_hash="x", request_id=request_id
    )
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(seconds=LOCK_EXPIRY_SECONDS + 1)
    )
    return record


def test_an_in_flight_key_left_by_a_crash_expires_with_its_lock(writer, s):
    path = f"/api/v1/modules/{s.module}/attribuer"
    body = {"personne_id": s.ana, "heures": 2}
    _abandon(writer, "crashed", "dead-request")
    before = s.count("attribution")

    retry = writer.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="crashed")

    assert retry.status_code == 201
    assert s.count("attribution") == before + 1


def test_a_fresh_in_flight_key_is_still_busy(writer, s):
    path = f"/api/v1/modules/{s.module}/attribuer"
    IdempotencyRecord.objects.create(
        token_key_id=writer.token.key_id, key="busy", request_hash="x", request_id="live"
    )
    response = writer.post(
        path, {"personne_id": s.ana, "heures": 2}, format="json", HTTP_IDEMPOTENCY_KEY="busy"
    )
    assert error(response, 409, "CONFLICT")


def test_a_crashed_key_that_had_written_is_not_written_again(writer, s, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from hub import idempotency
    from hub.locks import LOCK_EXPIRY_SECONDS
    from hub.services import attributions as writes

    def process_dies(*args, **kwargs):
        raise RuntimeError("the worker was killed")

    # The attribution is written, then the process dies before it can settle the key.
    monkeypatch.setattr(writes, "formation_of", process_dies)
    monkeypatch.setattr(idempotency, "_settle_failure", lambda record, exc: None)
    path = f"/api/v1/modules/{s.module}/attribuer"
    body = {"personne_id": s.ana, "heures": 2}
    writer.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="half")
    monkeypatch.undo()
    written = s.count("attribution")
    IdempotencyRecord.objects.filter(key="half").update(
        created_at=timezone.now() - timedelta(seconds=LOCK_EXPIRY_SECONDS + 1)
    )

    retry = writer.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="half")

    body = error(retry, 409, "CONFLICT")
    assert "Part of this request was written" in body["message"]
    assert s.count("attribution") == written
    again = writer.post(
        path, {"personne_id": s.ana, "heures": 2}, format="json", HTTP_IDEMPOTENCY_KEY="half"
    )
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize(
    ("scopes", "path", "status"),
    [
        (["read:*"], "/api/v1/modules/1/attribuer", 403),
        (["write:interventions"], "/api/v1/modules/1/attribuer", 403),
        (["write:attributions"], "/api/v1/interventions", 403),
    ],
)
def test_writes_need_their_scope(client_for, scopes, path, status):
    assert client_for(*scopes).post(path, {}, format="json").status_code == status


# -- concurrency -----------------------------------------------------------------------------------


def _race(s, token, hours, barrier):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    barrier.wait()
    try:
        path = f"/api/v1/modules/{s.module}/attribuer"
        return client.post(path, {"personne_id": s.ana, "heures": hours}, format="json").status_code
    finally:
        connection.close()  # each thread has its own connection; the test database must be dropped


def _fire_two(s, token):
    s.connection.fake.latency = 0.05  # a read-then-write window both requests could slip into
    barrier, results = threading.Barrier(2), []
    threads = [
        threading.Thread(target=lambda: results.append(_race(s, token, 20, barrier)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_for_the_last_hours_cannot_both_win(make_token, s):
    token = make_token(scopes=["write:attributions"]).plaintext

    assert _fire_two(s, token) == [201, 422]
    live = [r for r in s.rows("attribution").values() if r]
    assert (
        len(
            [
                r
                for r in live
                if s.module
                in (
                    r.get(
                        next(
                            f.id
                            for f in s.connection.fake.table_by_name("attribution").fields
                            if f.name == "module"
                        )
                    )
                    or []
                )
            ]
        )
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_without_the_locks_the_same_race_overbooks(make_token, s, monkeypatch):
    """Shows the race test can fail: with the locks removed both requests pass RG-01."""
    import contextlib

    from hub.services import attributions as writes

    monkeypatch.setattr(writes, "entity_locks", lambda *names: contextlib.nullcontext())
    token = make_token(scopes=["write:attributions"]).plaintext

    assert _fire_two(s, token) == [201, 201]


def test_a_key_cannot_write_twice_after_a_failure_past_the_first_write(writer, s, monkeypatch):
    from hub.services import attributions as writes
    from integrations.baserow.client import BaserowUnavailable

    def baserow_gone(*args, **kwargs):
        raise BaserowUnavailable("Baserow answered 503 to rows.get.")

    monkeypatch.setattr(writes, "formation_of", baserow_gone)  # fails after the row is written
    path = f"/api/v1/modules/{s.module}/attribuer"
    body = {"personne_id": s.ana, "heures": 2}
    first = writer.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="partial")
    assert first.status_code == 502
    written = s.count("attribution")
    monkeypatch.undo()

    retry = writer.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="partial")

    assert retry.status_code == 502
    assert retry["Idempotent-Replayed"] == "true"
    assert "Part of this request was written" in retry.json()["error"]["message"]
    assert s.count("attribution") == written  # no second attribution
