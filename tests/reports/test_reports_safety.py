"""Hostile Baserow values in every report (markup, a URL of a live local server, a 10,000-character
name, empty and extreme dates, no modules, capacities overrun), and the URL fetcher WeasyPrint is
given: only the report's own static files, never the network."""

import logging
import socket
from pathlib import Path

import pytest
import weasyprint
from weasyprint.urls import URLFetcher

from reports.fetcher import STATIC_ROOT, FetchRefused, StaticOnlyFetcher, static_base_url
from reports.services import rapport_generer
from tests.reports.support import (
    REPORTS,
    RecordingServer,
    html_parse,
    pages_text,
    pdf_reader,
    spaces,
    squeeze,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]

SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def server():
    with RecordingServer() as recording:
        yield recording


@pytest.fixture
def reader(client_for):
    return client_for("read:*")


@pytest.fixture
def hostile(demo_baserow, server):
    """Rows whose texts hold markup and a URL of the recording server; ids by name."""
    client = demo_baserow.client

    def t(entity: str) -> int:
        return demo_baserow.mapping.table(entity).table_id

    img = f'<img src="http://127.0.0.1:{server.port}/x">'
    evil = f"{SCRIPT}{img}"
    long_name = evil + "N" * 10_000
    formation = client.create_row(
        t("formation"), {"nom": long_name, "code": evil, "statut": "en_cours"}
    )["id"]  # no dates
    empty_bloc = client.create_row(t("bloc"), {"nom": evil, "formation": [formation], "ordre": 1})
    bloc = client.create_row(t("bloc"), {"nom": evil + "2", "formation": [formation], "ordre": 2})
    module = client.create_row(
        t("module"), {"nom": evil, "bloc": [bloc["id"]], "heures": 20, "statut": "attribue"}
    )["id"]
    empty_formation = client.create_row(t("formation"), {"nom": "Vide", "statut": "brouillon"})
    personne = client.create_row(
        t("personne"),
        {
            "nom_prenom": long_name,
            "email": "hostile@example.org",
            "roles": ["formateur", "developpeur"],
            "statut": "actif",
            "capacite_formation_h": 10,
            "capacite_agence_h": 2,
        },
    )["id"]
    client.create_row(
        t("attribution"),
        {
            "nom": evil,
            "module": [module],
            "personne": [personne],
            "heures_attribuees": 50,  # 40 h over the capacity
            "statut": "prevu",
            "date_debut": "9999-12-31",
        },
    )
    client_row = client.create_row(t("client"), {"nom": evil})["id"]
    projet = client.create_row(
        t("projet"),
        {"nom": long_name, "client": [client_row], "statut": "en_cours", "charge_estimee_h": 0},
    )["id"]
    tache = client.create_row(
        t("tache"), {"nom": evil, "projet": [projet], "statut": "en_cours", "estimation_h": 0}
    )["id"]
    client.batch_create(
        t("intervention"),
        [
            {"nom": evil, "tache": [tache], "personne": [personne], "date": day, "heures": hours}
            | {"statut": "valide", "notes": evil}
            for day, hours in (("9999-12-31", 3), ("0001-01-01", 2), (None, 1))
        ],
    )
    return {
        "formation": formation,
        "empty_bloc": empty_bloc["id"],
        "empty_formation": empty_formation["id"],
        "personne": personne,
        "projet": projet,
    }


def hostile_reports(hostile) -> list[tuple[str, int]]:
    return [
        ("formation", hostile["formation"]),
        ("formation", hostile["empty_formation"]),
        ("personne", hostile["personne"]),
        ("projet", hostile["projet"]),
    ]


def test_hostile_html_is_escaped_and_loads_nothing(reader, hostile, server, caplog):
    for kind, row_id in hostile_reports(hostile):
        response = reader.get(f"{REPORTS}/{kind}/{row_id}", {"format": "html"})
        assert response.status_code == 200, (kind, row_id, response.content[:300])
        body = response.content.decode()
        parsed = html_parse(body)
        tags = {tag for tag, _ in parsed.tags}
        urls = [
            value or ""
            for _, attrs in parsed.tags
            for name, value in attrs.items()
            if name in ("src", "href", "xlink:href", "srcset", "data", "action")
        ]

        assert "img" not in tags
        assert "<img" not in body
        assert SCRIPT not in body
        assert not [url for url in urls if str(server.port) in url]
        if row_id != hostile["empty_formation"]:
            assert SCRIPT_ESCAPED in body
            assert f"&lt;img src=&quot;http://127.0.0.1:{server.port}/x&quot;&gt;" in body
    assert server.connections == []
    assert not [r for r in caplog.records if r.getMessage() == "reports.fetch-refused"]


def test_hostile_pdfs_are_valid_short_and_never_fetch(reader, hostile, server, caplog):
    texts = {}
    for kind, row_id in hostile_reports(hostile):
        response = reader.get(f"{REPORTS}/{kind}/{row_id}")
        assert response.status_code == 200, (kind, row_id, response.content[:300])
        document = pdf_reader(response.content)
        assert 1 <= len(document.pages) <= 4, "a 10,000-character name is cut, not paginated"
        assert document.metadata is not None
        title = str(document.metadata.title)
        assert len(title) <= 160
        texts[(kind, row_id)] = spaces("\n".join(pages_text(response.content)))
        if row_id != hostile["empty_formation"]:
            assert SCRIPT in title  # the text, shown as text
            assert squeeze(SCRIPT) in squeeze(texts[(kind, row_id)])

    assert server.connections == []
    assert not [r for r in caplog.records if r.getMessage() == "reports.fetch-refused"]
    server.probe()  # the server did listen: it records a connection when one is made
    assert len(server.connections) == 1

    formation = texts[("formation", hostile["formation"])]
    assert "Aucun module dans ce bloc." in formation
    empty = texts[("formation", hostile["empty_formation"])]
    assert "Cette formation n'a encore aucun bloc." in empty
    assert "AVANCEMENT\n—" in empty  # no hours: no percentage, and no division by zero
    personne = texts[("personne", hostile["personne"])]
    assert "Dépassement" in personne
    assert "RESTE FORMATION\n-40 h" in personne
    assert "RESTE AGENCE\n-4 h" in personne
    assert "31déc.9999" in squeeze(personne)  # the attribution's start
    assert "janvier 1" in personne
    assert "décembre 9999" in personne
    assert "Dont sans date : 1 h." in personne
    projet = texts[("projet", hostile["projet"])]
    assert "La charge réalisée dépasse l'estimation de 6 h." in projet
    assert "AVANCEMENT\n—" in projet


def test_hostile_rows_through_the_service_in_both_formats(hostile):
    for kind, row_id in hostile_reports(hostile):
        for fmt in ("pdf", "html"):
            rapport = rapport_generer(kind=kind, row_id=row_id, format=fmt)
            assert rapport.content, (kind, row_id, fmt)
            assert len(rapport.filename) < 100
            assert rapport.filename.isascii()
            assert '"' not in rapport.filename


# -- the URL fetcher --------------------------------------------------------------------------


def refused(url: str, caplog) -> None:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bridge.reports"), pytest.raises(FetchRefused):
        StaticOnlyFetcher().fetch(url)
    records = [r for r in caplog.records if r.getMessage() == "reports.fetch-refused"]
    assert len(records) == 1, url
    assert records[0].name == "bridge.reports"
    assert records[0].url == url[:200]


def test_fetcher_refuses_the_network(caplog, server):
    refused("http://example.invalid/x", caplog)
    refused(f"http://127.0.0.1:{server.port}/x", caplog)
    refused(f"https://127.0.0.1:{server.port}/x", caplog)
    refused(f"ftp://127.0.0.1:{server.port}/x", caplog)
    refused(f"//127.0.0.1:{server.port}/x", caplog)
    assert server.connections == []


def test_fetcher_refuses_other_files_and_schemes(caplog):
    refused("file:///etc/passwd", caplog)
    refused("file://localhost" + str(STATIC_ROOT / "rapport.css"), caplog)
    refused(static_base_url() + "../../services.py", caplog)
    refused(static_base_url() + "%2e%2e/%2e%2e/services.py", caplog)
    refused(static_base_url() + "absent.css", caplog)
    refused(static_base_url(), caplog)  # a directory
    refused("data:text/css,body{color:red}", caplog)
    refused("javascript:alert(1)", caplog)
    refused("x" * 500, caplog)  # logged cut at 200 characters


def test_fetcher_serves_the_reports_stylesheet():
    response = StaticOnlyFetcher().fetch(static_base_url() + "rapport.css")
    try:
        body = response.read()
    finally:
        response.close()
    assert body == (STATIC_ROOT / "rapport.css").read_bytes()
    assert b"@page" in body
    assert Path(STATIC_ROOT, "rapport.css").is_file()


def _trap_html(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return f"""<!DOCTYPE html><html lang="fr"><head><title>t</title>
<link rel="stylesheet" href="{base}/s.css">
<style>@import url("{base}/i.css");
@font-face {{ font-family: Trap; src: url("{base}/f.woff2"); }}
body {{ font-family: Trap; background: url("{base}/bg.png"); }}</style></head>
<body><p>Bonjour</p><img src="{base}/">
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{base}/svg.png"
 width="10" height="10"/></svg>
<object data="{base}/o.svg"></object><iframe src="{base}/frame"></iframe></body></html>"""


def test_weasyprint_with_the_fetcher_never_connects(server, monkeypatch, caplog):
    def no_connection(self, address, *args):
        raise AssertionError(f"a connection was attempted to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", no_connection)
    monkeypatch.setattr(socket.socket, "connect_ex", no_connection)

    pdf = weasyprint.HTML(
        string=_trap_html(server.port), url_fetcher=StaticOnlyFetcher()
    ).write_pdf()

    monkeypatch.undo()
    assert pdf.startswith(b"%PDF-")
    assert "Bonjour" in pages_text(pdf)[0]
    assert server.connections == []
    refusals = [r.url for r in caplog.records if r.getMessage() == "reports.fetch-refused"]
    assert any(url.endswith("/s.css") for url in refusals)
    assert any(url.endswith("/f.woff2") for url in refusals)


def test_the_trap_does_catch_a_fetcher_that_connects(server):
    """Control: WeasyPrint's own fetcher, given the same document, does reach the server."""
    weasyprint.HTML(string=_trap_html(server.port), url_fetcher=URLFetcher(timeout=2)).write_pdf()
    assert server.connections
