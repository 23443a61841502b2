"""Authentication: database tokens (`Token …`), JWTs (`JWT …`) and which endpoints take which;
the token-auth, token-refresh and tokens/check endpoints."""

import secrets
import time
from typing import Any

from integrations.fakes.baserow.errors import FakeError
from integrations.fakes.baserow.state import BaserowState


class AuthMixin(BaserowState):
    def expire_jwts(self) -> None:
        self._access_tokens.clear()

    def _authenticate(self, header: str | None, accepted: str) -> None:
        if accepted == "none":
            return
        words = (header or "").split()
        keyword = words[0].lower() if words else ""
        # A view that only has token authentication has no `WWW-Authenticate` to offer, so DRF
        # answers its authentication failures with 403 (tokens/check); the others with 401.
        status = 403 if accepted == "token" else 401
        if keyword == "token" and accepted in ("any", "token", "jwt+token-denied"):
            if len(words) != 2:
                detail = (
                    "Invalid token header. No token provided."
                    if len(words) < 2
                    else "Invalid token header. Token string should not contain spaces."
                )
                raise FakeError(status, "ERROR_INVALID_TOKEN_HEADER", detail)
            if not secrets.compare_digest(words[1], self.database_token):
                raise FakeError(
                    status, "ERROR_TOKEN_DOES_NOT_EXIST", "The provided token does not exist."
                )
            if accepted == "jwt+token-denied":  # field create checks a permission no token has
                raise FakeError(
                    401,
                    "ERROR_NO_PERMISSION_TO_TABLE",
                    "The token does not have permissions to the table.",
                )
            return
        # Token-only endpoints (tokens/check) do not recognise a JWT.
        if keyword == "jwt" and len(words) == 2 and accepted != "token":
            expires = self._access_tokens.get(words[1])
            if expires is None or expires < time.monotonic():
                raise FakeError(
                    401, "ERROR_INVALID_ACCESS_TOKEN", "Access token is expired or invalid."
                )
            return
        # No credentials this endpoint accepts (e.g. a Token on a JWT-only endpoint).
        raise FakeError(status, None, "Authentication credentials were not provided.")

    def _issue_access(self) -> str:
        access = secrets.token_urlsafe(24)
        self._access_tokens[access] = time.monotonic() + self.access_lifetime
        return access

    def _token_auth(self, *, payload: Any, **_: Any) -> tuple[int, Any]:
        payload = payload or {}
        if payload.get("email") != self.email or payload.get("password") != self.password:
            raise FakeError(401, "ERROR_INVALID_CREDENTIALS", "Invalid e-mail address or password.")
        access, refresh = self._issue_access(), secrets.token_urlsafe(24)
        self._refresh_tokens.add(refresh)
        user = {"id": 1, "username": self.email, "first_name": "Bridge"}
        return 200, {
            "access_token": access,
            "refresh_token": refresh,
            "token": access,
            "user": user,
        }

    def _token_check(self, **_: Any) -> tuple[int, Any]:
        return 200, {"token": "OK"}

    def _token_refresh(self, *, payload: Any, **_: Any) -> tuple[int, Any]:
        if (payload or {}).get("refresh_token") not in self._refresh_tokens:
            raise FakeError(
                401, "ERROR_INVALID_REFRESH_TOKEN", "Refresh token is expired or invalid."
            )
        access = self._issue_access()
        return 200, {"access_token": access, "token": access}
