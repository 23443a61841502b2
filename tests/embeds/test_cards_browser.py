"""The cards in a real browser (headless Chromium from Debian, driven by Playwright): framed by
a page on the Docmost origin they render the API's numbers; framed by any other origin, the
browser refuses them (CSP frame-ancestors). Light and dark screenshots are kept for a look."""

import http.server
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from embeds.signing import card_url_sign

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Debian chromium is not installed (.ci/run installs it)",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_baserow"),
]
# Screenshots land here for a human to look at (make test leaves them in /tmp).
SHOTS = Path(
    os.environ.get("CARD_SCREENSHOTS", Path(tempfile.gettempdir()) / "bridge-card-screenshots")
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class HostPage(http.server.BaseHTTPRequestHandler):
    """A page that frames the card named by its query string, as a Docmost page would."""

    def do_GET(self) -> None:
        src = self.path.split("?src=", 1)[1] if "?src=" in self.path else ""
        body = (
            "<!doctype html><title>host</title><p>Docmost page</p>"
            f'<iframe id="card" src="{src}" width="640" height="260"></iframe>'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def host_port() -> Iterator[int]:
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), HostPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield port
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture
def card_urls(settings, live_server, host_port):
    settings.DOCMOST_PUBLIC_URL = [f"http://127.0.0.1:{host_port}"]
    settings.BRIDGE_PUBLIC_URL = live_server.url
    return {
        "projet": card_url_sign(kind="projet", ident=1).url,
        "personne": card_url_sign(kind="personne", ident="pierre-dupont").url,
        "modules-a-attribuer": card_url_sign(kind="modules-a-attribuer", ident=1).url,
    }


def card_frame(page, url: str):
    page.wait_for_load_state("load")
    return next(frame for frame in page.frames if frame.url.startswith(url.split("?")[0]))


def test_a_card_framed_by_the_docmost_origin_renders_the_api_numbers(browser, card_urls, host_port):
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{host_port}/?src={card_urls['projet']}")
    frame = card_frame(page, card_urls["projet"])
    text = frame.inner_text("body")
    assert "Site vitrine" in text
    assert "21,5\u00a0h / 120\u00a0h" in text
    assert "Boulangerie Martin" in text.title() or "BOULANGERIE MARTIN" in text


def test_another_origin_cannot_frame_a_card(browser, card_urls, host_port):
    page = browser.new_page()
    refusals: list[str] = []
    page.on("console", lambda message: refusals.append(message.text))
    page.goto(f"http://localhost:{host_port}/?src={card_urls['projet']}")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    texts = [frame.inner_text("body") for frame in page.frames[1:] if not frame.is_detached()]
    assert not any("Site vitrine" in text for text in texts)
    assert any("frame-ancestors" in message for message in refusals), refusals


@pytest.mark.parametrize("kind", ["projet", "personne", "modules-a-attribuer"])
def test_each_card_in_light_and_dark(browser, card_urls, kind):
    SHOTS.mkdir(parents=True, exist_ok=True)
    brightness = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(viewport={"width": 640, "height": 260}, color_scheme=scheme)
        response = page.goto(card_urls[kind])
        assert response is not None
        assert response.status == 200
        shot = SHOTS / f"card-{kind}-{scheme}.png"
        page.screenshot(path=str(shot))
        with Image.open(shot) as image:
            assert image.size == (640, 260)
            brightness[scheme] = ImageStat.Stat(image.convert("L")).mean[0]
        page.close()
    assert brightness["light"] > 200 > 60 > brightness["dark"]
