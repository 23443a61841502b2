import pytest
from django.core.exceptions import ImproperlyConfigured

from bridge_api.startup import check_views_declare_scope, run_startup_checks, undeclared_views


def test_every_real_view_declares_its_scope():
    assert undeclared_views() == []
    assert check_views_declare_scope() == []


@pytest.mark.urls("tests.bridge_api.urls_undeclared")
def test_undeclared_view_fails_the_startup_check():
    errors = check_views_declare_scope()

    assert [error.id for error in errors] == ["bridge.E001"]
    assert "api/test/undeclared" in errors[0].msg
    with pytest.raises(ImproperlyConfigured, match="UndeclaredView"):
        run_startup_checks()


@pytest.mark.django_db
@pytest.mark.urls("tests.bridge_api.urls_undeclared")
def test_undeclared_view_refuses_requests_instead_of_serving_them(client_for):
    client = client_for("admin:*")
    client.raise_request_exception = False

    response = client.get("/api/test/undeclared")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL"


VALID_MAPPING = {
    entity: {"table_id": index + 1, "fields": {}}
    for index, entity in enumerate(
        [
            "personne",
            "formation",
            "bloc",
            "module",
            "attribution",
            "client",
            "projet",
            "tache",
            "intervention",
            "compte_rendu",
        ]
    )
}


def _baserow_errors(settings, **overrides):
    from bridge_api.startup import check_baserow_configuration

    for name, value in overrides.items():
        setattr(settings, name, value)
    return [error.msg for error in check_baserow_configuration()]


def test_demo_mode_needs_no_baserow_configuration(settings):
    assert _baserow_errors(settings, BASEROW_URL="") == []


def test_real_baserow_needs_a_token(settings):
    (message,) = _baserow_errors(settings, BASEROW_URL="http://baserow", BASEROW_DATABASE_TOKEN="")
    assert "BASEROW_DATABASE_TOKEN" in message


def test_real_baserow_needs_a_mapping(settings):
    (message,) = _baserow_errors(
        settings,
        BASEROW_URL="http://baserow",
        BASEROW_DATABASE_TOKEN="t",
        BASEROW_SCHEMA="",
        BASEROW_SCHEMA_FILE="",
    )
    assert "BASEROW_SCHEMA_FILE" in message


def test_valid_mapping_passes(settings):
    import json

    assert (
        _baserow_errors(
            settings,
            BASEROW_URL="http://baserow",
            BASEROW_DATABASE_TOKEN="t",
            BASEROW_SCHEMA=json.dumps(VALID_MAPPING),
        )
        == []
    )


def test_invalid_mapping_names_every_problem(settings):
    import json

    broken = dict(VALID_MAPPING)
    del broken["tache"]
    broken["projet"] = {"table_id": "twelve"}
    broken["personne"] = {"table_id": 3, "fields": {"salaire": "x"}}
    (message,) = _baserow_errors(
        settings,
        BASEROW_URL="http://baserow",
        BASEROW_DATABASE_TOKEN="t",
        BASEROW_SCHEMA=json.dumps(broken),
    )
    assert "tache: missing" in message
    assert "projet.table_id" in message
    assert "personne.fields.salaire" in message
    with pytest.raises(ImproperlyConfigured, match="tache: missing"):
        run_startup_checks()


def test_mapping_file_in_yaml(settings, tmp_path):
    import yaml

    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(VALID_MAPPING))
    assert (
        _baserow_errors(
            settings,
            BASEROW_URL="http://baserow",
            BASEROW_DATABASE_TOKEN="t",
            BASEROW_SCHEMA="",
            BASEROW_SCHEMA_FILE=str(path),
        )
        == []
    )


def test_mapping_check_has_its_own_tag_so_the_bootstrap_can_leave_out_only_it():
    from django.core import checks

    from bridge_api.management.commands.baserow_bootstrap import Command
    from bridge_api.startup import BASEROW_MAPPING_TAG, check_baserow_configuration

    assert check_baserow_configuration in checks.registry.registry.get_checks()
    assert BASEROW_MAPPING_TAG in checks.registry.registry.tags_available()
    declared = set(Command.requires_system_checks)
    assert BASEROW_MAPPING_TAG not in declared
    assert {"bridge", "models", "urls", "security"} <= declared


def test_full_check_still_reports_a_missing_mapping(settings):
    from django.core import checks

    settings.BASEROW_URL = "http://baserow"
    settings.BASEROW_DATABASE_TOKEN = "t"
    settings.BASEROW_SCHEMA = ""
    settings.BASEROW_SCHEMA_FILE = ""

    assert "bridge.E003" in [message.id for message in checks.run_checks()]
