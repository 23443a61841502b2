"""Shared by the report tests: fetching a report of the demo data once per process, reading a
PDF's text, finding the hour figures of a document, and a local TCP server that records every
connection (to prove that rendering never reaches the network)."""

import io
import re
import socket
import threading
from dataclasses import dataclass
from html.parser import HTMLParser

from pypdf import PdfReader

REPORTS = "/api/v1/rapports"

# The demo rows each report test draws: formation 1, a personne with attributions and
# interventions (Camille Petit), projet 1.
DEMO_ROWS = {"formation": 1, "personne": 4, "projet": 1}
READ_PATHS = {"formation": "/api/v1/formations", "personne": "/api/v1/personnes"}
READ_PATHS["projet"] = "/api/v1/projets"


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]
    content: bytes


_demo_reports: dict[tuple[str, int, str], Fetched] = {}


def demo_report(client, kind: str, row_id: int, fmt: str = "pdf") -> Fetched:
    """GET the report of an unchanged demo row, once per process: the demo data set is restored
    before every test, so its reports are the same bytes whichever test asks first (bar the
    "généré le" minute, which no test compares)."""
    key = (kind, row_id, fmt)
    if key not in _demo_reports:
        response = client.get(f"{REPORTS}/{kind}/{row_id}", {"format": fmt})
        assert response.status_code == 200, response.content[:500]
        _demo_reports[key] = Fetched(
            response.status_code, dict(response.headers.items()), response.content
        )
    return _demo_reports[key]


def pdf_reader(content: bytes) -> PdfReader:
    assert content.startswith(b"%PDF-"), content[:40]
    return PdfReader(io.BytesIO(content))


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pdf_reader(content).pages]


def spaces(text: str) -> str:
    """The narrow and normal no-break spaces of French numbers as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def squeeze(text: str) -> str:
    """Text without any whitespace: pypdf sometimes splits a kerned word ("T otal")."""
    return re.sub(r"\s+", "", text)


# "427 h", "1 177,5 h", "-20,5 h", "+6 h" once the no-break spaces are plain ones.
HOUR_FIGURE = re.compile(r"(?<![\d,.])[-+]?\d{1,3}(?: \d{3})*(?:,\d+)? h(?![\w'])")


def hour_figures(text: str) -> set[str]:
    return set(HOUR_FIGURE.findall(spaces(text)))


HIDDEN = ("style", "script", "title", "desc")


class _VisibleText(HTMLParser):
    """The text an HTML document shows (not <style>, <script>, nor the <title> and <desc> of
    SVG elements, which are tooltips), one chunk a line; and every element with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in HIDDEN:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def html_parse(body: str) -> _VisibleText:
    parser = _VisibleText()
    parser.feed(body)
    parser.close()
    return parser


def html_text(body: str) -> str:
    return "\n".join(html_parse(body).chunks)


class RecordingServer:
    """A real TCP server on 127.0.0.1 that accepts and records every connection (and answers
    an empty HTTP 200), in a daemon thread."""

    def __init__(self) -> None:
        self.connections: list[tuple[str, int]] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.port: int = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, address = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(address)
            with connection:
                connection.settimeout(0.5)
                try:
                    connection.recv(4096)
                    connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def __enter__(self) -> "RecordingServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()

    def probe(self) -> None:
        """Connect once ourselves: proves the server really records connections."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
            probe.sendall(b"GET /probe HTTP/1.0\r\n\r\n")
            probe.recv(100)
