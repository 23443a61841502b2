"""baserow_bootstrap (SPEC 3, CONTRACT 5) on an empty fake Baserow, and its management command."""

import json
from io import StringIO
from typing import Any

import pytest
import responses
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from integrations.baserow.bootstrap import BootstrapReport, baserow_bootstrap
from integrations.baserow.client import BaserowClient
from integrations.baserow.connection import client_for_fake
from integrations.baserow.schema import ENTITIES, SCHEMA, FieldSpec, parse_mapping, primary_field
from integrations.fakes.baserow.fake import FakeBaserow
from integrations.fakes.transport import install_in_responses

SCHEMA_PATHS = ("/api/database/tables/", "/api/database/fields/")


def client_for(fake: FakeBaserow) -> BaserowClient:
    return client_for_fake(fake)


def bootstrap(fake: FakeBaserow, **kwargs: Any) -> BootstrapReport:
    return baserow_bootstrap(client=client_for(fake), database_id=fake.database_id, **kwargs)


def schema_writes(fake: FakeBaserow) -> list[tuple[str, str, Any]]:
    return [
        (call.method, call.path, call.body)
        for call in fake.calls
        if call.method in ("POST", "PATCH", "PUT", "DELETE") and call.path.startswith(SCHEMA_PATHS)
    ]


def fields_of(fake: FakeBaserow, table_id: int) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in client_for(fake).list_fields(table_id)}


@pytest.fixture
def fake() -> FakeBaserow:
    """An empty Baserow (this shadows the demo data set's `fake` fixture)."""
    return FakeBaserow()


@pytest.fixture
def bootstrapped(fake: FakeBaserow) -> tuple[FakeBaserow, BootstrapReport]:
    report = bootstrap(fake)
    return fake, report


# -- first run -------------------------------------------------------------------------------------


def test_first_run_creates_every_table(bootstrapped):
    fake, report = bootstrapped

    assert sorted(t.name for t in fake.tables.values()) == sorted(ENTITIES)
    assert set(report.mapping.tables) == set(ENTITIES)
    for entity in ENTITIES:
        assert report.mapping.table(entity).table_id == fake.table_by_name(entity).id
        assert report.mapping.table(entity).fields == {}
    assert len({m.table_id for m in report.mapping.tables.values()}) == len(ENTITIES)
    assert report.warnings == []


def test_first_run_tables_have_no_rows_and_the_schema_primary(bootstrapped):
    fake, report = bootstrapped

    for entity in ENTITIES:
        table = fake.tables[report.mapping.table(entity).table_id]
        assert table.rows == {}
        primaries = [f for f in table.fields if f.primary]
        assert [(f.name, f.type) for f in primaries] == [(primary_field(entity), "text")]


@pytest.mark.parametrize("entity", ENTITIES)
def test_first_run_creates_every_field_as_specified(bootstrapped, entity):
    fake, report = bootstrapped
    fields = fields_of(fake, report.mapping.table(entity).table_id)

    for name, spec in SCHEMA[entity].items():
        field = fields[name]
        assert field["type"] == spec.type, name
        assert field["primary"] is spec.primary, name
        if spec.type == "number":
            assert field["number_decimal_places"] == spec.decimals, name
            assert field["number_negative"] is False, name
        if spec.options:
            assert [o["value"] for o in field["select_options"]] == list(spec.options), name
            assert all(o["color"] for o in field["select_options"]), name
        if spec.link_to:
            target = report.mapping.table(spec.link_to).table_id
            assert field["link_row_table_id"] == target, name


def test_hours_fields_have_two_decimals(bootstrapped):
    fake, report = bootstrapped

    fields = fields_of(fake, report.mapping.table("attribution").table_id)

    assert fields["heures_attribuees"]["number_decimal_places"] == 2
    assert (
        fields_of(fake, report.mapping.table("bloc").table_id)["ordre"]["number_decimal_places"]
        == 0
    )


def test_link_fields_get_a_reverse_field_in_the_target(bootstrapped):
    fake, report = bootstrapped
    attribution = report.mapping.table("attribution").table_id

    reverse = fields_of(fake, report.mapping.table("personne").table_id)["attribution"]

    assert reverse["type"] == "link_row"
    assert reverse["link_row_table_id"] == attribution


def test_first_run_reports_what_it_created(bootstrapped):
    _fake, report = bootstrapped

    created_fields = sum(1 for e in ENTITIES for spec in SCHEMA[e].values() if not spec.primary)
    assert len(report.created) == len(ENTITIES) + created_fields
    assert "table attribution" in report.created
    assert "field attribution.heures_attribuees" in report.created
    assert "field attribution.nom" not in report.created  # the primary comes with the table


def test_first_run_uses_only_jwt_schema_endpoints_with_clean_tables(fake):
    bootstrap(fake)

    table_creations = [c for c in fake.calls if c.method == "POST" and "/tables/" in c.path]
    assert len(table_creations) == len(ENTITIES)
    for call in table_creations:
        assert call.body["first_row_header"] is True
        assert call.body["data"] == [[primary_field(call.body["name"])]]


def test_custom_table_names(fake):
    report = bootstrap(fake, table_names={"personne": "Personnes", "compte_rendu": "CR"})

    assert fake.table_by_name("Personnes").id == report.mapping.table("personne").table_id
    assert fake.table_by_name("CR").id == report.mapping.table("compte_rendu").table_id
    assert "personne" not in {t.name for t in fake.tables.values()}


def test_progress_is_reported(fake):
    messages: list[str] = []

    bootstrap(fake, progress=messages.append)

    assert any(m.startswith("table personne: created") for m in messages)
    assert any("attribution.statut: created (single_select)" in m for m in messages)


# -- idempotence -----------------------------------------------------------------------------------


def test_second_run_creates_nothing_and_writes_nothing(bootstrapped):
    fake, first = bootstrapped
    fake.calls.clear()

    second = bootstrap(fake)

    assert second.created == []
    assert second.warnings == []
    assert second.mapping == first.mapping
    assert schema_writes(fake) == []
    assert fake.calls, "the second run must still read the schema"


def test_second_run_does_not_write_rows_either(bootstrapped):
    fake, _report = bootstrapped
    fake.calls.clear()

    bootstrap(fake)

    assert fake.count("POST") == 0
    assert fake.count("PATCH") == 0


def test_missing_select_option_is_added_back_and_nothing_else_changes(bootstrapped):
    fake, report = bootstrapped
    client = client_for(fake)
    statut = fields_of(fake, report.mapping.table("attribution").table_id)["statut"]
    kept = [o for o in statut["select_options"] if o["value"] != "annule"]
    client.update_field(statut["id"], {"select_options": kept})
    before = {e: fields_of(fake, report.mapping.table(e).table_id) for e in ENTITIES}
    fake.calls.clear()

    again = bootstrap(fake)

    assert again.created == ["options attribution.statut: annule"]
    assert again.warnings == []
    writes = schema_writes(fake)
    assert [(method, path) for method, path, _body in writes] == [
        ("PATCH", f"/api/database/fields/{statut['id']}/")
    ]
    after = {e: fields_of(fake, report.mapping.table(e).table_id) for e in ENTITIES}
    options = after["attribution"]["statut"]["select_options"]
    assert [o["value"] for o in options] == ["prevu", "en_cours", "realise", "annule"]
    assert options[:3] == kept  # existing options keep their ids (rows point at them)
    after["attribution"]["statut"].pop("select_options")
    before["attribution"]["statut"].pop("select_options")
    assert after == before


def test_missing_field_is_created_on_a_later_run(bootstrapped):
    fake, report = bootstrapped
    table = fake.tables[report.mapping.table("module").table_id]
    table.fields = [f for f in table.fields if f.name != "heures"]
    fake.calls.clear()

    again = bootstrap(fake)

    assert again.created == ["field module.heures"]
    assert fields_of(fake, table.id)["heures"]["number_decimal_places"] == 2


def test_missing_table_is_created_and_linked_to_existing_ones(bootstrapped):
    fake, report = bootstrapped
    del fake.tables[report.mapping.table("compte_rendu").table_id]

    again = bootstrap(fake)

    assert again.created == ["table compte_rendu"] + [
        f"field compte_rendu.{name}" for name in ("date", "projet", "docmost_page_id")
    ]
    projet = fields_of(fake, again.mapping.table("compte_rendu").table_id)["projet"]
    assert projet["link_row_table_id"] == report.mapping.table("projet").table_id


@pytest.mark.parametrize(
    ("entity", "name", "wrong_type", "expected"),
    [
        ("module", "heures", "text", "number"),
        ("attribution", "statut", "text", "single_select"),
        ("personne", "email", "long_text", "email"),
        ("intervention", "date", "text", "date"),
    ],
)
def test_field_of_the_wrong_type_is_reported_not_changed(
    bootstrapped, entity, name, wrong_type, expected
):
    fake, report = bootstrapped
    client = client_for(fake)
    table_id = report.mapping.table(entity).table_id
    field_id = fields_of(fake, table_id)[name]["id"]
    client.update_field(field_id, {"type": wrong_type})
    fake.calls.clear()

    again = bootstrap(fake)

    assert again.created == []
    assert len(again.warnings) == 1
    warning = again.warnings[0]
    assert f"{entity}.{name}" in warning
    assert f"is a {wrong_type} field" in warning
    assert f"expects {expected}" in warning
    assert fields_of(fake, table_id)[name]["type"] == wrong_type
    assert schema_writes(fake) == []


# -- number fields: compared with the schema, fixed only where no stored value changes ----------


def set_number(fake, report, entity, name, **props):
    client = client_for(fake)
    field = fields_of(fake, report.mapping.table(entity).table_id)[name]
    client.update_field(field["id"], props)
    fake.calls.clear()
    return field["id"]


def test_a_number_field_with_fewer_places_is_reported_and_left_as_is(bootstrapped):
    fake, report = bootstrapped
    set_number(fake, report, "attribution", "heures_attribuees", number_decimal_places=1)

    again = bootstrap(fake)

    (warning,) = again.warnings
    assert "attribution.heures_attribuees has 1 decimal place(s)" in warning
    assert "--fix-number-fields" in warning
    assert again.changed == []
    assert schema_writes(fake) == []


def test_fix_widens_a_number_field_keeping_its_values(bootstrapped):
    fake, report = bootstrapped
    table_id = report.mapping.table("attribution").table_id
    field_id = set_number(fake, report, "attribution", "heures_attribuees", number_decimal_places=1)
    row = client_for(fake).create_row(table_id, {"nom": "a", "heures_attribuees": "2.5"})
    fake.calls.clear()

    again = bootstrap(fake, fix_numbers=True)

    assert again.warnings == []
    assert again.changed == ["attribution.heures_attribuees: number_decimal_places → 2"]
    assert [(m, path, body) for m, path, body in schema_writes(fake)] == [
        ("PATCH", f"/api/database/fields/{field_id}/", {"number_decimal_places": 2})
    ]
    assert client_for(fake).get_row(table_id, row["id"])["heures_attribuees"] == "2.50"
    assert bootstrap(fake).warnings == []  # the next run finds nothing to say


def test_a_number_field_with_more_places_is_never_narrowed(bootstrapped):
    fake, report = bootstrapped
    set_number(fake, report, "module", "heures", number_decimal_places=3)

    again = bootstrap(fake, fix_numbers=True)

    (warning,) = again.warnings
    assert "module.heures has 3 decimal places" in warning
    assert "round" in warning
    assert again.changed == []
    assert schema_writes(fake) == []


def test_fix_forbids_negatives_while_no_row_holds_one(bootstrapped):
    fake, report = bootstrapped
    field_id = set_number(fake, report, "tache", "estimation_h", number_negative=True)

    reported = bootstrap(fake)
    fixed = bootstrap(fake, fix_numbers=True)

    assert "tache.estimation_h allows negative numbers" in reported.warnings[0]
    assert fixed.warnings == []
    assert fixed.changed == ["tache.estimation_h: number_negative → False"]
    assert ("PATCH", f"/api/database/fields/{field_id}/", {"number_negative": False}) in (
        schema_writes(fake)
    )


def test_fix_leaves_negatives_allowed_over_negative_values(bootstrapped):
    """Baserow would set them to 0: a person decides."""
    fake, report = bootstrapped
    table_id = report.mapping.table("tache").table_id
    set_number(fake, report, "tache", "estimation_h", number_negative=True)
    row = client_for(fake).create_row(table_id, {"nom": "t", "estimation_h": "-4"})
    fake.calls.clear()

    again = bootstrap(fake, fix_numbers=True)

    (warning,) = again.warnings
    assert "tache.estimation_h allows negative numbers and 1 row(s) hold one" in warning
    assert again.changed == []
    assert schema_writes(fake) == []
    assert client_for(fake).get_row(table_id, row["id"])["estimation_h"] == "-4.00"


def test_fix_allows_negatives_where_the_schema_does(bootstrapped, monkeypatch):
    fake, report = bootstrapped
    specs = dict(SCHEMA["projet"])
    specs["charge_estimee_h"] = FieldSpec("number", decimals=2, negative=True)
    monkeypatch.setitem(SCHEMA, "projet", specs)

    reported = bootstrap(fake)
    fixed = bootstrap(fake, fix_numbers=True)

    assert "projet.charge_estimee_h refuses negative numbers" in reported.warnings[0]
    assert fixed.changed == ["projet.charge_estimee_h: number_negative → True"]
    assert fields_of(fake, report.mapping.table("projet").table_id)["charge_estimee_h"][
        "number_negative"
    ]


def test_bootstrap_on_an_unknown_database_fails(fake):
    from integrations.baserow.client import BaserowNotFound

    with pytest.raises(BaserowNotFound) as caught:
        baserow_bootstrap(client=client_for(fake), database_id=99)

    assert caught.value.code == "ERROR_APPLICATION_DOES_NOT_EXIST"
    assert fake.tables == {}


# -- the management command ------------------------------------------------------------------------


@pytest.fixture
def baserow_settings(settings, fake):
    settings.BASEROW_URL = fake.base_url
    settings.BASEROW_DATABASE_TOKEN = fake.database_token
    settings.BASEROW_EMAIL = fake.email
    settings.BASEROW_PASSWORD = fake.password
    settings.BASEROW_DATABASE_ID = fake.database_id
    settings.BASEROW_MAX_RETRIES = 0
    return settings


@pytest.fixture
def http(fake):
    """The command's real HTTP client (requests + HTTPAdapter), answered by the fake."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        install_in_responses(fake, rsps)
        yield rsps


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("baserow_bootstrap", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_a_valid_mapping(baserow_settings, http, fake):
    out, err = run()

    mapping = parse_mapping(json.loads(out), source="command output")
    assert set(mapping.tables) == set(ENTITIES)
    for entity in ENTITIES:
        assert mapping.table(entity).table_id == fake.table_by_name(entity).id
    assert "item(s) created" in err
    assert http.calls, "requests went through the HTTP layer"
    assert all(call.request.url.startswith(fake.base_url) for call in http.calls)


def test_command_second_run_says_nothing_to_create(baserow_settings, http, fake):
    first, _ = run()
    fake.calls.clear()

    second, err = run()

    assert json.loads(second) == json.loads(first)
    assert "Nothing to create" in err
    assert schema_writes(fake) == []


def test_command_writes_the_mapping_to_a_file(baserow_settings, http, tmp_path):
    target = tmp_path / "mapping.json"

    out, err = run("--output", str(target))

    assert out == ""
    assert str(target) in err
    parse_mapping(json.loads(target.read_text()), source=str(target))


def test_command_database_id_option_overrides_settings(baserow_settings, http, fake):
    baserow_settings.BASEROW_DATABASE_ID = 0

    with pytest.raises(CommandError, match="database id"):
        run()
    out, _ = run("--database-id", str(fake.database_id))

    assert set(json.loads(out)) == set(ENTITIES)


def test_command_reports_warnings(baserow_settings, http, fake):
    run()
    field = next(f for f in fake.table_by_name("module").fields if f.name == "heures")
    field.type = "text"

    _out, err = run()

    assert "warning: module.heures is a text field" in err


def test_command_fixes_number_fields_when_asked(baserow_settings, http, fake):
    run()
    field = next(f for f in fake.table_by_name("module").fields if f.name == "heures")
    field.decimals = 1

    _out, reported = run()
    _out, fixed = run("--fix-number-fields")

    assert "warning: module.heures has 1 decimal place(s)" in reported
    assert "changed: module.heures: number_decimal_places → 2" in fixed
    assert field.decimals == 2


def test_command_without_baserow_url_fails_saying_so(settings, fake):
    settings.BASEROW_URL = ""

    with pytest.raises(CommandError, match="BASEROW_URL is not set"):
        run("--database-id", "1")
    assert fake.calls == []


def test_command_with_wrong_password_fails_cleanly(baserow_settings, http, fake):
    baserow_settings.BASEROW_PASSWORD = "wrong"

    with pytest.raises(CommandError, match="Baserow refused the bootstrap") as caught:
        run()

    assert "ERROR_INVALID_CREDENTIALS" in str(caught.value)
    assert fake.tables == {}


def test_printed_mapping_is_rejected_if_incomplete(baserow_settings, http):
    out, _ = run()
    raw = json.loads(out)
    del raw["tache"]

    with pytest.raises(ImproperlyConfigured, match="tache: missing"):
        parse_mapping(raw, source="edited")


# -- issue 9 point 15: the bootstrap runs before any mapping exists --------------------------------


@pytest.fixture
def no_mapping_yet(baserow_settings):
    baserow_settings.BASEROW_SCHEMA = ""
    baserow_settings.BASEROW_SCHEMA_FILE = ""
    return baserow_settings


def test_if_no_mapping_yet_then_the_bootstrap_passes_its_system_checks_and_writes_it(
    no_mapping_yet, http, fake, tmp_path
):
    target = tmp_path / "baserow-schema.json"
    err = StringIO()

    # skip_checks=False: the system checks run as under `manage.py baserow_bootstrap`.
    call_command("baserow_bootstrap", "--output", str(target), skip_checks=False, stderr=err)

    mapping = parse_mapping(json.loads(target.read_text()), source=str(target))
    assert mapping.table("projet").table_id == fake.table_by_name("projet").id
    assert str(target) in err.getvalue()


def test_bootstrap_still_runs_the_other_system_checks(no_mapping_yet, http, fake):
    from django.core.management.base import SystemCheckError

    no_mapping_yet.CELERY_RETRY_BACKOFF_MAX = 10**6  # breaks bridge.E002

    with pytest.raises(SystemCheckError, match=r"bridge\.E002"):
        call_command("baserow_bootstrap", skip_checks=False, stdout=StringIO())
    assert fake.calls == []


def test_other_commands_still_stop_on_the_missing_mapping(no_mapping_yet):
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match=r"bridge\.E003"):
        call_command("check", stdout=StringIO(), stderr=StringIO())


def test_command_without_a_database_token_says_so(baserow_settings, fake):
    baserow_settings.BASEROW_DATABASE_TOKEN = ""

    with pytest.raises(CommandError, match="BASEROW_DATABASE_TOKEN"):
        run()
    assert fake.calls == []


def test_manage_py_baserow_bootstrap_works_as_the_readme_says(fake, tmp_path):
    """The README's command, in a real process, against the fake served over HTTP."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.fake_http import serve_fake

    root = Path(__file__).resolve().parents[2]
    target = tmp_path / "baserow-schema.json"
    with serve_fake(fake) as url:
        result = subprocess.run(
            [sys.executable, "manage.py", "baserow_bootstrap", "--database-id",
             str(fake.database_id), "--output", str(target)],
            cwd=root,
            env={
                "PATH": os.environ.get("PATH", ""),
                "DOTENV_FILE": "",
                "SECRET_KEY": "x" * 50,
                "TOKEN_PEPPER": "y" * 32,
                "BASEROW_URL": url,
                "BASEROW_DATABASE_TOKEN": fake.database_token,
                "BASEROW_EMAIL": fake.email,
                "BASEROW_PASSWORD": fake.password,
                "BASEROW_MAX_RETRIES": "0",
            },
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "bridge.E003" not in result.stderr
    assert set(json.loads(target.read_text())) == set(ENTITIES)
