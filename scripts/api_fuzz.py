"""`make api-fuzz`: schemathesis against the live service, every operation, `--checks all`.

Starts the service as `make run` does, but in demo mode (no BASEROW_URL / DOCMOST_URL: the
in-process Baserow and Docmost seeded with the demo data) on PostgreSQL and Redis, on a fresh
database of its own, with a token holding every scope; then runs schemathesis on the schema the
service serves, with a fixed seed and a bounded number of examples per operation so that a run is
reproducible and takes about a minute on two cores. It exits with schemathesis's exit code.

Writes change the demo data: each run starts a new process (the demo Baserow lives in memory) on a
new database, so runs do not depend on each other.

The webhook receivers (/api/webhooks/...) are left out: they authenticate with a per-kind shared
secret or a Standard Webhooks signature, not a bearer token, so generated requests could only
test the refusal; tests/sync covers their hostile inputs.

Environment: DATABASE_URL and REDIS_URL (scripts/with-services.sh sets them); the run uses the
database `<name>_api_fuzz` beside DATABASE_URL's (dropped and created again) and the Redis
database API_FUZZ_REDIS_DB (default 8, flushed). API_FUZZ_MAX_EXAMPLES (default 10),
API_FUZZ_SEED (default 20261122), API_FUZZ_WORKERS (default 2), API_FUZZ_PORT (default: a free
one). Arguments are passed on to `schemathesis run` (e.g. `--include-path-regex personnes`).
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
# `admin:*` grants every scope (tokens/scopes.py); there is no `write:*` or `action:*`.
SCOPE = "admin:*"
# Not fuzzed here: authenticated by shared secret or signature, see the module docstring.
EXCLUDED_PATH_REGEX = "^/api/webhooks/"
# Demo mode: no real Baserow or Docmost, tasks run inline (no broker).
NOT_INHERITED = ("BASEROW_URL", "DOCMOST_URL", "CELERY_BROKER_URL")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fresh_database(base_url: str) -> str:
    """Drop and create `<name>_api_fuzz` beside DATABASE_URL's database; return its URL."""
    prefix, name = base_url.rsplit("/", 1)
    fuzz_name = f"{name.split('?', 1)[0]}_api_fuzz"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(fuzz_name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(fuzz_name)))
    return f"{prefix}/{fuzz_name}"


def fresh_redis(base_url: str) -> str:
    """REDIS_URL on database API_FUZZ_REDIS_DB, emptied."""
    url = f"{base_url.rsplit('/', 1)[0]}/{int(os.environ.get('API_FUZZ_REDIS_DB', '8'))}"
    redis.Redis.from_url(url).flushdb()
    return url


def server_env(port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.django.base",
            "DOTENV_FILE": "",
            "DEBUG": "false",
            "SECRET_KEY": "api-fuzz-secret-key",
            "TOKEN_PEPPER": "api-fuzz-token-pepper",
            "DATABASE_URL": fresh_database(os.environ["DATABASE_URL"]),
            "REDIS_URL": fresh_redis(os.environ["REDIS_URL"]),
            # The limiter would answer 429 to most generated requests after the first minute's
            # budget; 429 stays documented, the fuzzing is about everything else.
            "RATE_LIMIT_ENABLE": "false",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def prepare(env: dict[str, str]) -> str:
    """Migrate the fresh database and create the token, in this process (one Django start-up
    fewer than `manage.py migrate` and `manage.py tokens create`); return the token."""
    for key in NOT_INHERITED:
        os.environ.pop(key, None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from tokens.services import token_create

    call_command("migrate", interactive=False, verbosity=0)
    return token_create(name="api-fuzz", scopes=[SCOPE], created_by="api-fuzz").plaintext


def wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("api-fuzz: the service did not answer /api/health in time")


def schemathesis_command(base: str, token: str, extra: list[str]) -> list[str]:
    return [
        str(VENV_BIN / "schemathesis"),
        "--config-file",
        str(ROOT / "scripts" / "schemathesis.toml"),
        "run",
        f"{base}/api/schema/",
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {token}",
        "--exclude-path-regex",
        EXCLUDED_PATH_REGEX,
        "--max-examples",
        os.environ.get("API_FUZZ_MAX_EXAMPLES", "10"),
        "--seed",
        os.environ.get("API_FUZZ_SEED", "20261122"),
        "--workers",
        os.environ.get("API_FUZZ_WORKERS", "2"),
        # Nothing kept between runs: the same seed gives the same run.
        "--generation-database",
        "none",
        "--request-timeout",
        "20",
        "--no-color",
        *extra,
    ]


def main() -> int:
    started = time.monotonic()
    port = int(os.environ.get("API_FUZZ_PORT") or free_port())
    base = f"http://127.0.0.1:{port}"
    env = server_env(port)
    token = prepare(env)
    log = Path(tempfile.gettempdir()) / f"api-fuzz-gunicorn-{port}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_up(base, server, 60)
            ready = time.monotonic() - started
            print(f"api-fuzz: service ready on {base} after {ready:.0f} s", file=sys.stderr)
            code = subprocess.run(
                schemathesis_command(base, token, sys.argv[1:]), cwd=ROOT, check=False
            ).returncode
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
    print(f"api-fuzz: {time.monotonic() - started:.0f} s, server log {log}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
