"""The OpenAPI schema is valid, warning-free, and documents auth and errors everywhere."""

import pytest
import yaml
from django.core.management import call_command


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    out = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    return yaml.safe_load(out.read_text())


def test_bearer_security_scheme_is_declared(schema):
    scheme = schema["components"]["securitySchemes"]["bridgeToken"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"


def test_every_operation_documents_the_error_envelope(schema):
    envelope = {"$ref": "#/components/schemas/ErrorEnvelope"}
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    assert operations
    for operation in operations:
        assert operation["responses"]["500"]["content"]["application/json"]["schema"] == envelope
        if operation.get("security") and any(operation["security"]):
            for status in ("401", "403", "429"):
                assert status in operation["responses"], operation["operationId"]


def test_tokens_me_is_documented_with_its_scope_and_shape(schema):
    operation = schema["paths"]["/api/v1/tokens/me"]["get"]
    assert operation["operationId"] == "tokens_me"
    assert "any valid token" in operation["description"]
    assert operation["security"] == [{"bridgeToken": []}]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert "data" in component["properties"]


def test_public_endpoints_need_no_token(schema):
    operation = schema["paths"]["/api/health"]["get"]
    assert "401" not in operation["responses"]
    # Readiness: anonymous allowed; a token (optional) unlocks the details.
    assert {} in schema["paths"]["/api/ready"]["get"]["security"]


def test_list_endpoints_document_their_filters_with_allowed_values(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/personnes"]["get"]["parameters"]}
    assert {"page", "per_page", "sort", "filter[role]", "filter[statut]"} <= set(parameters)
    roles = sorted(parameters["filter[role]"]["schema"]["enum"])
    assert roles == ["admin", "developpeur", "formateur"]


def test_read_operations_name_their_scope(schema):
    operation = schema["paths"]["/api/v1/formations/{id}"]["get"]
    assert "`read:formations`" in operation["description"]
    assert "404" in operation["responses"]


def test_baserow_writes_document_their_502s(schema):
    writes = [
        op for ops in schema["paths"].values() for op in ops.values() if "writes" in op["tags"]
    ]
    assert writes
    for operation in writes:
        bad_gateway = operation["responses"]["502"]
        assert "BASEROW_REJECTED" in bad_gateway["description"], operation["operationId"]
        assert "BASEROW_UNAVAILABLE" in bad_gateway["description"]
    codes = schema["components"]["schemas"]["ErrorEnvelope"]["properties"]["error"]
    assert "BASEROW_REJECTED" in codes["properties"]["code"]["enum"]


@pytest.mark.django_db
def test_the_served_schema_is_built_once_per_process(client, monkeypatch):
    """Building the document costs hundreds of ms of CPU: a public endpoint must not redo it."""
    from drf_spectacular.generators import SchemaGenerator

    from bridge_api.views.ops import SchemaView

    monkeypatch.setattr(SchemaView, "_document", None)
    builds = []
    original = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        builds.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    first = client.get("/api/schema/?format=json")
    second = client.get("/api/schema/?format=json")

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.json()["info"]["title"] == "Formation Hub Bridge API"
    assert len(builds) == 1


# -- the schema tells the whole truth -------------------------------------------------------------

ERROR_ENVELOPE = {"$ref": "#/components/schemas/ErrorEnvelope"}


def operations(schema):
    return {
        op["operationId"]: (path, method, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }


def component(schema, ref_holder):
    return schema["components"]["schemas"][ref_holder["$ref"].rsplit("/", 1)[1]]


def request_body(schema, operation_id):
    _path, _method, op = operations(schema)[operation_id]
    return component(schema, op["requestBody"]["content"]["application/json"]["schema"])


LISTS = [
    "personnes_list",
    "personnes_attributions_list",
    "personnes_interventions_list",
    "formations_list",
    "clients_list",
    "projets_list",
]
WRITES_BY_ID = [
    "modules_attribuer",
    "attributions_heures_realisees",
    "attributions_cloturer",
    "attributions_annuler",
    "interventions_update",
    "interventions_annuler",
    "projets_cloturer",
]
DOCMOST_WRITES = [
    "docmost_pages_create",
    "docmost_pages_update",
    "docmost_collections_create",
    "docmost_share_links_create",
]


def test_operation_ids_are_unchanged(schema):
    expected = {
        *LISTS,
        *WRITES_BY_ID,
        *DOCMOST_WRITES,
        "personnes_retrieve",
        "personnes_dashboard",
        "formations_retrieve",
        "blocs_retrieve",
        "modules_retrieve",
        "attributions_retrieve",
        "clients_retrieve",
        "projets_retrieve",
        "projets_timeline",
        "taches_retrieve",
        "interventions_create",
        "health",
        "ready",
        "metrics",
        "tokens_me",
    }
    assert expected <= set(operations(schema))


@pytest.mark.parametrize("operation_id", LISTS)
def test_lists_declare_their_400_and_their_parameters_bounds(schema, operation_id):
    _path, _method, op = operations(schema)[operation_id]
    for status in ("400", "502"):
        assert op["responses"][status]["content"]["application/json"]["schema"] == ERROR_ENVELOPE
    parameters = {p["name"]: p["schema"] for p in op["parameters"]}
    assert parameters["page"] == {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}
    assert parameters["per_page"] == {"type": "integer", "minimum": 1, "maximum": 200}
    sort = parameters["sort"]["items"]["enum"]
    assert sort
    assert parameters["sort"]["minItems"] == 1
    assert all(f"-{key}" in sort for key in sort if not key.startswith("-"))


def test_sort_and_filters_list_what_the_server_accepts(schema):
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/v1/projets"]["get"]["parameters"]
    }
    assert parameters["sort"]["items"]["enum"] == [
        "nom", "-nom", "statut", "-statut", "charge_estimee_h", "-charge_estimee_h",
    ]  # fmt: skip
    assert parameters["filter[client]"]["type"] == "integer"  # a link: an id
    assert parameters["filter[statut]"]["enum"]


@pytest.mark.parametrize("operation_id", [*WRITES_BY_ID, "interventions_create"])
def test_writes_declare_every_error_they_can_answer(schema, operation_id):
    path, _method, op = operations(schema)[operation_id]
    expected = {"400", "401", "403", "409", "422", "429", "500", "502", "503"}
    if "{id}" in path:
        expected.add("404")
    assert expected <= set(op["responses"]), operation_id
    assert "NOT_READY" in op["responses"]["503"]["description"]


@pytest.mark.parametrize("operation_id", [*WRITES_BY_ID, "interventions_create", *DOCMOST_WRITES])
def test_writes_document_the_idempotency_key_rule_and_the_replay_header(schema, operation_id):
    _path, _method, op = operations(schema)[operation_id]
    header = next(p for p in op["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header"
    assert header["schema"]["minLength"] == 1
    assert header["schema"]["maxLength"] == 255
    assert header["schema"]["pattern"]
    success = next(op["responses"][s] for s in ("200", "201") if s in op["responses"])
    assert "Idempotent-Replayed" in success["headers"]
    assert "Idempotent-Replayed" not in op["responses"]["401"]["headers"]


@pytest.mark.parametrize(
    "operation_id", ["interventions_create", "modules_attribuer", *DOCMOST_WRITES]
)
def test_request_bodies_refuse_unknown_keys(schema, operation_id):
    assert request_body(schema, operation_id)["additionalProperties"] is False


def test_patch_bodies_are_documented_as_validated(schema):
    assert not [name for name in schema["components"]["schemas"] if name.startswith("Patched")]
    assert request_body(schema, "attributions_heures_realisees")["required"] == ["heures_realisees"]
    update = request_body(schema, "interventions_update")
    assert update["minProperties"] == 1
    assert "required" not in update
    assert request_body(schema, "docmost_pages_update")["minProperties"] == 1


def test_hours_carry_their_real_bounds(schema):
    attribuer = request_body(schema, "modules_attribuer")["properties"]["heures"]
    assert (attribuer["minimum"], attribuer["exclusiveMinimum"]) == (0, True)
    assert attribuer["maximum"] == 99999.99
    for operation_id in ("interventions_create", "interventions_update"):
        heures = request_body(schema, operation_id)["properties"]["heures"]
        assert (heures["minimum"], heures["exclusiveMinimum"], heures["maximum"]) == (0, True, 24)
    realisees = request_body(schema, "attributions_heures_realisees")["properties"]
    assert realisees["heures_realisees"]["minimum"] == 0
    assert "exclusiveMinimum" not in realisees["heures_realisees"]


@pytest.mark.parametrize("operation_id", ["attributions_annuler", "interventions_annuler"])
def test_annuler_needs_a_justification(schema, operation_id):
    body = request_body(schema, operation_id)
    assert body["required"] == ["justification"]
    assert body["properties"]["justification"]["minLength"] == 1
    assert "RG-05" in body["properties"]["justification"]["description"]


def test_write_answers_give_statut_as_an_enum(schema):
    components = schema["components"]["schemas"]
    for name, enum in (
        ("AttributionWrite", "AttributionStatutEnum"),
        ("InterventionWrite", "InterventionStatutEnum"),
        ("ProjetCloturer", "ProjetStatutEnum"),
        ("ModuleRollup", "ModuleStatutEnum"),
    ):
        refs = [alt.get("$ref", "") for alt in components[name]["properties"]["statut"]["oneOf"]]
        assert f"#/components/schemas/{enum}" in refs, name


def test_metrics_has_no_format_parameter_and_a_text_answer(schema):
    operation = schema["paths"]["/api/metrics"]["get"]
    assert "parameters" not in operation
    assert list(operation["responses"]["200"]["content"]) == ["text/plain"]


# -- what schemathesis (make api-fuzz) found ------------------------------------------------------


@pytest.mark.parametrize("operation_id", ["interventions_update", "docmost_pages_update"])
def test_a_body_that_needs_a_key_is_itself_required(schema, operation_id):
    """Without it a client may send no body at all, which the view answers with a 400."""
    _path, _method, op = operations(schema)[operation_id]
    assert op["requestBody"]["required"] is True


def test_hours_declare_their_two_decimals(schema):
    for operation_id, name in [
        ("modules_attribuer", "heures"),
        ("interventions_create", "heures"),
        ("interventions_update", "heures"),
        ("attributions_heures_realisees", "heures_realisees"),
    ]:
        assert request_body(schema, operation_id)["properties"][name]["multipleOf"] == 0.01


@pytest.mark.parametrize("operation_id", ["attributions_cloturer", "projets_cloturer"])
def test_a_400_is_declared_where_only_parameters_or_headers_are_validated(schema, operation_id):
    """No body, but an Idempotency-Key header and a dry_run parameter, each checked."""
    _path, _method, op = operations(schema)[operation_id]
    assert "requestBody" not in op
    assert op["responses"]["400"]["content"]["application/json"]["schema"] == ERROR_ENVELOPE
