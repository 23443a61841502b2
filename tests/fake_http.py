"""Serve an in-process fake (Baserow, Docmost) over real HTTP on 127.0.0.1, so a `manage.py`
subprocess can be run against it exactly as an operator runs it."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from integrations.fakes.transport import Fake


@contextmanager
def serve_fake(fake: Fake) -> Iterator[str]:
    """Yields the base URL; the fake's `base_url` is set to it while serving."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            status, headers, content = fake.handle(
                self.command, fake.base_url + self.path, self.headers, body
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    previous = fake.base_url
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake.base_url
    finally:
        server.shutdown()
        server.server_close()
        fake.base_url = previous
