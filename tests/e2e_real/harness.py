"""What `make e2e-real` drives: the real Baserow and Docmost, and the bridge's own processes.

- `RealBaserow`: the admin's JWT (one login per 9 minutes) for what only a JWT may do (a database
  of the run's own and its database token, deleted at the end, trash emptied), and the database
  token for rows, exactly as a person's edits reach Baserow's REST API.
- `DocmostProxy`: the bridge's processes reach the real Docmost through this forwarding proxy on
  127.0.0.1, which (1) sends their calls with an `X-Forwarded-For` address of the run's own, so
  their login never spends the login budget Docmost keeps per client address for everyone on
  this machine, (2) records each call (path and body), so the test sees every page the bridge
  creates or updates, and (3) can hold the answer to one page creation (the page is created in
  Docmost first), so a worker can be killed while it is inside its event.
- `BridgeProcesses`: `manage.py` commands, gunicorn, a Celery worker and beat, each in its own
  process group with its log file, on the run's PostgreSQL database and Redis databases.
- `Inbox`: the bridge's database read directly (inbox events, links, alerts).
"""

import contextlib
import email
import email.policy
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REQUIRED = (
    "REAL_BASEROW_URL",
    "REAL_BASEROW_ADMIN_EMAIL",
    "REAL_BASEROW_ADMIN_PASSWORD",
    "REAL_BASEROW_WORKSPACE_ID",
    "REAL_DOCMOST_URL",
    "REAL_DOCMOST_EMAIL",
    "REAL_DOCMOST_PASSWORD",
)
# Database 1 of the machine's real Baserow belongs to another engineer's walkthrough.
FORBIDDEN_DATABASE_IDS = frozenset({1})

TIMINGS: list[tuple[str, float]] = []  # (step, seconds), printed at the end of the run


def timed(step: str, seconds: float) -> float:
    TIMINGS.append((step, seconds))
    return seconds


def wait_until(check: Callable[[], Any], *, timeout: float, what: str, step: float = 0.25) -> Any:
    """`check()`'s first truthy value, polled every `step` s; AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


def forwarded_for() -> str:
    """A client address of this run's own (Docmost keys its login throttle by it)."""
    return "10." + ".".join(str(secrets.randbelow(254) + 1) for _ in range(3))


# -- Baserow --------------------------------------------------------------------------------------


class RealBaserow:
    def __init__(self, *, url: str, email: str, password: str, workspace_id: int) -> None:
        self.url = url.rstrip("/")
        self.email, self.password, self.workspace_id = email, password, workspace_id
        self.http = requests.Session()
        self.token = ""  # the run's database token
        self.mapping: dict[str, Any] = {}
        self._jwt: tuple[str, float] = ("", 0.0)
        self._fields: dict[str, dict[str, Any]] = {}

    def _auth(self) -> dict[str, str]:
        token, expires = self._jwt
        if not token or time.monotonic() > expires:
            response = self.http.post(
                f"{self.url}/api/user/token-auth/",
                json={"email": self.email, "password": self.password},
                timeout=15,
            )
            response.raise_for_status()
            token = response.json()["access_token"]
            self._jwt = (token, time.monotonic() + 540)
        return {"Authorization": f"JWT {token}"}

    def _jwt_call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(
            method, f"{self.url}{path}", headers=self._auth(), timeout=60, **kwargs
        )
        if response.status_code >= 400:
            raise AssertionError(f"Baserow {method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def database_create(self, name: str) -> int:
        """An empty database (no example table) in the workspace."""
        created = self._jwt_call(
            "POST",
            f"/api/applications/workspace/{self.workspace_id}/",
            json={"type": "database", "name": name},
        )
        database_id = int(created["id"])
        assert database_id not in FORBIDDEN_DATABASE_IDS
        tables = self._jwt_call("GET", f"/api/database/tables/database/{database_id}/")
        assert tables == [], f"database {database_id} is not empty: {tables}"
        return database_id

    def database_delete(self, database_id: int) -> None:
        """Deleted, then its trash entry emptied (nothing of the run stays in Baserow)."""
        if database_id in FORBIDDEN_DATABASE_IDS:
            raise AssertionError(f"refusing to delete database {database_id}")
        self._jwt_call("DELETE", f"/api/applications/{database_id}/")
        self._jwt_call(
            "DELETE",
            f"/api/trash/workspace/{self.workspace_id}/",
            params={"application_id": database_id},
        )

    def token_create(self, name: str, database_id: int) -> int:
        """A database token with every permission on this database only."""
        created = self._jwt_call(
            "POST", "/api/database/tokens/", json={"name": name, "workspace": self.workspace_id}
        )
        only = [["database", database_id]]
        self._jwt_call(
            "PATCH",
            f"/api/database/tokens/{created['id']}/",
            json={"permissions": dict.fromkeys(("create", "read", "update", "delete"), only)},
        )
        self.token = created["key"]
        return int(created["id"])

    def token_delete(self, token_id: int) -> None:
        self._jwt_call("DELETE", f"/api/database/tokens/{token_id}/")

    # -- rows, with the database token (as a person's edits and integrations reach Baserow) ----

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(
            method,
            f"{self.url}{path}",
            headers={"Authorization": f"Token {self.token}"},
            timeout=30,
            **kwargs,
        )
        if response.status_code >= 400:
            raise AssertionError(f"Baserow {method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def table_id(self, entity: str) -> int:
        return int(self.mapping[entity]["table_id"])

    def _values(self, entity: str, values: dict[str, Any]) -> dict[str, Any]:
        """Bridge field names → Baserow's; a select given by its value is sent by its id."""
        fields = self._fields.get(entity)
        if fields is None:
            listed = self._call("GET", f"/api/database/fields/table/{self.table_id(entity)}/")
            fields = self._fields[entity] = {f["name"]: f for f in listed}
        names = self.mapping[entity].get("fields", {})
        sent = {}
        for logical, value in values.items():
            name = names.get(logical, logical)
            spec = fields[name]
            if spec["type"] == "single_select" and isinstance(value, str):
                value = next(o["id"] for o in spec["select_options"] if o["value"] == value)
            sent[name] = value
        return sent

    def row_create(self, entity: str, **values: Any) -> dict[str, Any]:
        return dict(
            self._call(
                "POST",
                f"/api/database/rows/table/{self.table_id(entity)}/",
                params={"user_field_names": "true"},
                json=self._values(entity, values),
            )
        )

    def row_update(self, entity: str, row_id: int, **values: Any) -> dict[str, Any]:
        return dict(
            self._call(
                "PATCH",
                f"/api/database/rows/table/{self.table_id(entity)}/{row_id}/",
                params={"user_field_names": "true"},
                json=self._values(entity, values),
            )
        )

    def row_get(self, entity: str, row_id: int) -> dict[str, Any]:
        return dict(
            self._call(
                "GET",
                f"/api/database/rows/table/{self.table_id(entity)}/{row_id}/",
                params={"user_field_names": "true"},
            )
        )

    def rows(self, entity: str) -> list[dict[str, Any]]:
        listed = self._call(
            "GET",
            f"/api/database/rows/table/{self.table_id(entity)}/",
            params={"user_field_names": "true", "size": 200},
        )
        return list(listed["results"])


# -- Docmost --------------------------------------------------------------------------------------


@dataclass
class ProxiedCall:
    path: str
    body: Any
    status: int
    at: float


class DocmostProxy:
    """Forwards every request to `target` (see the module docstring)."""

    HOP_BY_HOP = frozenset(
        {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}
    )

    def __init__(self, target: str, *, client_address: str) -> None:
        self.target = target.rstrip("/")
        self.calls: list[ProxiedCall] = []
        self.hold_title: str | None = None  # the answer to this page's creation is held
        self.held = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        upstream = requests.Session()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {
                    name: value
                    for name, value in self.headers.items()
                    if name.lower() not in proxy.HOP_BY_HOP | {"host", "x-forwarded-for"}
                }
                headers["X-Forwarded-For"] = client_address
                answer = upstream.request(
                    self.command,
                    proxy.target + self.path,
                    data=raw or None,
                    headers=headers,
                    allow_redirects=False,
                    timeout=60,
                )
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                with proxy._lock:
                    proxy.calls.append(
                        ProxiedCall(self.path, body, answer.status_code, time.monotonic())
                    )
                title = body.get("title") if isinstance(body, dict) else None
                if (
                    self.path == "/api/pages/create"
                    and proxy.hold_title is not None
                    and title == proxy.hold_title
                ):
                    proxy.held.set()  # created in Docmost; its creator hears nothing yet
                    proxy.release.wait(120)
                self.send_response(answer.status_code)
                for name, value in answer.raw.headers.items():
                    if name.lower() not in proxy.HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                with contextlib.suppress(OSError):  # a killed client hung up
                    self.wfile.write(answer.content)

            do_GET = do_POST = _forward

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> "DocmostProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def dump(self, path: Path) -> None:
        """Every call, one JSON line each (path, status, request body but passwords)."""
        with self._lock, path.open("w") as out:
            for call in self.calls:
                body = call.body
                if isinstance(body, dict) and "password" in body:
                    body = {**body, "password": "[redacted]"}
                out.write(json.dumps({"path": call.path, "status": call.status, "body": body}))
                out.write("\n")

    def page_writes(self, page_id: str) -> list[ProxiedCall]:
        """The bridge's `pages/update` calls for this page."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.path == "/api/pages/update"
                and isinstance(c.body, dict)
                and c.body.get("pageId") == page_id
            ]

    def creations(self, title: str) -> list[ProxiedCall]:
        with self._lock:
            return [
                c
                for c in self.calls
                if c.path == "/api/pages/create"
                and isinstance(c.body, dict)
                and c.body.get("title") == title
            ]


# -- the bridge's processes -----------------------------------------------------------------------


@dataclass
class BridgeProcesses:
    env: dict[str, str]
    workdir: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: list[Any] = field(default_factory=list)

    def manage(self, *args: str, timeout: float = 600) -> str:
        """`manage.py …` as an operator runs it; its stdout (AssertionError with its output)."""
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        with (self.workdir / "manage.log").open("a") as log:
            log.write(f"$ manage.py {' '.join(args)}\n{result.stdout}{result.stderr}\n")
        if result.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def start(self, name: str, *argv: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        self._logs.append(log)
        process = subprocess.Popen(
            [str(BIN / argv[0]), *argv[1:]],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped (or killed) whole
        )
        self.running[name] = process
        return process

    def start_web(self, port: int) -> None:
        self.start(
            "web", "gunicorn", "-c", "gunicorn.conf.py", f"--bind=127.0.0.1:{port}", "config.wsgi"
        )

    def start_worker(self, name: str = "worker") -> None:
        # As `make worker`, with two prefork children.
        self.start(name, "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2")

    def start_beat(self) -> None:
        self.start("beat", "celery", "-A", "config", "beat", "--loglevel=INFO")

    def kill(self, name: str) -> None:
        """SIGKILL to the whole process group (a worker and its children die at once)."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop(self, name: str) -> None:
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)
        for log in self._logs:
            log.close()

    def check_alive(self) -> None:
        dead = {n: p.returncode for n, p in self.running.items() if p.poll() is not None}
        assert not dead, f"bridge processes exited: {dead}; logs in {self.workdir}"

    def wait_log(self, name: str, text: str, *, timeout: float = 60) -> None:
        """Until the process's log says `text` (a worker's "ready."), failing if it exits."""
        path = self.workdir / f"{name}.log"

        def said() -> bool:
            self.check_alive()
            return text in path.read_text(errors="replace")

        wait_until(said, timeout=timeout, what=f"{name} to log {text!r}", step=0.2)

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Inbox:
    """The bridge's database, read directly (autocommit: each query sees the latest commits)."""

    def __init__(self, url: str) -> None:
        self.db = psycopg.connect(url, autocommit=True)

    def _rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.db.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def events(self) -> list[dict[str, Any]]:
        rows = self._rows(
            "select id, kind, event_type, status, attempts, outcome, payload "
            "from sync_webhookevent order by id"
        )
        keys = ("id", "kind", "event_type", "status", "attempts", "outcome", "payload")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def events_about(self, kind: str, row_id: int) -> list[dict[str, Any]]:
        """Events of `kind` whose payload names the row."""

        def names(payload: dict[str, Any]) -> bool:
            items = payload.get("items") or []
            return any(i.get("id") == row_id for i in items if isinstance(i, dict)) or (
                row_id in (payload.get("row_ids") or [])
            )

        return [e for e in self.events() if e["kind"] == kind and names(e["payload"])]

    def idle(self) -> bool:
        """No event waiting or being processed."""
        return not self._rows(
            "select 1 from sync_webhookevent where status in ('pending', 'processing') limit 1"
        )

    def link(self, entity: str, row_id: int) -> dict[str, Any] | None:
        rows = self._rows(
            "select docmost_page_id, state from sync_entitylink where entity = %s and row_id = %s",
            entity,
            row_id,
        )
        return {"docmost_page_id": rows[0][0], "state": rows[0][1]} if rows else None

    def links(self, entity: str) -> list[tuple[int, str]]:
        return [
            (int(r[0]), str(r[1]))
            for r in self._rows(
                "select row_id, docmost_page_id from sync_entitylink where entity = %s", entity
            )
        ]

    def alerts(self, kind: str) -> list[tuple[str, int, str]]:
        return [
            (str(r[0]), int(r[1] or 0), str(r[2]))
            for r in self._rows(
                "select entity, entity_id, message from sync_alert where kind = %s", kind
            )
        ]

    def close(self) -> None:
        self.db.close()


def mails(directory: Path) -> list[email.message.EmailMessage]:
    """Every message Django's file backend wrote (a file per connection, messages separated by a
    line of 79 dashes)."""
    found = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk.lstrip(), policy=email.policy.default)
                found.append(message)
    return found


def recreate_database(url: str) -> None:
    """Drop and create the database `url` names (it must say `e2e`: it is emptied)."""
    name = url.rsplit("/", 1)[-1].split("?")[0]
    if "e2e" not in name or not name.replace("_", "").isalnum():
        raise AssertionError(
            f"E2E_DATABASE_URL names database {name!r}: it is dropped and recreated on every "
            "run, so its name must contain 'e2e'."
        )
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'drop database if exists "{name}" with (force)')
        db.execute(f'create database "{name}"')


def redis_db_flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def redis_prefix_delete(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()


def http_ready(url: str, *, timeout: float, processes: BridgeProcesses) -> None:
    def up() -> bool:
        processes.check_alive()
        try:
            return requests.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_until(up, timeout=timeout, what=url, step=0.2)


def unescaped(markdown: str) -> str:
    """Docmost's Markdown with its backslash escapes dropped (`en\\_cours` → `en_cours`)."""
    return markdown.replace("\\", "")


def lines_of(text: str) -> Iterator[str]:
    return (line.strip() for line in text.splitlines())
