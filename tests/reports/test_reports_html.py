"""The HTML twin of each report: the same figures as the PDF, a Content-Security-Policy that
allows inline styles and nothing else, no script and no remote URL."""

import re

import pytest

from tests.reports.support import (
    DEMO_ROWS,
    demo_report,
    hour_figures,
    html_parse,
    html_text,
    pages_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]

KINDS = list(DEMO_ROWS)


@pytest.fixture
def reader(client_for):
    return client_for("read:*")


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("kind", KINDS)
def test_html_is_a_french_html_page(reader, kind):
    fetched = demo_report(reader, kind, DEMO_ROWS[kind], "html")
    body = fetched.content.decode()

    assert fetched.headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in body
    assert re.fullmatch(
        rf'inline; filename="rapport-{kind}-[a-z0-9-]+-\d{{4}}-\d{{2}}-\d{{2}}\.html"',
        fetched.headers["Content-Disposition"],
    )


@pytest.mark.parametrize("kind", KINDS)
def test_html_shows_the_same_hour_figures_as_the_pdf(reader, kind):
    html_figures = hour_figures(
        html_text(demo_report(reader, kind, DEMO_ROWS[kind], "html").content.decode())
    )
    pdf_figures = hour_figures(
        "\n".join(pages_text(demo_report(reader, kind, DEMO_ROWS[kind]).content))
    )

    assert len(html_figures) >= 8
    assert html_figures == pdf_figures


@pytest.mark.parametrize("kind", KINDS)
def test_html_csp_allows_inline_styles_only(reader, kind):
    fetched = demo_report(reader, kind, DEMO_ROWS[kind], "html")
    directives = csp_directives(fetched.headers["Content-Security-Policy"])

    assert directives["default-src"] == ["'none'"]
    assert directives["style-src"] == ["'unsafe-inline'"]
    # Every other directive denies: no script, image, font, connection, frame, base or form.
    for name, values in directives.items():
        if name != "style-src":
            assert values == ["'none'"], (name, values)


@pytest.mark.parametrize("kind", KINDS)
def test_html_loads_nothing_remote(reader, kind):
    parsed = html_parse(demo_report(reader, kind, DEMO_ROWS[kind], "html").content.decode())
    urls = [
        value
        for _tag, attrs in parsed.tags
        for name, value in attrs.items()
        if name in ("src", "href", "xlink:href", "srcset", "action", "data", "poster")
        and value is not None
    ]
    assert not [url for url in urls if re.match(r"\s*(https?:)?//", url, re.IGNORECASE)]
    assert "link" not in {tag for tag, _ in parsed.tags}
    assert "@import" not in demo_report(reader, kind, DEMO_ROWS[kind], "html").content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_html_has_no_script(reader, kind):
    body = demo_report(reader, kind, DEMO_ROWS[kind], "html").content.decode()
    assert "<script" not in body.lower()


@pytest.mark.parametrize("kind", KINDS)
def test_html_charts_are_inline_svg_with_selectable_labels(reader, kind):
    body = demo_report(reader, kind, DEMO_ROWS[kind], "html").content.decode()
    parsed = html_parse(body)
    tags = [tag for tag, _ in parsed.tags]

    assert "svg" in tags
    assert "img" not in tags
    assert "<?xml" not in body  # no XML declaration in the middle of an HTML page
