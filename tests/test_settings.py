"""Production mode refuses insecure defaults; Celery reliability settings hold."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def start_django(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "TOKEN_PEPPER", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.django.base", "DOTENV_FILE": ""})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


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
