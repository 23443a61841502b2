"""DRF authentication: `Authorization: Bearer brg_…`."""

from dataclasses import dataclass

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from bridge_api.auth_failures import auth_failure_record, auth_failures_refuse_blocked
from tokens.models import Token
from tokens.services import TokenAuthenticationError, token_authenticate

DOOR = "bearer"


@dataclass(frozen=True)
class TokenPrincipal:
    """`request.user` for token-authenticated requests (there are no user accounts here)."""

    token: Token
    is_authenticated: bool = True
    is_anonymous: bool = False


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[TokenPrincipal, Token] | None:
        header = request.META.get("HTTP_AUTHORIZATION")
        if header is None:
            return None  # the scope permission answers AUTH_REQUIRED
        auth_failures_refuse_blocked(request=request._request, door=DOOR)
        scheme, _, credentials = header.strip().partition(" ")
        if scheme.lower() != self.keyword.lower() or not credentials.strip():
            auth_failure_record(request=request._request, door=DOOR)
            raise AuthenticationFailed(
                "The Authorization header must read 'Bearer brg_…' (one space, then the token)."
            )
        try:
            token = token_authenticate(raw=credentials.strip())
        except TokenAuthenticationError as exc:
            auth_failure_record(request=request._request, door=DOOR)
            raise AuthenticationFailed(exc.message) from None
        request._request.bridge_token_id = token.key_id  # type: ignore[attr-defined]  # for logs
        return TokenPrincipal(token=token), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="bridge"'
