"""Authentication: login (an `authToken` cookie only, throttled per client address), logout,
the token as cookie or Bearer, and `users/me`."""

import hashlib
import hmac
import json
import math
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from requests.structures import CaseInsensitiveDict

from integrations.fakes.docmost.models import (
    LOGIN_LIMIT,
    LOGIN_WINDOW,
    TOKEN_LIFETIME,
    FakeError,
    _b64url,
    _uuid7,
)
from integrations.fakes.docmost.state import DocmostState
from integrations.fakes.docmost.validation import _is_email, _is_string, _not_empty, _Validator


class AuthMixin(DocmostState):
    def expire_tokens(self) -> None:
        """Every issued token stops working (expired or revoked sessions)."""
        with self._lock:
            self._sessions.clear()

    def _authenticate(self, headers: CaseInsensitiveDict[str]) -> None:
        token = None
        cookies: dict[str, str] = {}
        for part in headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            cookies[name] = value
        if "authToken" in cookies:  # the cookie wins over a Bearer header
            token = cookies["authToken"]
        else:
            words = headers.get("Authorization", "").split()
            if len(words) == 2 and words[0].lower() == "bearer":
                token = words[1]
        if token is None or token not in self._sessions:
            raise FakeError(401)
        self._current_token = token

    def _issue_token(self) -> str:
        session_id = _uuid7()
        now = int(time.time())
        header = {"alg": "HS256", "typ": "JWT"}
        claims = {
            "sub": self.user["id"],
            "email": self.email,
            "workspaceId": self.workspace_id,
            "type": "access",
            "sessionId": session_id,
            "iat": now,
            "exp": now + int(TOKEN_LIFETIME.total_seconds()),
            "iss": "Docmost",
        }
        signing_input = ".".join(
            _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        signature = hmac.new(self._secret, signing_input.encode(), hashlib.sha256).digest()
        token = f"{signing_input}.{_b64url(signature)}"
        self._sessions[token] = session_id
        return token

    def _login(self, payload: Any, *, extra: dict[str, str]) -> Any:
        now, address = self.clock(), self._client_address
        blocked_until = self._login_blocks.get(address, 0.0)
        if blocked_until > now:  # only this header on a 429, no X-RateLimit-*
            extra["Retry-After-auth"] = str(max(_whole_seconds(blocked_until - now), 1))
            raise _Throttled()
        start, hits = self._login_windows.get(address, (now, 0))
        if start <= now - LOGIN_WINDOW:
            start, hits = now, 0
        hits += 1
        self._login_windows[address] = (start, hits)
        if hits > LOGIN_LIMIT:
            self._login_blocks[address] = now + LOGIN_WINDOW
            extra["Retry-After-auth"] = str(math.ceil(LOGIN_WINDOW))
            raise _Throttled()
        extra["X-RateLimit-Limit-auth"] = str(LOGIN_LIMIT)
        extra["X-RateLimit-Remaining-auth"] = str(LOGIN_LIMIT - hits)
        extra["X-RateLimit-Reset-auth"] = str(max(_whole_seconds(start + LOGIN_WINDOW - now), 1))
        check = _Validator(payload)
        check.field("email", _is_email, required=True)
        check.field("password", _is_string, _not_empty, required=True)
        fields = check.done()
        if not (
            fields["email"].lower() == self.email.lower()
            and secrets.compare_digest(fields["password"], self.password)
        ):
            raise FakeError(401, "Email or password does not match")
        token = self._issue_token()
        self.logins += 1
        expires = (datetime.now(UTC) + TOKEN_LIFETIME).strftime("%a, %d %b %Y %H:%M:%S GMT")
        extra["Set-Cookie"] = (
            f"authToken={token}; Path=/; HttpOnly; SameSite=Lax; Expires={expires}"
        )
        return None  # the token is in the cookie only

    def _logout(self, payload: Any, *, extra: dict[str, str]) -> Any:
        """Revokes the calling session (other sessions stay) and clears the cookie."""
        self._sessions.pop(self._current_token, None)
        extra["Set-Cookie"] = "authToken=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
        return None

    def _me(self, payload: Any, **_: Any) -> Any:
        now = self._stamp()
        user = {
            **{key: self.user[key] for key in ("id", "name", "email", "avatarUrl")},
            "emailVerifiedAt": None,
            "role": self.workspace_role,
            "workspaceId": self.workspace_id,
            "locale": "en-US",
            "timezone": "UTC",
            "settings": None,
            "lastLoginAt": now,
            "deactivatedAt": None,
            "createdAt": now,
            "updatedAt": now,
            "deletedAt": None,
            "hasGeneratedPassword": False,
        }
        workspace = {
            "id": self.workspace_id,
            "name": "Formation Hub",
            "hostname": None,
            "memberCount": 2,
        }
        return {"user": user, "workspace": workspace}


def _whole_seconds(seconds: float) -> int:
    """Rounded up, ignoring float noise (30.000000000004 is 30)."""
    return math.ceil(round(seconds, 6))


class _Throttled(FakeError):
    def __init__(self) -> None:
        super().__init__(429)
        self.body = {"statusCode": 429, "message": "Too many requests"}
