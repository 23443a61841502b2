"""The scope permission: the only way a view is protected."""

from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from hub.errors import ApplicationError, ErrorCode
from tokens.models import Token
from tokens.scopes import Access, Scope, scope_grants


class HasScope(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        required = getattr(view, "required_scope", None)
        if not isinstance(required, Scope | Access):
            # The start-up check should have caught this; refuse rather than serve unprotected.
            raise ImproperlyConfigured(f"{type(view).__name__} does not declare required_scope.")
        if required is Access.PUBLIC:
            return True
        token = cast("Token | None", request.auth)
        if token is None:
            raise NotAuthenticated()
        if required is Access.AUTHENTICATED or scope_grants(token.scopes, required):
            return True
        raise ApplicationError(
            ErrorCode.FORBIDDEN_SCOPE,
            f"This token lacks the scope {required.value!r}.",
            details={"required_scope": required.value, "token_scopes": token.scopes},
        )
