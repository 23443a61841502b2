"""`make bench`: requests/s and latency of bridge endpoints under gunicorn, against the floor.

Runs gunicorn (2 workers, PostgreSQL + Redis as in production, Baserow = the in-process demo
with 250 personnes) and wrk on this machine, and prints each scenario's throughput, p50/p99 and
Baserow calls per request next to a bare DRF view's (the framework floor). Server and load
generator share the machine's cores, so compare ratios, not absolutes. The "cold" scenario runs
a second server with the representation cache off (CACHE_ENABLED=false): every request reads
Baserow.

Environment: DATABASE_URL and REDIS_URL (set by scripts/with-services.sh), BENCH_DURATION
(seconds per scenario, default 10), BENCH_CONNECTIONS (default 16), BENCH_WORKERS (default 2).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
BASE = f"http://127.0.0.1:{PORT}"
Scenarios = dict[str, tuple[str, dict[str, str]]]
WEBHOOK_SECRET = "bench-webhook-secret-0123456789abcdef"  # noqa: S105 - a local bench value
# What bench/webhook.lua reads: the secret and the demo's projet table id.
WRK_ENV = {**os.environ, "BENCH_WEBHOOK_SECRET": WEBHOOK_SECRET, "BENCH_PROJET_TABLE": "13"}


def bench_env() -> dict[str, str]:
    return {
        **os.environ,
        "DOTENV_FILE": "",
        "DEBUG": "false",
        "SECRET_KEY": "bench-secret-key",
        "TOKEN_PEPPER": "bench-token-pepper",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/bridge_bench",
        "REDIS_URL": os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/10",
        "BRIDGE_BENCH_FLOOR": "true",
        "RATE_LIMIT_READ": "100000000/m",  # measure the limiter's cost, never its refusals
        "RATE_LIMIT_WEBHOOK": "100000000/m",
        "LOG_LEVEL": "INFO",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "BASEROW_DEMO_PERSONNES": "250",
        "BASEROW_WEBHOOK_SECRETS": WEBHOOK_SECRET,
        # Webhook tasks go to a Redis broker nobody drains here: ingress alone is measured
        # (the end-to-end phase runs a worker).
        "CELERY_BROKER_URL": os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/13",
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def ensure_database(env: dict[str, str]) -> None:
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bridge_bench'").fetchone():
            conn.execute("CREATE DATABASE bridge_bench")
    manage(env, "migrate", "--noinput", "-v0")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if not found and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit("bench: wrk is needed (apt-get install wrk)")
    return found


def wait_until_up(deadline: float) -> None:
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{BASE}/api/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit("bench: gunicorn did not answer in time (see bench/results/*.log)")


def parse_latency(text: str, label: str) -> float:
    match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def baserow_calls(admin: dict[str, str]) -> float:
    """Baserow calls so far, summed from the bridge's own Prometheus counter."""
    request = urllib.request.Request(f"{BASE}/api/metrics", headers=admin)
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    samples = re.findall(r"^baserow_api_calls_total\{[^}]*\} ([\d.e+]+)$", text, re.M)
    return sum(float(value) for value in samples)


def run_wrk(
    wrk: str, path: str, headers: dict[str, str], admin: dict[str, str], script: str = ""
) -> dict[str, float]:
    command = [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency"]
    if script:  # a Lua script that builds each request (POST bodies)
        command += ["-s", str(ROOT / "bench" / script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    # Warm-up: connection pools, imports, first queries, each worker's demo Baserow.
    warmup = [arg if not arg.startswith("-d") else "-d3s" for arg in command]
    subprocess.run([*warmup, f"{BASE}{path}"], capture_output=True, check=True, env=WRK_ENV)
    before = baserow_calls(admin)
    output = subprocess.run(
        [*command, f"{BASE}{path}"], capture_output=True, text=True, check=True, env=WRK_ENV
    ).stdout
    calls = baserow_calls(admin) - before
    done = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50_ms": parse_latency(output, "50"),
        "p99_ms": parse_latency(output, "99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "baserow_calls_per_request": calls / done,
    }


def serve(
    env: dict[str, str], scenarios: Scenarios, wrk: str, admin: dict[str, str], log: Path
) -> dict[str, dict[str, float]]:
    """Start gunicorn with `env`, run each scenario against it, stop it."""
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_up(time.time() + 30)
            return {
                name: run_wrk(wrk, path, hdrs, admin, "webhook.lua" if "webhook" in name else "")
                for name, (path, hdrs) in scenarios.items()
            }
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def main() -> None:
    env = bench_env()
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    ensure_database(env)
    name = f"bench-{int(time.time())}"
    token = manage(env, "tokens", "create", "--name", name, "--scopes", "read:* admin:*")
    auth = {"Authorization": f"Bearer {token}"}
    card_url = urlsplit(manage(env, "card_url", "projet", "1"))
    card = f"{card_url.path}?{card_url.query}"  # a signed card URL: no token

    warm: Scenarios = {
        "floor: bare DRF view": ("/api/_bench/floor", {}),
        "GET /api/v1/tokens/me": ("/api/v1/tokens/me", auth),
        "GET personne (warm)": ("/api/v1/personnes/1", auth),
        "GET personnes, page of 200": ("/api/v1/personnes?per_page=200", auth),
        "GET projet card (warm)": (card, {}),
        "POST webhook (inbox write)": ("/api/webhooks/baserow/projet-changed/", {}),
    }
    cold: Scenarios = {"GET personne (cold)": ("/api/v1/personnes/1", auth)}
    results = serve(env, warm, wrk, auth, results_dir / "gunicorn.log")
    cold_env = {**env, "CACHE_ENABLED": "false"}
    results |= serve(cold_env, cold, wrk, auth, results_dir / "gunicorn-cold.log")

    floor = results["floor: bare DRF view"]
    print(
        f"\ngunicorn {WORKERS} workers, wrk 2 threads x {CONNECTIONS} connections, {DURATION} s "
        f"per scenario, {os.cpu_count()} cores shared by server and load generator\n"
    )
    print(
        f"{'scenario':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs floor':>10}"
        f"{'Baserow/req':>13}{'non-2xx':>9}"
    )
    for scenario, figures in results.items():
        print(
            f"{scenario:<28}{figures['rps']:>9.0f}{figures['p50_ms']:>9.2f}"
            f"{figures['p99_ms']:>9.2f}{figures['rps'] / floor['rps']:>9.0%}"
            f"{figures['baserow_calls_per_request']:>13.2f}{figures['non_2xx']:>9}"
        )
    (results_dir / "latest.json").write_text(json.dumps(results, indent=2))
    subprocess.run(["redis-cli", "-u", env["CELERY_BROKER_URL"], "flushdb"], check=False)
    e2e_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.django.base",
        # Redis dbs 14 and 15 belong to the real Baserow and Docmost on the dev machine.
        "CELERY_BROKER_URL": os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/12",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, str(ROOT / "bench" / "sync_e2e.py")], env=e2e_env, check=True)
    reports_env = {**e2e_env, "RATE_LIMIT_PDF": "100000000/m"}
    report_bench = [sys.executable, str(ROOT / "bench" / "report_render.py")]
    subprocess.run(report_bench, env=reports_env, check=True)
    print("\nFull sync on the doubles (streamed 200 rows at a time, batch write-backs):")
    for count in (2500, 10000):
        full_env = {**e2e_env, "BENCH_FULL_SYNC_PROJETS": str(count)}
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "full_sync.py")], env=full_env, check=True
        )


if __name__ == "__main__":
    main()
