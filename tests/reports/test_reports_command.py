"""`manage.py rapport formation 1 --out f.pdf`: the same service as the API, from the shell."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]


def test_writes_a_pdf(tmp_path):
    out = tmp_path / "f.pdf"
    stdout = io.StringIO()

    call_command("rapport", "formation", "1", "--out", str(out), stdout=stdout)

    content = out.read_bytes()
    assert content.startswith(b"%PDF-")
    assert content.rstrip().endswith(b"%%EOF")
    assert f"{out}: {len(content):,} bytes (render)." in stdout.getvalue()


def test_writes_html(tmp_path):
    out = tmp_path / "p.html"

    call_command(
        "rapport", "projet", "1", "--format", "html", "--out", str(out), stdout=io.StringIO()
    )

    body = out.read_text(encoding="utf-8")
    assert body.startswith("<!DOCTYPE html>")
    assert "Site vitrine" in body


def test_second_run_comes_from_the_cache(tmp_path):
    stdout = io.StringIO()
    for name in ("a.html", "b.html"):
        call_command(
            "rapport",
            "personne",
            "4",
            "--format",
            "html",
            "--out",
            str(tmp_path / name),
            stdout=stdout,
        )
    assert "(render)." in stdout.getvalue()
    assert "(cache)." in stdout.getvalue()
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_without_out_the_file_is_named_as_the_api_names_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("rapport", "projet", "1", "--format", "html", stdout=io.StringIO())
    (written,) = tmp_path.iterdir()
    assert written.name.startswith("rapport-projet-site-vitrine-")
    assert written.suffix == ".html"


def test_unknown_id_is_a_command_error_naming_not_found(tmp_path):
    out = tmp_path / "f.pdf"
    with pytest.raises(CommandError, match="NOT_FOUND"):
        call_command("rapport", "formation", "9999", "--out", str(out), stdout=io.StringIO())
    assert not out.exists()


def test_baserow_down_is_a_command_error(tmp_path, fake):
    fake.fail_next(503, times=5)
    with pytest.raises(CommandError, match="BASEROW_UNAVAILABLE"):
        call_command(
            "rapport", "projet", "1", "--out", str(tmp_path / "f.pdf"), stdout=io.StringIO()
        )


@pytest.mark.parametrize(
    "args",
    [("facture", "1"), ("formation", "un"), ("formation", "1", "--format", "xml")],
)
def test_bad_arguments_are_refused(args):
    with pytest.raises(CommandError):
        call_command("rapport", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_out_dash_writes_the_bytes_to_standard_output():
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")

    call_command("rapport", "projet", "1", "--format", "html", "--out", "-", stdout=stdout)

    stdout.flush()
    assert raw.getvalue().startswith(b"<!DOCTYPE html>")
    assert b"Site vitrine" in raw.getvalue()
