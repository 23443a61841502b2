"""The one place that reads the environment.

Every setting comes from the environment (or a `.env` file beside `manage.py`), parsed and typed
by django-environ. Production differs from local only by environment.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` is a convenience for development; real deployments set the environment.
# Variables already present in the environment always win over the file.
# DOTENV_FILE names another file; an empty DOTENV_FILE reads none. The test settings read none
# by default: this module is imported (through config/__init__.py) before config.django.test
# sets its test-only secrets, so the .env that `make run` writes would otherwise override them.
_TEST_SETTINGS = os.environ.get("DJANGO_SETTINGS_MODULE") == "config.django.test"
DOTENV_PATH = os.environ.get("DOTENV_FILE", "" if _TEST_SETTINGS else str(BASE_DIR / ".env"))
if DOTENV_PATH:
    env.read_env(DOTENV_PATH, overwrite=False)

# prometheus_client switches to multi-process mode when this variable merely exists, and then
# writes its files into the working directory if it is empty (a `PROMETHEUS_MULTIPROC_DIR=` line
# in .env). Empty means unset; this runs before anything imports prometheus_client.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip():
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
