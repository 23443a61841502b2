"""Production mode refuses insecure defaults; Celery reliability settings hold."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_python(
    env_overrides: dict[str, str], code: str, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "TOKEN_PEPPER", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.django.base", "DOTENV_FILE": ""})
    env.update({"PYTHONPATH": str(ROOT)}, **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def start_django(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_python(env_overrides, "import django; django.setup()")


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"TOKEN_PEPPER": "p"}, "SECRET_KEY"),
        ({"SECRET_KEY": "s"}, "TOKEN_PEPPER"),
    ],
)
def test_production_mode_refuses_to_start_without_secrets(overrides, missing):
    result = start_django({**overrides, "DEBUG": "false"})

    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_production_mode_starts_with_secrets():
    result = start_django({"SECRET_KEY": "s", "TOKEN_PEPPER": "p", "DEBUG": "false"})
    assert result.returncode == 0, result.stderr


def test_celery_is_configured_for_reliability():
    from config.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert settings.CELERY_RETRY_BACKOFF_MAX + app.conf.task_time_limit < visibility


# The production environment documented in README ("Operations") and .env.example.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "BEHIND_TLS_PROXY": "true",
    "SECRET_KEY": "k7Qv2-fVxW9pLr3TzN8bYc4HsJ6dMg1uEa5oKi0RtBnXwZq_CyPjUlSfDhGe",
    "TOKEN_PEPPER": "p",
    "ALLOWED_HOSTS": "bridge.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://bridge.example.org",
}


def test_deploy_check_passes_with_the_documented_production_environment():
    result = run_python(
        PRODUCTION_ENV,
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


_REQUESTS = """
import django, json
django.setup()
from django.test import Client
client = Client()
out = {}
for name, path, extra in [
    ("health", "/api/health", {}),
    ("admin_http", "/admin/login/", {}),
    ("admin_https", "/admin/login/", {"HTTP_X_FORWARDED_PROTO": "https"}),
]:
    response = client.get(path, **extra)
    out[name] = {
        "status": response.status_code,
        "location": response.headers.get("Location", ""),
        "hsts": response.headers.get("Strict-Transport-Security", ""),
        "csrf_cookie_secure": bool(response.cookies["csrftoken"]["secure"])
        if "csrftoken" in response.cookies else None,
    }
print(json.dumps(out))
"""


def test_behind_tls_proxy_redirects_to_https_and_sends_hsts_except_probes():
    env = {**PRODUCTION_ENV, "ALLOWED_HOSTS": "testserver"}
    result = run_python(env, _REQUESTS)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])

    assert out["health"]["status"] == 200  # Docker HEALTHCHECK over plain http
    assert out["admin_http"]["status"] == 301
    assert out["admin_http"]["location"].startswith("https://testserver/admin/login/")
    assert out["admin_https"]["status"] == 200
    assert out["admin_https"]["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert out["admin_https"]["csrf_cookie_secure"] is True


def test_defaults_serve_plain_http_locally():
    result = run_python(
        {"DEBUG": "false", "SECRET_KEY": "s", "TOKEN_PEPPER": "p", "ALLOWED_HOSTS": "testserver"},
        _REQUESTS,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])

    assert out["admin_http"]["status"] == 200
    assert out["admin_http"]["hsts"] == ""
    assert out["admin_http"]["csrf_cookie_secure"] is False
    assert settings.SECURE_PROXY_SSL_HEADER is None


def test_each_transport_setting_can_be_overridden_on_its_own():
    result = run_python(
        {**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "3600", "SECURE_SSL_REDIRECT": "false"},
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "3600",
        "False",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ]


def test_empty_prometheus_multiproc_dir_counts_as_unset(tmp_path):
    # An empty value used to switch prometheus_client to multi-process mode writing
    # counter_<pid>.db files into the working directory (the checkout).
    result = run_python(
        {"SECRET_KEY": "s", "TOKEN_PEPPER": "p", "PROMETHEUS_MULTIPROC_DIR": ""},
        "import os, django; django.setup(); "
        "from bridge_api.metrics import HTTP_REQUESTS; "
        "HTTP_REQUESTS.labels('GET', '/x', '200').inc(); "
        "print('PROMETHEUS_MULTIPROC_DIR' in os.environ)",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    assert list(tmp_path.iterdir()) == []


def test_beat_keeps_its_schedule_outside_the_checkout():
    from config.celery import app

    schedule = Path(app.conf.beat_schedule_filename)
    assert schedule.is_absolute()
    assert ROOT not in schedule.parents


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/app/.venv/bin/celery", "-A", "config", "worker", "--loglevel=INFO"], True),
        (["/usr/lib/python3/site-packages/celery/__main__.py", "-A", "config", "worker"], True),
        (["/app/.venv/bin/celery", "-A", "config", "beat"], False),
        (["/app/.venv/bin/gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"], False),
        ([], False),
    ],
)
def test_worker_command_is_recognised(argv, expected):
    from config.celery import _is_worker_command

    assert _is_worker_command(argv) is expected


def test_worker_gets_a_multiprocess_dir_before_prometheus_client_is_imported():
    result = run_python(
        {"SECRET_KEY": "s", "TOKEN_PEPPER": "p"},
        "import os, sys; sys.argv = ['celery', '-A', 'config', 'worker']; "
        "os.environ.pop('PROMETHEUS_MULTIPROC_DIR', None); "
        "import config, django; django.setup(); "
        "from prometheus_client import values; "
        "print(os.environ['PROMETHEUS_MULTIPROC_DIR'], values.ValueClass.__name__)",
    )
    assert result.returncode == 0, result.stderr
    directory, value_class = result.stdout.split()
    assert Path(directory).is_dir()
    assert value_class == "MmapedValue"
    shutil.rmtree(directory)


def test_the_test_suite_never_reads_the_checkouts_env_file():
    """After `make env` and the real-Baserow set-up, .env names a deployment's broker, Baserow
    and Docmost: the suite must not send its tasks to that broker nor depend on that file."""
    from config.env import BASE_DIR, dotenv_path

    assert dotenv_path({"DJANGO_SETTINGS_MODULE": "config.django.test"}) == ""
    assert dotenv_path({"DJANGO_SETTINGS_MODULE": "config.django.test", "DOTENV_FILE": "x"}) == "x"
    assert dotenv_path({"DJANGO_SETTINGS_MODULE": "config.django.base"}) == str(BASE_DIR / ".env")
    assert dotenv_path({"DOTENV_FILE": ""}) == ""


def test_file_email_backend_writes_into_the_urls_absolute_directory(tmp_path):
    """filemail:///dir: the path stays absolute (django-environ alone drops its first slash)."""
    script = (
        "import django; django.setup(); from django.core.mail import send_mail; "
        "send_mail('s', 'm', None, ['a@example.org'])"
    )
    result = run_python(
        {
            "SECRET_KEY": "s",
            "TOKEN_PEPPER": "p",
            "DEBUG": "false",
            "EMAIL_URL": f"filemail://{tmp_path}/mail",
        },
        script,
    )

    assert result.returncode == 0, result.stderr
    (message,) = (tmp_path / "mail").iterdir()
    assert "a@example.org" in message.read_text()
