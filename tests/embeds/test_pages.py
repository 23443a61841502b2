"""The full pages the cards link to: Docmost's look, the report's data, signed URL or staff."""

import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model

from embeds.signing import card_url_sign, card_url_verify
from tests.embeds.conftest import path_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]


@pytest.mark.parametrize(
    ("kind", "api", "name_field"),
    [
        ("projet", "/api/v1/projets/1", "nom"),
        ("personne", "/api/v1/personnes/4", "nom_prenom"),
        ("formation", "/api/v1/formations/1", "nom"),
    ],
)
def test_a_signed_page_shows_the_row(client, reader, kind, api, name_field):
    row = reader.get(api).json()["data"]
    ident = api.rsplit("/", 1)[1]
    response = client.get(path_of(f"page-{kind}", ident))
    body = unescape(response.content.decode())
    assert response.status_code == 200
    assert f"<h1>{row[name_field]}</h1>" in body
    assert "Données Baserow du" in body
    assert "<script" not in body.lower()


def test_the_formation_page_has_the_api_totals_and_flags_what_is_left(client, reader):
    formation = reader.get("/api/v1/formations/1").json()["data"]
    body = client.get(path_of("page-formation", 1)).content.decode()
    assert f"<b>{formation['heures']}\u00a0h</b>" in body
    todo = [m for b in formation["blocs"] for m in b["modules"] if m["heures_restantes"] > 0]
    assert body.count('class="todo"') == len(todo)


def test_a_card_url_does_not_open_a_page(client):
    card = path_of("projet", 1)
    response = client.get(card.replace("/cards/projet/1", "/pages/projet/1"))
    assert response.status_code == 403


def test_a_staff_session_opens_a_page_without_signature(client):
    staff = get_user_model().objects.create_user("op", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get("/pages/projet/1").status_code == 200


def test_a_non_staff_session_still_needs_the_signature(client):
    user = get_user_model().objects.create_user("someone", password="x")
    client.force_login(user)
    assert client.get("/pages/projet/1").status_code == 403


def test_a_card_links_to_its_page_and_keeps_its_etag(client):
    card = path_of("projet", 1)
    first = client.get(card)
    link = re.search(r'href="([^"]+)"', first.content.decode())
    assert link is not None
    page = urlsplit(unescape(link.group(1)))
    assert page.path == "/pages/projet/1"
    assert client.get(f"{page.path}?{page.query}").status_code == 200
    assert client.get(card)["ETag"] == first["ETag"]  # the link is the same on every render


def test_a_page_linked_from_an_expiring_card_expires_with_it(client):
    card = urlsplit(card_url_sign(kind="projet", ident=1, expires_in=600).url)
    body = client.get(f"{card.path}?{card.query}").content.decode()
    found = re.search(r'href="([^"]+)"', body)
    assert found is not None
    link = urlsplit(unescape(found.group(1)))
    token = parse_qs(link.query)["s"][0]
    expires = card_url_verify(kind="page-projet", ident="1", token=token)
    assert expires is not None
    assert expires <= time.time() + 600


def test_an_unknown_row_is_a_404(client):
    assert client.get(path_of("page-projet", 99999)).status_code == 404
