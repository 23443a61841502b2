"""The HTML cards: the API's numbers, signed URLs only, card-shaped refusals, framing, ETag."""

import pytest

from bridge_api.startup import undeclared_views
from tests.embeds.conftest import path_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]

ROWS = "/api/database/rows/"


@pytest.fixture(autouse=True)
def docmost_origin(settings):
    settings.DOCMOST_PUBLIC_URL = ["https://wiki.example.org/", "https://docs.example.org"]


def test_the_projet_card_shows_the_api_numbers(client, reader):
    projet = reader.get("/api/v1/projets/1").json()["data"]
    response = client.get(path_of("projet", 1))
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert projet["nom"] in body
    assert "21,5\u00a0h / 120\u00a0h" in body  # heures réalisées / charge estimée
    assert projet["heures_realisees"] == 21.5
    assert "<script" not in body.lower()
    assert 'http-equiv="refresh" content="60"' in body


def test_the_personne_card_is_found_by_slug(client, reader):
    personne = reader.get("/api/v1/personnes/1").json()["data"]
    body = client.get(path_of("personne", personne["slug"])).content.decode()
    assert personne["nom_prenom"] in body
    remaining = f"{personne['heures_restantes_formation']}\u00a0h libres"
    assert remaining in body


def test_the_modules_card_lists_what_is_left_to_assign(client, reader):
    formation = reader.get("/api/v1/formations/1").json()["data"]
    todo = [m for b in formation["blocs"] for m in b["modules"] if m["heures_restantes"] > 0]
    body = client.get(path_of("modules-a-attribuer", 1)).content.decode()
    assert todo
    for module in todo:
        assert module["nom"] in body
    assert f"Modules à attribuer · {len(todo)}" in body


def test_only_the_docmost_origins_may_frame_a_card(client):
    response = client.get(path_of("projet", 1))
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors https://wiki.example.org https://docs.example.org" in policy
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert "X-Frame-Options" not in response


def test_the_api_keeps_refusing_to_be_framed(client):
    response = client.get("/api/health")
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "query",
    ["", "?s=", "?s=s.garbage", "?s=zz.eyJ9:1:2"],
)
def test_a_bad_signature_is_a_403_card_not_json(client, query):
    response = client.get(f"/cards/projet/1{query}")
    body = response.content.decode()
    assert response.status_code == 403
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Carte non autorisée" in body
    assert "frame-ancestors https://wiki.example.org" in response["Content-Security-Policy"]
    assert "Traceback" not in body


def test_a_url_for_one_projet_does_not_open_another(client):
    signed = path_of("projet", 1)
    response = client.get(signed.replace("/projet/1?", "/projet/2?"))
    assert response.status_code == 403
    assert "autre carte" in response.content.decode()


def test_an_unknown_row_is_a_404_card(client):
    response = client.get(path_of("projet", 99999))
    assert response.status_code == 404
    assert "Introuvable" in response.content.decode()
    response = client.get(path_of("personne", "nobody-here"))
    assert response.status_code == 404


def test_a_bad_formation_parameter_is_a_404_card(client):
    signed = path_of("modules-a-attribuer", "abc")
    response = client.get(signed)
    assert response.status_code == 404


def test_baserow_down_is_a_502_card(client, fake):
    fake.fail_next(503, times=10)
    response = client.get(path_of("projet", 1))
    assert response.status_code == 502
    assert "Données indisponibles" in response.content.decode()


def test_an_unchanged_card_is_a_304_and_a_warm_one_costs_no_baserow_call(client, fake):
    signed = path_of("projet", 1)
    first = client.get(signed)
    fake.calls.clear()
    again = client.get(signed, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert fake.count(path_prefix=ROWS) == 0
    assert again["Cache-Control"] == "private, no-cache"


def test_a_cold_projet_card_costs_what_the_detail_endpoint_costs(client, fake):
    fake.calls.clear()
    assert client.get(path_of("projet", 1)).status_code == 200
    assert fake.count(path_prefix=ROWS) == 3


def test_only_get_and_head(client):
    assert client.post(path_of("projet", 1)).status_code == 405


def test_every_card_route_is_guarded():
    assert [route for route in undeclared_views() if route.startswith("cards/")] == []


@pytest.mark.urls("tests.embeds.urls_unguarded")
def test_a_card_route_without_a_signed_url_guard_fails_the_startup_check():
    assert undeclared_views() == ["cards/unguarded/<int:pk> (UnguardedCard: no signed-URL guard)"]


def test_a_warm_personne_card_costs_no_baserow_call(client, reader, fake):
    slug = reader.get("/api/v1/personnes/1").json()["data"]["slug"]
    signed = path_of("personne", slug)
    assert client.get(signed).status_code == 200
    fake.calls.clear()
    assert client.get(signed).status_code == 200
    assert fake.count(path_prefix=ROWS) == 0


def test_an_absurd_slug_is_a_404_without_asking_baserow(client, fake):
    fake.calls.clear()
    response = client.get(path_of("personne", "x" * 5000))
    assert response.status_code == 404
    assert fake.count(path_prefix=ROWS) == 0
