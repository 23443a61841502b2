"""What a contract scenario talks to: a Baserow or a Docmost (fake or real), a webhook receiver."""

import contextlib
import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import requests

from integrations.baserow.client import BaserowClient
from integrations.baserow.connection import client_for_fake
from integrations.docmost.client import DocmostClient, DocmostError
from integrations.docmost.connection import connect_fake
from integrations.fakes.baserow.fake import FakeBaserow, http_webhook_sender
from integrations.fakes.docmost.fake import FakeDocmost
from integrations.fakes.transport import fake_session

BASEROW_VARS = (
    "REAL_BASEROW_URL",
    "REAL_BASEROW_ADMIN_EMAIL",
    "REAL_BASEROW_ADMIN_PASSWORD",
    "REAL_BASEROW_WORKSPACE_ID",
    "REAL_BASEROW_DATABASE_ID",
    "REAL_BASEROW_DB_TOKEN",
)
DOCMOST_VARS = ("REAL_DOCMOST_URL", "REAL_DOCMOST_EMAIL", "REAL_DOCMOST_PASSWORD")


def unique(prefix: str = "c") -> str:
    return f"{prefix}{secrets.token_hex(4)}"


def forwarded_for() -> str:
    """A client address of this run's own (Docmost keys its login throttle by it)."""
    return "10." + ".".join(str(secrets.randbelow(254) + 1) for _ in range(3))


def wait_until(check: Callable[[], Any], *, timeout: float, step: float = 0.2) -> Any:
    """`check()`'s first truthy value, polled until `timeout` seconds (then the last value)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


# -- Baserow -------------------------------------------------------------------------------------


@dataclass
class BaserowTarget:
    kind: str  # "fake" or "real"
    base_url: str
    database_id: int
    workspace_id: int
    database_token: str
    email: str
    password: str
    client: BaserowClient
    http: requests.Session
    fake: FakeBaserow | None = None
    prefix: str = "c"
    _tables: list[int] = field(default_factory=list)
    _jwt: tuple[str, float] = ("", 0.0)

    def url(self, path: str) -> str:
        return self.base_url + path

    def jwt(self) -> str:
        """`JWT <access token>` of the admin, logged in once per 9 minutes."""
        token, expires = self._jwt
        if not token or time.monotonic() > expires:
            response = self.http.post(
                self.url("/api/user/token-auth/"),
                json={"email": self.email, "password": self.password},
                timeout=15,
            )
            response.raise_for_status()
            token = response.json()["access_token"]
            self._jwt = (token, time.monotonic() + 540)
        return f"JWT {token}"

    def token(self) -> str:
        return f"Token {self.database_token}"

    def name(self, what: str) -> str:
        return f"{self.prefix} {what} {secrets.token_hex(3)}"

    def table(self, what: str, fields: list[dict[str, Any]], primary: str = "nom") -> "Table":
        """A new table (primary text field `primary`) with `fields`, as the bootstrap makes it."""
        created = self.client.create_table(self.database_id, self.name(what), primary)
        self.adopt(created["id"])
        for spec in fields:
            self.client.create_field(created["id"], spec)
        return Table(self, created["id"], created["name"])

    def adopt(self, table_id: int) -> None:
        """Delete this table at the end of the scenario."""
        self._tables.append(table_id)

    def cleanup(self) -> None:
        if self.fake is not None:
            return
        while self._tables:
            table_id = self._tables.pop()
            self.http.delete(
                self.url(f"/api/database/tables/{table_id}/"),
                headers={"Authorization": self.jwt()},
                timeout=15,
            )

    def close(self) -> None:
        self.cleanup()
        self.http.close()
        self.client.session.close()


@dataclass
class Table:
    target: BaserowTarget
    id: int
    name: str

    def fields(self) -> dict[str, dict[str, Any]]:
        return {f["name"]: f for f in self.target.client.list_fields(self.id)}

    def option_id(self, field_name: str, value: str) -> int:
        options = self.fields()[field_name]["select_options"]
        return int(next(o["id"] for o in options if o["value"] == value))

    def rows(self, **params: Any) -> requests.Response:
        """GET the rows over the wire (user field names), with `params` as given."""
        return self.target.http.get(
            self.target.url(f"/api/database/rows/table/{self.id}/"),
            params={"user_field_names": "true", **params},
            headers={"Authorization": self.target.token()},
            timeout=15,
        )


def fake_baserow_target() -> BaserowTarget:
    fake = FakeBaserow()
    fake.webhook_sender = http_webhook_sender
    fake.webhooks_allow_private_address = True  # as the real instance here is configured
    return BaserowTarget(
        kind="fake",
        base_url=fake.base_url,
        database_id=fake.database_id,
        workspace_id=fake.workspace_id,
        database_token=fake.database_token,
        email=fake.email,
        password=fake.password,
        client=client_for_fake(fake),
        http=fake_session(fake),
        fake=fake,
    )


def real_baserow_target(*, prefix: str) -> BaserowTarget:
    env = os.environ
    client = BaserowClient(
        base_url=env["REAL_BASEROW_URL"],
        database_token=env["REAL_BASEROW_DB_TOKEN"],
        email=env["REAL_BASEROW_ADMIN_EMAIL"],
        password=env["REAL_BASEROW_ADMIN_PASSWORD"],
    )
    return BaserowTarget(
        kind="real",
        base_url=env["REAL_BASEROW_URL"].rstrip("/"),
        database_id=int(env["REAL_BASEROW_DATABASE_ID"]),
        workspace_id=int(env["REAL_BASEROW_WORKSPACE_ID"]),
        database_token=env["REAL_BASEROW_DB_TOKEN"],
        email=env["REAL_BASEROW_ADMIN_EMAIL"],
        password=env["REAL_BASEROW_ADMIN_PASSWORD"],
        client=client,
        http=requests.Session(),
        prefix=prefix,
    )


# -- the webhook receiver ------------------------------------------------------------------------


@dataclass
class Delivery:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float


class Receiver:
    """An HTTP server on 127.0.0.1 that records every call and answers the statuses it is told
    (`answer(500, 500)`: the next two calls get 500; then `default`)."""

    def __init__(self, port: int = 0, default: int = 200, max_wait: float | None = None) -> None:
        self.deliveries: list[Delivery] = []
        self.max_wait = max_wait  # the fake delivers during the write: no reason to wait long
        self.default = default
        self._script: list[int] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                with receiver._lock:
                    status = 200  # a late call meant for an earlier scenario is ignored
                    if self.path == receiver.path:
                        delivery = Delivery(
                            self.command, self.path, dict(self.headers), body, time.monotonic()
                        )
                        receiver.deliveries.append(delivery)
                        status = receiver._script.pop(0) if receiver._script else receiver.default
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.path = f"/hook/{secrets.token_hex(4)}"
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{self.path}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def answer(self, *statuses: int) -> None:
        with self._lock:
            self._script.extend(statuses)

    def wait_for(self, count: int, *, timeout: float = 20.0) -> list[Delivery]:
        if self.max_wait is not None:
            timeout = min(timeout, self.max_wait)
        wait_until(lambda: len(self.deliveries) >= count, timeout=timeout, step=0.05)
        return list(self.deliveries)

    def __enter__(self) -> "Receiver":
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


# -- Docmost -------------------------------------------------------------------------------------


@dataclass
class DocmostTarget:
    kind: str
    base_url: str
    email: str
    password: str
    client: DocmostClient
    http: requests.Session
    fake: FakeDocmost | None = None
    prefix: str = "c"
    forwarded_for: str = ""
    _spaces: list[str] = field(default_factory=list)
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        data: bytes | None = None,
    ) -> requests.Response:
        """A raw call: `body` as JSON, or `data` as given (with a JSON content type)."""
        sent = {"Accept": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if data is not None:
            sent.setdefault("Content-Type", "application/json")
            return self.http.post(self.url(path), data=data, headers=sent, timeout=15)
        return self.http.post(self.url(path), json=body, headers=sent, timeout=15)

    def login(
        self, email: str | None = None, password: str | None = None, *, client_address: str = ""
    ) -> requests.Response:
        """A raw login, counted against `client_address` (default: this target's own)."""
        return self.post(
            "/api/auth/login",
            {"email": email or self.email, "password": password or self.password},
            headers={"X-Forwarded-For": client_address or self.forwarded_for},
        )

    def token(self) -> str:
        """The session token the bridge's client uses (it logs in once, then reuses it)."""
        self.client.check()
        token = self.client._tokens.get()
        assert token
        return token

    def name(self) -> str:
        return f"{self.prefix}{secrets.token_hex(3)}"

    def space(self) -> dict[str, Any]:
        """A new space of the service user (admin in it), deleted at the end."""
        slug = self.name()
        space = self.client.create_space(name=f"Contract {slug}", slug=slug)
        self._spaces.append(space["id"])
        return space

    def on_cleanup(self, action: Callable[[], None]) -> None:
        self._cleanups.append(action)

    def cleanup(self) -> None:
        if self.fake is not None:
            return
        while self._cleanups:
            with contextlib.suppress(DocmostError, requests.RequestException):
                self._cleanups.pop()()  # best effort: the next run's names differ anyway
        while self._spaces:
            self.post("/api/spaces/delete", {"spaceId": self._spaces.pop()}, token=self.token())

    def close(self) -> None:
        self.cleanup()
        self.http.close()
        self.client.session.close()


def fake_docmost_target() -> DocmostTarget:
    fake = FakeDocmost()
    connection = connect_fake(fake)
    return DocmostTarget(
        kind="fake",
        base_url=fake.base_url,
        email=fake.email,
        password=fake.password,
        client=connection.client,
        http=fake_session(fake),
        fake=fake,
        forwarded_for=forwarded_for(),
    )


def real_docmost_target(*, prefix: str) -> DocmostTarget:
    env = os.environ
    address = forwarded_for()
    client = DocmostClient(
        base_url=env["REAL_DOCMOST_URL"],
        email=env["REAL_DOCMOST_EMAIL"],
        password=env["REAL_DOCMOST_PASSWORD"],
    )
    client.session.headers["X-Forwarded-For"] = address
    http = requests.Session()
    http.headers["X-Forwarded-For"] = address
    return DocmostTarget(
        kind="real",
        base_url=env["REAL_DOCMOST_URL"].rstrip("/"),
        email=env["REAL_DOCMOST_EMAIL"],
        password=env["REAL_DOCMOST_PASSWORD"],
        client=client,
        http=http,
        prefix=prefix,
        forwarded_for=address,
    )
