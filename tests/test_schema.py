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
