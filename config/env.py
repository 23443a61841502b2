"""The one place that reads the environment.

Every setting comes from the environment (or a `.env` file beside `manage.py`), parsed and typed
by django-environ. Production differs from local only by environment.
"""

import os
from collections.abc import Mapping
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
TEST_SETTINGS = "config.django.test"


def dotenv_path(environ: Mapping[str, str]) -> str:
    """The `.env` to read ("" for none). A local `.env` is a convenience for development; real
    deployments set the environment. DOTENV_FILE names another file (empty: none). The test
    suite reads none by default: the checkout's `.env` may be a deployment's (its broker, its
    Baserow and Docmost), and tests must neither depend on it nor send tasks to its workers."""
    if "DOTENV_FILE" in environ:
        return environ["DOTENV_FILE"]
    if environ.get("DJANGO_SETTINGS_MODULE") == TEST_SETTINGS:
        return ""
    return str(BASE_DIR / ".env")


env = environ.Env()
# Variables already present in the environment always win over the file.
_dotenv = dotenv_path(os.environ)
if _dotenv:
    env.read_env(_dotenv, overwrite=False)

# prometheus_client switches to multi-process mode when this variable merely exists, and then
# writes its files into the working directory if it is empty (a `PROMETHEUS_MULTIPROC_DIR=` line
# in .env). Empty means unset; this runs before anything imports prometheus_client.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip():
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
