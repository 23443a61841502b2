"""Baserow: database-token and JWT authentication, and their errors (CONTRACT §1)."""

import requests

from tests.contract.helpers import error_of
from tests.contract.targets import BaserowTarget

NOT_PROVIDED = {"detail": "Authentication credentials were not provided."}


def test_the_database_token_is_checked(baserow_target: BaserowTarget) -> None:
    baserow_target.client.check_token()
    response = baserow_target.http.get(
        baserow_target.url("/api/database/tokens/check/"),
        headers={"Authorization": baserow_target.token()},
    )
    assert (response.status_code, response.json()) == (200, {"token": "OK"})


def _get(target: BaserowTarget, path: str, authorization: str) -> requests.Response:
    return target.http.get(target.url(path), headers={"Authorization": authorization})


def test_token_errors_are_401_on_rows_and_403_on_tokens_check(
    baserow_target: BaserowTarget,
) -> None:
    """tokens/check has only token authentication, which offers DRF no `WWW-Authenticate`
    header: its authentication failures are 403, elsewhere 401."""
    table = baserow_target.table("auth", [])
    rows = f"/api/database/rows/table/{table.id}/"
    check = "/api/database/tokens/check/"
    unknown = "Token " + "x" * 32
    spaced = baserow_target.token() + " extra"
    for path, status in ((rows, 401), (check, 403)):
        assert error_of(_get(baserow_target, path, unknown)) == (
            status,
            "ERROR_TOKEN_DOES_NOT_EXIST",
            "The provided token does not exist.",
        )
        assert error_of(_get(baserow_target, path, spaced)) == (
            status,
            "ERROR_INVALID_TOKEN_HEADER",
            "Invalid token header. Token string should not contain spaces.",
        )
    nothing = baserow_target.http.get(baserow_target.url(rows))
    assert (nothing.status_code, nothing.json()) == (401, NOT_PROVIDED)


def test_a_token_on_a_jwt_only_endpoint_is_not_recognised(baserow_target: BaserowTarget) -> None:
    response = baserow_target.http.get(
        baserow_target.url(f"/api/database/tables/database/{baserow_target.database_id}/"),
        headers={"Authorization": baserow_target.token()},
    )
    assert (response.status_code, response.json()) == (401, NOT_PROVIDED)


def test_a_jwt_is_not_accepted_by_tokens_check(baserow_target: BaserowTarget) -> None:
    response = baserow_target.http.get(
        baserow_target.url("/api/database/tokens/check/"),
        headers={"Authorization": baserow_target.jwt()},
    )
    assert (response.status_code, response.json()) == (403, NOT_PROVIDED)


def test_a_jwt_login_gives_access_and_refresh_tokens(baserow_target: BaserowTarget) -> None:
    response = baserow_target.http.post(
        baserow_target.url("/api/user/token-auth/"),
        json={"email": baserow_target.email, "password": baserow_target.password},
    )
    body = response.json()
    assert response.status_code == 200
    assert body["token"] == body["access_token"]
    refreshed = baserow_target.http.post(
        baserow_target.url("/api/user/token-refresh/"),
        json={"refresh_token": body["refresh_token"]},
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["access_token"]
    tables = baserow_target.http.get(
        baserow_target.url(f"/api/database/tables/database/{baserow_target.database_id}/"),
        headers={"Authorization": "JWT " + refreshed.json()["access_token"]},
    )
    assert tables.status_code == 200


def test_a_wrong_password_is_a_401_invalid_credentials(baserow_target: BaserowTarget) -> None:
    response = baserow_target.http.post(
        baserow_target.url("/api/user/token-auth/"),
        json={"email": baserow_target.email, "password": "not-the-password"},
    )
    assert error_of(response)[:2] == (401, "ERROR_INVALID_CREDENTIALS")


def test_a_bad_refresh_token_is_refused(baserow_target: BaserowTarget) -> None:
    response = baserow_target.http.post(
        baserow_target.url("/api/user/token-refresh/"), json={"refresh_token": "nonsense"}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "ERROR_INVALID_REFRESH_TOKEN"


def test_a_bad_jwt_is_a_401_invalid_access_token(baserow_target: BaserowTarget) -> None:
    response = baserow_target.http.get(
        baserow_target.url(f"/api/database/tables/database/{baserow_target.database_id}/"),
        headers={"Authorization": "JWT not.a.token"},
    )
    assert error_of(response)[:2] == (401, "ERROR_INVALID_ACCESS_TOKEN")


def test_bearer_is_not_a_baserow_keyword(baserow_target: BaserowTarget) -> None:
    token = baserow_target.jwt().split()[1]
    response = baserow_target.http.get(
        baserow_target.url(f"/api/database/tables/database/{baserow_target.database_id}/"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (response.status_code, response.json()) == (401, NOT_PROVIDED)


def test_creating_a_field_with_the_token_is_refused(baserow_target: BaserowTarget) -> None:
    table = baserow_target.table("auth", [])
    response = baserow_target.http.post(
        baserow_target.url(f"/api/database/fields/table/{table.id}/"),
        json={"name": "extra", "type": "text"},
        headers={"Authorization": baserow_target.token()},
    )
    assert error_of(response)[:2] == (401, "ERROR_NO_PERMISSION_TO_TABLE")
    # Listing the fields works with the token.
    listed = baserow_target.http.get(
        baserow_target.url(f"/api/database/fields/table/{table.id}/"),
        headers={"Authorization": baserow_target.token()},
    )
    assert listed.status_code == 200
