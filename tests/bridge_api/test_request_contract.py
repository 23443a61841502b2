"""What the schema promises about requests, the server enforces: unknown body keys, `dry_run`,
the Idempotency-Key rule, and JSON errors from /api/metrics."""

import re

import pytest

from bridge_api.idempotency import KEY_PATTERN

pytestmark = pytest.mark.django_db

# (method, path, a valid body or None): every write and Docmost operation. Bodies are refused
# before any upstream call, so the ids need not exist.
WRITES = [
    ("post", "/api/v1/modules/1/attribuer", {"personne_id": 1, "heures": 2}),
    ("patch", "/api/v1/attributions/1/heures-realisees", {"heures_realisees": 1}),
    ("post", "/api/v1/attributions/1/cloturer", {}),
    ("post", "/api/v1/attributions/1/annuler", {"justification": "x"}),
    (
        "post",
        "/api/v1/interventions",
        {"tache_id": 1, "personne_id": 1, "heures": 2, "date": "2024-01-02"},
    ),
    ("patch", "/api/v1/interventions/1", {"notes": "x"}),
    ("post", "/api/v1/interventions/1/annuler", {"justification": "x"}),
    ("post", "/api/v1/projets/1/cloturer", {}),
    (
        "post",
        "/api/v1/docmost/pages",
        {"space_id": "01900000-0000-7000-8000-000000000000", "title": "T"},
    ),
    ("patch", "/api/v1/docmost/pages/abcdefghij", {"title": "T"}),
    ("post", "/api/v1/docmost/collections", {"name": "Espace"}),
    ("post", "/api/v1/docmost/share-links", {"page_id": "abcdefghij"}),
]
NO_BODY_WRITES = ["/api/v1/attributions/1/cloturer", "/api/v1/projets/1/cloturer"]


@pytest.fixture
def writer(client_for):
    return client_for(
        "write:attributions", "write:interventions", "action:projets", "write:docmost"
    )


def error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()["error"]
    assert body["code"] == code
    return body


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_if_the_body_has_an_unknown_key_then_400_naming_it(writer, method, path, body):
    response = getattr(writer, method)(path, {**body, "heures_realise": 3}, format="json")

    details = error(response, 400, "VALIDATION_ERROR")["details"]
    assert list(details) == ["heures_realise"]
    assert "Unknown field" in details["heures_realise"][0]


def test_unknown_keys_are_named_together_with_the_other_problems(writer):
    response = writer.post(
        "/api/v1/modules/1/attribuer", {"heures": -1, "personne": 3, "x": 1}, format="json"
    )

    details = error(response, 400, "VALIDATION_ERROR")["details"]
    assert set(details) == {"heures", "personne_id", "personne", "x"}
    assert "personne_id" in details["personne"][0]  # says what the operation accepts


@pytest.mark.parametrize("path", NO_BODY_WRITES)
@pytest.mark.parametrize("garbage", ["yes", "2", "truee", "%00"])
def test_if_dry_run_is_not_a_boolean_then_400(writer, path, garbage):
    response = writer.post(f"{path}?dry_run={garbage}", format="json")

    assert error(response, 400, "VALIDATION_ERROR")["details"] == {
        "dry_run": ["Use true or false."]
    }


@pytest.mark.parametrize(
    "key",
    ["", " leading", "trailing ", "é", "tab\there", "x" * 256],
    ids=["empty", "leading-space", "trailing-space", "non-ascii", "control", "too-long"],
)
def test_if_the_idempotency_key_breaks_the_declared_rule_then_400(writer, key):
    response = writer.post(
        "/api/v1/attributions/1/cloturer", {}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert "Idempotency-Key" in error(response, 400, "VALIDATION_ERROR")["details"]
    assert not re.fullmatch(KEY_PATTERN, key)


@pytest.mark.parametrize("key", ["k", "a b", "~" * 255, "order-2024/07 #3"])
def test_keys_the_rule_allows_are_accepted(writer, key):
    response = writer.post(
        "/api/v1/attributions/1/cloturer?dry_run=maybe",
        {},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )

    # Past the key check: refused for the dry_run, not for the key.
    assert "dry_run" in error(response, 400, "VALIDATION_ERROR")["details"]
    assert re.fullmatch(KEY_PATTERN, key)


@pytest.mark.usefixtures("demo_baserow")
def test_a_blank_justification_is_still_the_rg05_refusal(client_for, s):
    writer = client_for("write:attributions")
    created = writer.post(
        f"/api/v1/modules/{s.module}/attribuer", {"personne_id": s.ana, "heures": 2}, format="json"
    ).json()["data"]

    response = writer.post(
        f"/api/v1/attributions/{created['attribution_id']}/annuler",
        {"justification": "   "},
        format="json",
    )

    assert error(response, 422, "RG_VIOLATION")["details"]["rule"] == "RG-05"


# -- /api/metrics ----------------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["text/plain", "application/openmetrics-text", "*/*", None])
def test_metrics_errors_are_json_whatever_the_accept_header(client_for, api_client, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    anonymous = api_client.get("/api/metrics", **headers)
    forbidden = client_for("read:personnes").get("/api/metrics", **headers)

    error(anonymous, 401, "AUTH_REQUIRED")
    error(forbidden, 403, "FORBIDDEN_SCOPE")


@pytest.mark.parametrize("query", ["", "?format=json", "?format=prometheus", "?format=xml"])
def test_metrics_ignore_a_format_parameter(client_for, query):
    response = client_for("admin:*").get(f"/api/metrics{query}", HTTP_ACCEPT="text/plain")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"# TYPE" in response.content


@pytest.mark.parametrize("sort", ["", "nom,", ",nom", "nom,,statut"])
def test_an_empty_sort_key_is_refused_not_ignored(client_for, sort):
    response = client_for("read:projets").get("/api/v1/projets", {"sort": sort})

    assert "empty sort key" in error(response, 400, "VALIDATION_ERROR")["details"]["sort"][0]


SYNC_POSTS = [
    "/api/v1/sync/all",
    "/api/v1/sync/reconcile",
    "/api/v1/sync/projet/1",
    "/api/v1/sync/formation/1",
    "/api/v1/sync/events/1/replay",
    "/api/v1/sync/runs/1/resume",
]


@pytest.mark.parametrize("path", SYNC_POSTS)
def test_sync_operations_take_no_body_and_name_the_keys_sent(client_for, path):
    response = client_for("admin:sync").post(path, {"force": True}, format="json")

    details = error(response, 400, "VALIDATION_ERROR")["details"]
    assert list(details) == ["force"]
