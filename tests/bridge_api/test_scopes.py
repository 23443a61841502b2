import pytest

from tokens.scopes import Scope, invalid_scopes, scope_grants

pytestmark = pytest.mark.urls("tests.bridge_api.urls")


@pytest.mark.parametrize(
    ("granted", "required", "allowed"),
    [
        (["read:personnes"], Scope.READ_PERSONNES, True),
        (["read:projets"], Scope.READ_PERSONNES, False),
        (["read:*"], Scope.READ_PERSONNES, True),
        (["read:*"], Scope.READ_FORMATIONS, True),
        (["read:*"], Scope.WRITE_ATTRIBUTIONS, False),
        (["read:*"], Scope.ADMIN_ALL, False),
        (["admin:*"], Scope.WRITE_DOCMOST, True),
        (["admin:*"], Scope.ADMIN_MCP, True),
        (["admin:sync"], Scope.ADMIN_MCP, False),
        (["admin:sync"], Scope.ADMIN_ALL, False),
        (["write:attributions"], Scope.WRITE_INTERVENTIONS, False),
        ([], Scope.READ_PERSONNES, False),
    ],
)
def test_scope_grants(granted, required, allowed):
    assert scope_grants(granted, required) is allowed


def test_invalid_scopes_are_reported():
    assert invalid_scopes(["read:*", "read:nothing", "root"]) == ["read:nothing", "root"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scopes", "status"),
    [(["read:personnes"], 200), (["read:*"], 200), (["admin:*"], 200), (["read:projets"], 403)],
)
def test_view_scope_is_enforced(client_for, scopes, status):
    response = client_for(*scopes).get("/api/test/items/42")
    assert response.status_code == status
