"""Docmost: login (cookie only), the token as cookie or Bearer, session revocation, and the
login throttle (CONTRACT §1, §7.3, errata 8).

Logins are throttled per client address for everyone on this machine, so each scenario logs in
from an `X-Forwarded-For` address of its own (Docmost trusts the proxy header)."""

import re

import requests

from tests.contract.targets import DocmostTarget, forwarded_for

COOKIE = re.compile(r"authToken=([^;]+)")


def _token_of(response: requests.Response) -> str:
    match = COOKIE.search(response.headers.get("Set-Cookie", ""))
    assert match, "no authToken cookie"
    return match.group(1)


def test_login_sets_the_token_as_a_cookie_only(docmost_target: DocmostTarget) -> None:
    response = docmost_target.login()
    assert response.status_code == 200
    body = response.json()
    assert (body["success"], body["status"]) == (True, 200)
    assert "data" not in body  # the token is not in the body
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "Path=/" in cookie
    assert "SameSite=Lax" in cookie
    token = _token_of(response)
    for headers in ({"Authorization": f"Bearer {token}"}, {"Cookie": f"authToken={token}"}):
        me = docmost_target.post("/api/users/me", {}, headers=headers)
        assert me.status_code == 200
        assert me.json()["data"]["user"]["email"] == docmost_target.email
        assert set(me.json()["data"]) >= {"user", "workspace"}
    docmost_target.post("/api/auth/logout", {}, token=token)


def test_a_wrong_password_is_a_401(docmost_target: DocmostTarget) -> None:
    response = docmost_target.login(password="not-the-password")
    assert (response.status_code, response.json()) == (
        401,
        {"message": "Email or password does not match", "error": "Unauthorized", "statusCode": 401},
    )


def test_without_a_token_every_call_is_a_bare_401(docmost_target: DocmostTarget) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        response = docmost_target.post("/api/users/me", {}, headers=headers)
        assert (response.status_code, response.json()) == (
            401,
            {"message": "Unauthorized", "statusCode": 401},
        )


def test_logout_revokes_that_session_only(docmost_target: DocmostTarget) -> None:
    kept = docmost_target.token()
    revoked = _token_of(docmost_target.login())
    assert docmost_target.post("/api/users/me", {}, token=revoked).status_code == 200
    assert docmost_target.post("/api/auth/logout", {}, token=revoked).status_code == 200
    assert docmost_target.post("/api/users/me", {}, token=revoked).status_code == 401
    assert docmost_target.post("/api/users/me", {}, token=kept).status_code == 200


def test_the_eleventh_login_in_a_minute_is_throttled_failed_ones_included(
    docmost_target: DocmostTarget,
) -> None:
    address = forwarded_for()  # a budget of its own: the shared one is never spent
    statuses = []
    for _ in range(10):
        response = docmost_target.login(
            "nobody@example.org", "not-the-password", client_address=address
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 10
    throttled = docmost_target.login(client_address=address)  # even the right password
    assert (throttled.status_code, throttled.json()) == (
        429,
        {"statusCode": 429, "message": "Too many requests"},
    )
    assert throttled.headers["Retry-After-auth"] == "60"
    assert not [h for h in throttled.headers if h.lower().startswith("x-ratelimit")]
    # Another client address is not affected.
    other = docmost_target.login("nobody@example.org", "x", client_address=forwarded_for())
    assert other.status_code == 401
