"""The layout's rules that import-linter cannot see (pyproject.toml [tool.importlinter])."""

import ast

from tests.test_settings import ROOT, run_python

PRODUCT_PACKAGES = (
    "domain",
    "integrations",
    "hub",
    "tokens",
    "sync",
    "bridge_api",
    "reports",
    "embeds",
)


def test_a_configured_deployment_never_imports_the_fakes():
    """With BASEROW_URL and DOCMOST_URL set, loading every app, URL, task and command leaves the
    in-process fakes unimported: they are for demo mode and the tests only."""
    code = (
        "import sys, django; django.setup()\n"
        "import config.urls, sync.tasks, hub.notifications\n"
        "from django.core.management import get_commands, load_command_class\n"
        "for name, app in get_commands().items():\n"
        "    if not app.startswith('django') and app not in ('rest_framework', 'drf_spectacular', "
        "'axes', 'csp', 'whitenoise', 'drf_spectacular_sidecar'):\n"
        "        load_command_class(app, name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('integrations.fakes')))\n"
    )
    result = run_python(
        {
            "SECRET_KEY": "s",
            "TOKEN_PEPPER": "p",
            "BASEROW_URL": "http://baserow.invalid",
            "BASEROW_DATABASE_TOKEN": "t",
            "DOCMOST_URL": "http://docmost.invalid",
        },
        code,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


ENTITIES = (
    "personne", "formation", "bloc", "module", "attribution", "intervention", "client", "projet",
    "tache", "docmost",
)  # fmt: skip


def test_operations_are_entity_action_functions_with_keyword_only_arguments():
    """hub/services and hub/selectors: every `<entity>_<action>` takes keyword-only arguments."""
    operations, offenders = [], []
    for path in sorted((ROOT / "hub").glob("s*/*.py")):
        if path.parent.name not in ("services", "selectors"):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith(ENTITIES):
                operations.append(node.name)
                if node.args.args:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert offenders == []
    assert {"module_attribuer", "attribution_annuler", "personne_retrieve"} <= set(operations)


def test_no_product_file_is_over_the_size_limit():
    """Oversized files are split along their own seams (tests and the fakes' resources aside)."""
    too_long = [
        f"{path.relative_to(ROOT)}: {count} lines"
        for package in PRODUCT_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and (count := len(path.read_text().splitlines())) > 420
    ]
    assert too_long == []


def test_without_the_fakes_demo_mode_says_what_to_set():
    """The container image leaves integrations/fakes out: unconfigured, it names the settings."""
    code = (
        "import sys, django; django.setup()\n"
        "sys.modules['integrations.fakes'] = None\n"
        "from django.core.exceptions import ImproperlyConfigured\n"
        "from integrations.baserow.connection import connection_from_settings as baserow\n"
        "from integrations.docmost.connection import connection_from_settings as docmost\n"
        "for build in (baserow, docmost):\n"
        "    try:\n"
        "        build()\n"
        "    except ImproperlyConfigured as exc:\n"
        "        print(exc)\n"
    )
    result = run_python({"SECRET_KEY": "s", "TOKEN_PEPPER": "p"}, code)

    assert result.returncode == 0, result.stderr
    baserow_error, docmost_error = result.stdout.strip().splitlines()
    assert "set BASEROW_URL and BASEROW_DATABASE_TOKEN" in baserow_error
    assert "set DOCMOST_URL, DOCMOST_EMAIL and DOCMOST_PASSWORD" in docmost_error
