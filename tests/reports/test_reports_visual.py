"""Each report's first page, rasterised by poppler's pdftoppm: an A4 page with something drawn on
it (neither blank nor a black box)."""

import shutil
import subprocess

import pytest

from tests.reports.support import DEMO_ROWS, demo_report

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_baserow"),
    pytest.mark.skipif(
        shutil.which("pdftoppm") is None,
        reason="pdftoppm is not installed (poppler-utils: .ci/run installs it)",
    ),
]

DPI = 40
# A4 is 595.28 x 841.89 pt: at 40 dpi, 330.7 x 467.7 pixels.
A4_PIXELS = (round(595.28 * DPI / 72), round(841.89 * DPI / 72))


def read_pgm(data: bytes) -> tuple[int, int, bytes]:
    """A binary PGM (P5): its width, height and one byte a pixel."""
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        while data[position : position + 1].isspace():
            position += 1
        if data[position : position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    magic, width, height, maxval = fields
    assert magic == b"P5"
    assert int(maxval) == 255
    pixels = data[position + 1 :]
    assert len(pixels) == int(width) * int(height)
    return int(width), int(height), pixels


def first_page_gray(pdf: bytes, tmp_path) -> tuple[int, int, bytes]:
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(
        [
            shutil.which("pdftoppm") or "pdftoppm",
            "-r",
            str(DPI),
            "-f",
            "1",
            "-l",
            "1",
            "-gray",
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=30,
    )
    return read_pgm(result.stdout)


@pytest.mark.parametrize("kind", list(DEMO_ROWS))
def test_first_page_is_a4_and_drawn(client_for, kind, tmp_path):
    pdf = demo_report(client_for("read:*"), kind, DEMO_ROWS[kind]).content

    width, height, pixels = first_page_gray(pdf, tmp_path)

    assert abs(width - A4_PIXELS[0]) <= 2, width
    assert abs(height - A4_PIXELS[1]) <= 2, height
    dark = sum(1 for value in pixels if value < 200) / len(pixels)
    white = sum(1 for value in pixels if value > 250) / len(pixels)
    assert 0.02 < dark < 0.6, f"{dark:.1%} of the page is dark"
    assert white > 0.3, f"only {white:.1%} of the page is white"
    # Something drawn in the top fifth (the cover) and below the middle (tables, charts).
    top = pixels[: width * height // 5]
    lower = pixels[width * height // 2 :]
    assert min(top) < 128
    assert min(lower) < 128


def test_pgm_reader_reads_what_it_should():
    width, height, pixels = read_pgm(b"P5\n# comment\n3 2\n255\n" + bytes([0, 255, 10, 20, 30, 40]))
    assert (width, height, pixels) == (3, 2, bytes([0, 255, 10, 20, 30, 40]))
