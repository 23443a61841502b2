"""GET /api/v1/rapports/{formation|personne|projet}/{id}: formats, errors in the envelope, scopes,
ETag and 304 without rendering, the cache, a change in Baserow, the "pdf" rate class."""

import re
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.cache import caches

from hub.cache import cache_invalidate_formation, cache_invalidate_projet
from reports import services
from reports.services import rapport_generer
from tests.reports.support import REPORTS, pages_text, spaces

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]

FORMATION = f"{REPORTS}/formation/1"


@pytest.fixture
def reader(client_for):
    return client_for("read:*")


@pytest.fixture
def renders(monkeypatch):
    """Every call of the service's renderer, which still renders."""
    calls = []
    real = services._render

    def counting(kind, fmt, spec, data):
        calls.append((kind.value, fmt.value))
        return real(kind, fmt, spec, data)

    monkeypatch.setattr(services, "_render", counting)
    return calls


def cached_reports() -> list[str]:
    return list(caches["default"].keys("rapport:*"))


def envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def test_default_format_is_pdf(reader):
    response = reader.get(FORMATION)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert response["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize(
    ("kind", "row_id", "slug", "fmt"),
    [
        ("formation", 1, "developpeur-web-fullstack", "pdf"),
        ("personne", 4, "camille-petit", "html"),
        ("projet", 1, "site-vitrine", "html"),
    ],
)
def test_content_disposition_names_the_file(reader, kind, row_id, slug, fmt):
    response = reader.get(f"{REPORTS}/{kind}/{row_id}", {"format": fmt})

    assert response.status_code == 200
    assert re.fullmatch(
        rf'inline; filename="rapport-{kind}-{slug}-\d{{4}}-\d{{2}}-\d{{2}}\.{fmt}"',
        response["Content-Disposition"],
    )


def test_a_name_without_latin_letters_names_the_file_by_id(reader, demo_baserow):
    table = demo_baserow.mapping.table("formation").table_id
    row = demo_baserow.client.create_row(table, {"nom": "日本語 «»", "statut": "brouillon"})

    response = reader.get(f"{REPORTS}/formation/{row['id']}", {"format": "html"})

    assert response.status_code == 200
    assert re.fullmatch(
        rf'inline; filename="rapport-formation-{row["id"]}-\d{{4}}-\d{{2}}-\d{{2}}\.html"',
        response["Content-Disposition"],
    )


@pytest.mark.parametrize("bad", ["xml", "", "PDF", "pdf ", "html,pdf"])
def test_bad_format_is_400_naming_format(reader, bad, renders):
    error = envelope(reader.get(FORMATION, {"format": bad}), 400, "VALIDATION_ERROR")

    assert "format" in error["details"]
    assert "format" in error["message"]
    assert renders == []


def test_errors_are_json_whatever_the_accept_header(reader):
    response = reader.get(FORMATION, {"format": "xml"}, HTTP_ACCEPT="application/pdf")
    envelope(response, 400, "VALIDATION_ERROR")

    response = reader.get(f"{REPORTS}/projet/9999", HTTP_ACCEPT="text/html")
    envelope(response, 404, "NOT_FOUND")


@pytest.mark.parametrize("kind", ["formation", "personne", "projet"])
def test_unknown_id_is_404(reader, kind):
    error = envelope(reader.get(f"{REPORTS}/{kind}/9999"), 404, "NOT_FOUND")
    assert "9999" in error["message"]
    assert error["details"] == {"entity": kind, "id": 9999}


@pytest.mark.parametrize("row_id", ["abc", "1.5", "-1", "1e3", "%201"])
def test_non_integer_id_is_404(reader, row_id):
    envelope(reader.get(f"{REPORTS}/formation/{row_id}"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("scopes", "kind", "row_id", "status"),
    [
        (["read:projets"], "formation", 1, 403),
        (["read:formations"], "personne", 4, 403),
        (["read:personnes"], "projet", 1, 403),
        (["write:attributions"], "formation", 1, 403),
        (["read:formations"], "formation", 1, 200),
        (["read:personnes"], "personne", 4, 200),
        (["read:projets"], "projet", 1, 200),
    ],
)
def test_each_report_requires_its_read_scope(client_for, scopes, kind, row_id, status):
    response = client_for(*scopes).get(f"{REPORTS}/{kind}/{row_id}", {"format": "html"})
    assert response.status_code == status
    if status == 403:
        assert response.json()["error"]["code"] == "FORBIDDEN_SCOPE"


def test_no_token_is_401(api_client, renders):
    response = api_client.get(FORMATION)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_REQUIRED"
    assert renders == []


def test_baserow_down_is_502_and_nothing_is_cached(reader, fake, renders):
    fake.fail_next(503, times=5)

    error = envelope(reader.get(FORMATION), 502, "BASEROW_UNAVAILABLE")

    assert "503" in error["message"]
    assert renders == []
    assert cached_reports() == []


def test_etag_then_if_none_match_is_304_without_rendering(reader, renders):
    first = reader.get(FORMATION, {"format": "html"})
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)
    assert renders == [("formation", "html")]

    again = reader.get(FORMATION, {"format": "html"}, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == "private, no-cache"
    assert renders == [("formation", "html")]  # not rendered again


@pytest.mark.parametrize("header", ["W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_forms(reader, header):
    etag = reader.get(FORMATION, {"format": "html"})["ETag"]
    response = reader.get(
        FORMATION, {"format": "html"}, HTTP_IF_NONE_MATCH=header.format(etag=etag)
    )
    assert response.status_code == 304


def test_if_none_match_of_another_version_is_200(reader):
    html_etag = reader.get(FORMATION, {"format": "html"})["ETag"]
    other = reader.get(f"{REPORTS}/formation/2", {"format": "html"})["ETag"]
    assert other != html_etag

    response = reader.get(FORMATION, {"format": "html"}, HTTP_IF_NONE_MATCH=other)

    assert response.status_code == 200
    assert response.content
    assert response["ETag"] == html_etag


def test_pdf_and_html_have_different_etags(reader):
    pdf = reader.get(FORMATION)
    html = reader.get(FORMATION, {"format": "html"}, HTTP_IF_NONE_MATCH=pdf["ETag"])
    assert html.status_code == 200
    assert html["ETag"] != pdf["ETag"]


def test_304_by_the_service_says_not_modified():
    first = rapport_generer(kind="projet", row_id=1, format="html")
    again = rapport_generer(kind="projet", row_id=1, format="html", if_none_match=first.etag)

    assert (first.source, again.source) == ("render", "not-modified")
    assert again.content is None
    assert again.etag == first.etag
    assert again.filename == first.filename


def test_a_change_in_baserow_gives_a_new_etag_and_the_new_number(reader, demo_baserow, renders):
    first = reader.get(FORMATION, {"format": "html"})
    assert "427\u00a0h" in first.content.decode()

    table = demo_baserow.mapping.table("module").table_id
    demo_baserow.client.update_row(table, 1, {"heures": 75})  # HTML & CSS: 70 h → 75 h
    # Until its webhook arrives, the report says what the read API says (same cache):
    unchanged = reader.get(FORMATION, {"format": "html"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304
    assert reader.get("/api/v1/formations/1").json()["data"]["heures"] == 427
    cache_invalidate_formation(1)  # what the module webhook's handler does (sync/handlers.py)

    response = reader.get(FORMATION, {"format": "html"}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    body = response.content.decode()
    assert "432\u00a0h" in body  # the formation's hours
    assert "427\u00a0h" not in body
    assert renders == [("formation", "html"), ("formation", "html")]


def test_a_change_in_baserow_shows_in_the_pdf(reader, demo_baserow):
    first = reader.get(f"{REPORTS}/projet/1")
    table = demo_baserow.mapping.table("projet").table_id
    demo_baserow.client.update_row(table, 1, {"charge_estimee_h": 1234.5})
    cache_invalidate_projet(1)  # what the projet webhook's handler does (sync/handlers.py)

    second = reader.get(f"{REPORTS}/projet/1")

    assert second["ETag"] != first["ETag"]
    text = spaces("\n".join(pages_text(second.content)))
    assert "CHARGE ESTIMÉE\n1 234,5 h\n" in text


def test_second_identical_get_is_served_from_the_cache(reader, renders):
    first = reader.get(FORMATION, {"format": "html"})
    second = reader.get(FORMATION, {"format": "html"})

    assert renders == [("formation", "html")]
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert len(cached_reports()) == 1


def test_the_service_says_where_a_report_came_from():
    rendered = rapport_generer(kind="formation", row_id=1, format="html")
    cached = rapport_generer(kind="formation", row_id=1, format="html")

    assert (rendered.source, cached.source) == ("render", "cache")
    assert cached.content == rendered.content
    assert rendered.media_type == "text/html; charset=utf-8"


@pytest.fixture
def pdf_limit_of_10(settings, monkeypatch):
    settings.BRIDGE_RATE_LIMITS = {**settings.BRIDGE_RATE_LIMITS, "read": "600/m", "pdf": "10/m"}
    # One fixed instant: the 11 requests cannot straddle two of the limiter's windows.
    now = django_ratelimit.core.time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))


@pytest.mark.usefixtures("pdf_limit_of_10")
def test_the_eleventh_report_in_a_minute_is_429_while_reads_go_on(reader, client_for):
    statuses = [reader.get(FORMATION, {"format": "html"}).status_code for _ in range(10)]
    assert statuses == [200] * 10

    response = reader.get(f"{REPORTS}/projet/1", {"format": "html"})

    error = envelope(response, 429, "RATE_LIMITED")
    assert error["details"]["limit_class"] == "pdf"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert reader.get("/api/v1/formations/1").status_code == 200  # the read class is separate
    other = client_for("read:*")  # another token has its own budget
    assert other.get(FORMATION, {"format": "html"}).status_code == 200
