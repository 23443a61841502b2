"""The embeds API: JSON for node-views, the cards' signed URLs, CORS for the Docmost origins."""

from urllib.parse import parse_qs, urlsplit

import pytest

from embeds.signing import card_url_verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]

EMBEDS = "/api/v1/embeds"
DOCMOST = "https://wiki.example.org"


@pytest.fixture(autouse=True)
def docmost_origin(settings):
    settings.DOCMOST_PUBLIC_URL = [DOCMOST + "/"]
    settings.BRIDGE_PUBLIC_URL = "https://bridge.example.org"


def test_a_personne_by_slug_is_the_personne_of_the_read_api(reader):
    personne = reader.get("/api/v1/personnes/1").json()["data"]
    response = reader.get(f"{EMBEDS}/personne/{personne['slug']}")
    assert response.status_code == 200
    assert response.json()["data"] == personne


def test_a_projet_embed_has_its_hours_and_no_taches(reader):
    projet = reader.get("/api/v1/projets/1").json()["data"]
    data = reader.get(f"{EMBEDS}/projet/1").json()["data"]
    assert data["heures_realisees"] == projet["heures_realisees"]
    assert data["charge_estimee_h"] == projet["charge_estimee_h"]
    assert data["client"] == projet["client"]
    assert "taches" not in data


def test_modules_a_attribuer_are_the_modules_with_free_hours(reader):
    formation = reader.get("/api/v1/formations/1").json()["data"]
    todo = [m for b in formation["blocs"] for m in b["modules"] if m["heures_restantes"] > 0]
    data = reader.get(f"{EMBEDS}/modules-a-attribuer", {"formation": 1}).json()["data"]
    assert [m["module_id"] for m in data["modules"]] == [m["module_id"] for m in todo]
    assert data["heures_a_attribuer"] == sum(m["heures_restantes"] for m in todo)
    assert data["formation"]["formation_id"] == 1


@pytest.mark.parametrize(
    "query",
    [{}, {"formation": "x"}, {"formation": "²"}, {"formation": "-1"}, {"formation": "9" * 5000}],
)
def test_a_missing_or_bad_formation_is_a_400(reader, query):
    response = reader.get(f"{EMBEDS}/modules-a-attribuer", query)
    assert response.status_code == 400
    assert "formation" in response.json()["error"]["details"]


def test_unknown_rows_are_404(reader):
    assert reader.get(f"{EMBEDS}/personne/nobody").status_code == 404
    assert reader.get(f"{EMBEDS}/projet/99999").status_code == 404
    assert reader.get(f"{EMBEDS}/projet/99999/card-url").status_code == 404


def test_scopes_are_the_read_endpoints(client_for):
    projets_only = client_for("read:projets")
    assert projets_only.get(f"{EMBEDS}/projet/1").status_code == 200
    assert projets_only.get(f"{EMBEDS}/modules-a-attribuer", {"formation": 1}).status_code == 403
    assert projets_only.get(f"{EMBEDS}/personne/x").status_code == 403


def test_a_minted_card_url_opens_its_card(reader, client):
    response = reader.get(f"{EMBEDS}/projet/1/card-url", {"expires_in": 3600})
    data = response.json()["data"]
    assert response.status_code == 200
    assert data["kind"] == "projet"
    assert data["expires_at"] is not None
    parts = urlsplit(data["url"])
    assert parts.netloc == "bridge.example.org"
    card_url_verify(kind="projet", ident="1", token=parse_qs(parts.query)["s"][0])
    assert client.get(f"{parts.path}?{parts.query}").status_code == 200


def test_card_urls_for_the_other_kinds(reader, client):
    slug = reader.get("/api/v1/personnes/1").json()["data"]["slug"]
    for path, query in (
        (f"{EMBEDS}/personne/{slug}/card-url", {}),
        (f"{EMBEDS}/modules-a-attribuer/card-url", {"formation": 1}),
    ):
        data = reader.get(path, query).json()["data"]
        parts = urlsplit(data["url"])
        assert data["expires_at"] is None
        assert client.get(f"{parts.path}?{parts.query}").status_code == 200


@pytest.mark.parametrize("expires_in", ["x", "-5", "99999999999"])
def test_a_bad_expiry_is_a_400(reader, expires_in):
    response = reader.get(f"{EMBEDS}/projet/1/card-url", {"expires_in": expires_in})
    assert response.status_code == 400
    assert "expires_in" in response.json()["error"]["details"]


def test_cors_allows_the_docmost_origin_on_the_embeds_api_only(reader):
    allowed = reader.get(f"{EMBEDS}/projet/1", HTTP_ORIGIN=DOCMOST)
    assert allowed["Access-Control-Allow-Origin"] == DOCMOST
    other = reader.get(f"{EMBEDS}/projet/1", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in other
    read_api = reader.get("/api/v1/projets/1", HTTP_ORIGIN=DOCMOST)
    assert "Access-Control-Allow-Origin" not in read_api


def test_a_preflight_from_docmost_may_send_the_token(client):
    response = client.options(
        f"{EMBEDS}/projet/1",
        HTTP_ORIGIN=DOCMOST,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == DOCMOST
    assert "authorization" in response["Access-Control-Allow-Headers"]
