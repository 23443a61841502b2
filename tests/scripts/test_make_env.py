"""`make env` / scripts/make_env.py: a private .env with every secret the bridge needs."""

import math
import os
import shutil
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "make_env.py"


def make_env(target: Path) -> subprocess.CompletedProcess[str]:
    # umask 0: only the mode given at creation keeps the file private (no chmod-after race).
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(target)],
        capture_output=True,
        text=True,
        check=True,
        umask=0,
    )


def parsed(target: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in target.read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def entropy_bits(secret: str) -> float:
    """Shannon estimate over the secret's own characters, times its length (a lower bound)."""
    counts = Counter(secret)
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    return per_char * len(secret)


def test_if_no_env_then_it_is_written_private_with_a_webhook_secret(tmp_path):
    target = tmp_path / ".env"

    result = make_env(target)

    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    values = parsed(target)
    secret = values["BASEROW_WEBHOOK_SECRETS"]
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64
    assert entropy_bits(secret) > 128
    assert "," not in secret  # one secret, not a list split in two
    assert all(values[name] for name in ("SECRET_KEY", "TOKEN_PEPPER"))
    assert "BASEROW_WEBHOOK_SECRETS" in result.stdout
    assert secret not in result.stdout  # secrets never printed


def test_each_run_generates_different_secrets(tmp_path):
    make_env(tmp_path / "a.env")
    make_env(tmp_path / "b.env")

    first, second = parsed(tmp_path / "a.env"), parsed(tmp_path / "b.env")
    for name in ("SECRET_KEY", "TOKEN_PEPPER", "BASEROW_WEBHOOK_SECRETS"):
        assert first[name] != second[name]


def test_if_env_exists_then_it_is_kept_as_is(tmp_path):
    target = tmp_path / ".env"
    target.write_text("SECRET_KEY=mine\n")
    os.chmod(target, 0o640)

    result = make_env(target)

    assert target.read_text() == "SECRET_KEY=mine\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert "already exists" in result.stdout


def test_written_env_is_read_by_the_settings(tmp_path):
    target = tmp_path / ".env"
    make_env(target)
    secret = parsed(target)["BASEROW_WEBHOOK_SECRETS"]

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.BASEROW_WEBHOOK_SECRETS)",
        ],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DOTENV_FILE": str(target),
            "DJANGO_SETTINGS_MODULE": "config.django.base",
        },
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == str([secret])


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_env_target_writes_a_private_env(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "make_env.py")

    make = str(shutil.which("make"))
    subprocess.run([make, "-s", "env"], cwd=tmp_path, check=True, capture_output=True, umask=0)
    again = subprocess.run(
        [make, "-s", "env"], cwd=tmp_path, check=True, capture_output=True, text=True
    )

    target = tmp_path / ".env"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert parsed(target)["BASEROW_WEBHOOK_SECRETS"]
    assert "already exists" in again.stdout
