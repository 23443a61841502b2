"""A client generated from the OpenAPI schema (openapi-python-client) against the live server.

Each answer must parse into the generated model the schema declares for its status: a typed
envelope for a read and a write, the error envelope with its code for each class of error. A
status the schema does not declare for the operation parses to None and fails here, so this test
keeps the schema truthful for client generators, not just valid. It relies on these
declarations: personnes_retrieve 200/401/404, modules_attribuer 201/400/403/409/422/502, ready 503.
"""

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, get_type_hints

import pytest
from django.core.management import call_command
from django.test import override_settings

from bridge_api.health import readiness_forget

pytestmark = pytest.mark.usefixtures("demo_baserow")

PACKAGE = "bridge_client"
DEAD_REDIS = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package, generated once per module from `manage.py spectacular`'s schema."""
    root = tmp_path_factory.mktemp("generated-client")
    schema = root / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    config = root / "config.json"
    # No post hooks: the generator would otherwise run ruff over its output.
    config.write_text(json.dumps({"package_name_override": PACKAGE, "post_hooks": []}))
    generator = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(root / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(root))
    try:
        package = importlib.import_module(PACKAGE)
        importlib.import_module(f"{PACKAGE}.models")  # sets `package.models`, whatever runs first
        yield package
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def operation(tag: str, operation_id: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation_id}")


@pytest.fixture
def connect(generated, live_server, make_token):
    """A generated client on the live server, with a fresh token holding `scopes`. Each is closed
    at the end of the test: a kept-alive connection would keep its server thread, and that
    thread's database connection, open."""
    clients = []

    def build(*scopes: str, token: str | None = None) -> Any:
        if token is None:
            token = make_token(scopes=list(scopes) or ["read:*"]).plaintext
        clients.append(generated.AuthenticatedClient(base_url=live_server.url, token=token))
        return clients[-1]

    yield build
    for client in clients:
        client.get_httpx_client().close()


@pytest.fixture
def writing(connect):
    return connect("write:attributions", "read:*")


def assert_error(generated, response, status: int, code: str) -> Any:
    """The answer has `status` and parses into the generated error envelope with `code`."""
    models = generated.models
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, models.ErrorEnvelope), (
        f"{status} is not declared for this operation: the generated client cannot parse it"
    )
    assert response.parsed.error.code is models.ErrorEnvelopeErrorCode(code)
    assert isinstance(response.parsed.error.message, str)
    return response.parsed.error


def attribuer(client, s, heures: float, **kwargs: Any) -> Any:
    modules_attribuer = operation("writes", "modules_attribuer")
    # The body's model, whatever the schema names its component.
    body_model = get_type_hints(modules_attribuer.sync_detailed)["body"]
    body = body_model(personne_id=s.ana, heures=heures)
    return modules_attribuer.sync_detailed(s.module, client=client, body=body, **kwargs)


# -- success: typed models ----------------------------------------------------------------------


def test_a_read_parses_into_the_typed_personne(generated, connect):
    response = operation("personnes", "personnes_retrieve").sync_detailed(1, client=connect())

    assert response.status_code == 200
    models = generated.models
    assert isinstance(response.parsed, models.PersonneEnvelope)
    personne = response.parsed.data
    assert isinstance(personne, models.Personne)
    assert personne.personne_id == 1
    assert isinstance(personne.nom_prenom, str)
    # JSON numbers: the generated model declares `float`, and 750 arrives as an int.
    assert isinstance(personne.capacite_formation_h, int | float)
    assert all(isinstance(role, models.PersonneRolesEnum) for role in personne.roles)
    assert personne.heures_restantes_formation == (
        personne.capacite_formation_h - personne.heures_attribuees_formation
    )


def test_a_write_parses_into_the_typed_attribution(generated, writing, s):
    response = attribuer(writing, s, 12.0)

    assert response.status_code == 201, response.content
    models = generated.models
    assert isinstance(response.parsed, models.AttributionWriteEnvelope)
    attribution = response.parsed.data
    assert attribution.heures_attribuees == 12
    assert attribution.statut is models.AttributionStatutEnum.PREVU
    assert s.count("attribution") > 0


# -- errors: the envelope, with its code, for each class ----------------------------------------


def test_400_validation_error(generated, writing, s):
    error = assert_error(generated, attribuer(writing, s, -1.0), 400, "VALIDATION_ERROR")
    assert "heures" in error.details.additional_properties


def test_401_bad_token(generated, connect):
    response = operation("personnes", "personnes_retrieve").sync_detailed(
        1, client=connect(token="brg_not_a_real_token")
    )
    assert_error(generated, response, 401, "AUTH_INVALID")


def test_403_missing_scope(generated, connect, s):
    assert_error(generated, attribuer(connect("read:*"), s, 2.0), 403, "FORBIDDEN_SCOPE")


def test_404_unknown_resource(generated, connect):
    response = operation("personnes", "personnes_retrieve").sync_detailed(999_999, client=connect())
    assert_error(generated, response, 404, "NOT_FOUND")


def test_409_idempotency_key_reused_for_another_body(generated, writing, s):
    assert attribuer(writing, s, 2.0, idempotency_key="k-409").status_code == 201
    response = attribuer(writing, s, 3.0, idempotency_key="k-409")
    assert_error(generated, response, 409, "CONFLICT")


def test_422_business_rule(generated, writing, s):
    error = assert_error(generated, attribuer(writing, s, 31.0), 422, "RG_VIOLATION")
    assert error.details.additional_properties["rule"] == "RG-01"


def test_502_baserow_down(generated, writing, s, fake):
    fake.fail_next(503, times=10)
    assert_error(generated, attribuer(writing, s, 2.0), 502, "BASEROW_UNAVAILABLE")


def test_503_not_ready(generated, connect, settings):
    client = connect("admin:sync")
    readiness_forget()
    with override_settings(CACHES={**settings.CACHES, "default": DEAD_REDIS}):
        response = operation("operations", "ready").sync_detailed(client=client)
    readiness_forget()
    assert_error(generated, response, 503, "NOT_READY")
