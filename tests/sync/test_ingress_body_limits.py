"""Body limits per route, with the real defaults, and chunked bodies (issue 9, point 2).

Django's test client always sends a Content-Length, so chunked bodies are sent to a real
gunicorn (the production server, configured by gunicorn.conf.py) over a Unix socket.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from config.env import BASE_DIR
from sync.models import WebhookEvent
from tests.sync.conftest import SECRET

MIB = 1024 * 1024
URL = "/api/webhooks/baserow/projet-changed/"


@pytest.fixture(autouse=True)
def _documented_defaults():
    """These tests are about the real limits: fail loudly if the environment changed them."""
    assert django_settings.BRIDGE_WEBHOOK_MAX_BODY_BYTES == 5 * MIB
    assert django_settings.BRIDGE_MAX_BODY_BYTES == 1 * MIB


def batch_of_size(baserow, size: int) -> bytes:
    """A rows.created event of 200 rows (Baserow's batch maximum) weighing about `size` bytes."""
    filler = "x" * (size // 200)
    items = [{"id": n, "order": f"{n}.00000000000000000000", "nom": filler} for n in range(1, 201)]
    event = {"event_type": "rows.created", "table_id": baserow.table("projet"), "items": items}
    return json.dumps(baserow.delivery(event)).encode()


def schema_event_of_size(baserow, size: int) -> bytes:
    """A field.created event of about `size` bytes: stored as ignored, so nothing processes it."""
    event = {"event_type": "field.created", "table_id": 1, "field": {"description": "x" * size}}
    return json.dumps(baserow.delivery(event)).encode()


@pytest.mark.django_db
def test_a_3_mb_batch_is_accepted_with_the_default_limits(baserow):
    body = batch_of_size(baserow, 3_000_000)
    assert len(body) > 3_000_000

    response = baserow.post("projet-changed", None, raw=body)

    assert response.status_code == 200
    assert response.json()["data"]["status"] == "accepted"
    assert len(WebhookEvent.objects.get().payload["items"]) == 200


@pytest.mark.django_db
def test_a_6_mb_batch_is_413_and_nothing_is_stored(baserow):
    response = baserow.post("projet-changed", None, raw=batch_of_size(baserow, 6_000_000))

    assert response.status_code == 413
    assert response.json()["error"]["details"] == {"max_bytes": 5 * MIB}
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_the_api_keeps_its_1_mib_limit(client_for):
    response = client_for("write:attributions").post(
        "/api/test/echo", data="x" * (MIB + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["details"] == {"max_bytes": MIB}


@pytest.mark.parametrize("declared", ["²", "١٢", "-1", "1e3", "9" * 5000])
def test_a_content_length_that_is_not_ascii_digits_is_400(api_client, declared):
    response = api_client.generic("POST", URL, b"{}", CONTENT_LENGTH=declared)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.django_db
def test_a_chunked_body_on_a_server_that_does_not_decode_it_is_411_not_dropped(baserow):
    response = baserow.api.generic(
        "POST",
        URL,
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        HTTP_X_BRIDGE_WEBHOOK_SECRET=SECRET,
    )
    assert response.status_code == 411
    assert response.json()["error"]["code"] == "LENGTH_REQUIRED"
    assert not WebhookEvent.objects.exists()


# -- chunked bodies under gunicorn ----------------------------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def gunicorn(transactional_db, tmp_path: Path) -> Iterator[Path]:
    """A real gunicorn serving the bridge on the test database; yields its Unix socket."""
    # AF_UNIX paths are limited to ~100 bytes, which a deep pytest tmp_path can exceed.
    sock = Path(tempfile.mkdtemp(prefix="brg-")) / "gunicorn.sock"
    env = {
        **os.environ,
        "DOTENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "config.django.test",
        "DATABASE_URL": _database_url(),
        "BASEROW_WEBHOOK_SECRETS": SECRET,
        "GUNICORN_BIND": f"unix:{sock}",
        "GUNICORN_WORKERS": "1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while not sock.exists():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield sock
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        server.wait(timeout=20)
        shutil.rmtree(sock.parent, ignore_errors=True)
        connection.close()


def post_chunked(sock: Path, body: bytes, chunk: int = 256 * 1024) -> tuple[int, dict]:
    """POST `body` with Transfer-Encoding: chunked and no Content-Length; (status, JSON)."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(str(sock))
    head = (
        f"POST {URL} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Transfer-Encoding: chunked\r\nX-Bridge-Webhook-Secret: {SECRET}\r\n\r\n"
    )
    try:
        client.sendall(head.encode())
        for start in range(0, len(body), chunk):
            part = body[start : start + chunk]
            client.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        client.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered before reading everything (a 413): read that answer
    response = http.client.HTTPResponse(client)
    response.begin()
    data = json.loads(response.read())
    client.close()
    return response.status, data


def test_a_chunked_delivery_under_gunicorn_is_read_whole_and_stored(gunicorn, baserow):
    body = schema_event_of_size(baserow, 2_000_000)

    status, data = post_chunked(gunicorn, body)

    assert status == 200, data
    assert data["data"]["status"] == "ignored"
    stored = WebhookEvent.objects.get(pk=data["data"]["inbox_id"])
    assert stored.payload == json.loads(body)  # not an empty body quarantined as "not JSON"


def test_a_chunked_body_over_the_limit_under_gunicorn_is_413(gunicorn, baserow):
    status, data = post_chunked(gunicorn, schema_event_of_size(baserow, 6_000_000))

    assert status == 413
    assert data["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert not WebhookEvent.objects.exists()
