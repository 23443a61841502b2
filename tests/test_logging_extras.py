"""Every log call's `extra` is valid: literal keys, none that Python's logging refuses.

`logging` raises KeyError when an `extra` key names a LogRecord attribute (`created`, `name`,
`message`, …), and only when the record is built, i.e. at a level that is enabled. A static scan
of every call catches it whatever the level; the test settings also log at INFO, as production.
"""

import ast
import logging
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "node_modules", "staticfiles", "__pycache__", ".git"}
LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
# What makeRecord refuses: the attributes of a LogRecord, plus the two it adds when formatting.
RESERVED = set(vars(logging.LogRecord("x", logging.INFO, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",  # a LogRecord attribute from Python 3.12
}


def python_files() -> list[Path]:
    """The project's Python files (not the virtualenv's, nor hidden directories')."""
    files: list[Path] = []
    for top in ROOT.iterdir():
        if top.name in SKIPPED_DIRS or top.name.startswith("."):
            continue
        found = [top] if top.suffix == ".py" else top.rglob("*.py") if top.is_dir() else []
        files.extend(path for path in found if not SKIPPED_DIRS.intersection(path.parts))
    return files


def extra_problems(source: str, filename: str) -> list[str]:
    """Why each `logger.<level>(…, extra=…)` call in `source` may fail (empty: none)."""
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in LOG_METHODS
        ):
            continue
        for keyword in node.keywords:
            if keyword.arg != "extra":
                continue
            where = f"{filename}:{node.lineno}"
            if not isinstance(keyword.value, ast.Dict):
                problems.append(f"{where}: extra is not a dict literal, its keys cannot be checked")
                continue
            for key in keyword.value.keys:
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    problems.append(f"{where}: extra has a key that is not a literal string")
                elif key.value in RESERVED:
                    problems.append(f"{where}: extra key {key.value!r} is a LogRecord attribute")
    return problems


def test_every_log_call_in_the_codebase_has_valid_extra_keys():
    files = python_files()
    assert len(files) > 50  # the scan really reads the project

    problems = [
        problem
        for path in files
        for problem in extra_problems(path.read_text(), str(path.relative_to(ROOT)))
    ]

    assert problems == []


@pytest.mark.parametrize(
    ("call", "found"),
    [
        ('logger.info("x", extra={"created": 1})', "'created' is a LogRecord attribute"),
        ('log.warning("x", extra={"message": "m"})', "'message' is a LogRecord attribute"),
        ('logger.info("x", extra=result.as_dict())', "not a dict literal"),
        ('logger.info("x", extra={**counts})', "not a literal string"),
        ('logger.error("x", extra={name: 1})', "not a literal string"),
    ],
)
def test_the_scan_catches_bad_extras(call, found):
    (problem,) = extra_problems(call, "example.py")
    assert found in problem


def test_a_valid_extra_passes_the_scan():
    assert extra_problems('logger.info("x", extra={"rows_created": 1})', "ok.py") == []


def test_the_tests_log_at_the_production_level():
    """INFO records are built in tests (so a bad `extra` raises there), as in production."""
    assert settings.LOG_LEVEL == "INFO"
    assert logging.getLogger("bridge.sync").isEnabledFor(logging.INFO)
