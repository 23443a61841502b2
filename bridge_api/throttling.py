"""Rate limits per token and endpoint class, counted by django-ratelimit in the shared cache.

A view picks its class with `rate_class` ("read", "write", "webhook", "pdf"); by default safe
methods are "read" and the others "write". Each token has its own counter per class, so one
token exhausting its budget never throttles another.

Webhooks carry no token, and an address is whatever the client claims it is, so they are
counted after their secret is checked: an authenticated delivery against the webhook's own
identity (which secret, which kind), a failed authentication against the real peer address
(`bridge_api.auth_failures`, door "webhook"). Junk, however much of it and from wherever,
therefore never uses up the budget of a real delivery.
"""

import logging
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from bridge_api.auth_failures import auth_failure_record, auth_failures_refuse_blocked
from bridge_api.metrics import RATE_LIMITER_UNAVAILABLE
from hub.errors import ApplicationError, ErrorCode
from tokens.models import Token

logger = logging.getLogger("bridge.ratelimit")

WEBHOOK_DOOR = "webhook"


def rate_class_of(request: Request, view: Any) -> str:
    declared = getattr(view, "rate_class", None)
    if declared:
        return str(declared)
    return "read" if request.method in ("GET", "HEAD", "OPTIONS") else "write"


def rate_limit_enforce(
    *, request: HttpRequest | Request, limit_class: str, identity: str, rate: str
) -> None:
    """Count one request of `identity` in `limit_class`; past `rate`, 429 with Retry-After."""
    usage = get_usage(
        request,
        group=f"bridge.{limit_class}",
        key=lambda _group, _request: identity,
        rate=rate,
        increment=True,
    )
    if usage is None:
        if settings.RATELIMIT_ENABLE:
            # Only reached when the cache failed and RATELIMIT_FAIL_OPEN is on.
            RATE_LIMITER_UNAVAILABLE.inc()
            logger.warning("bridge.ratelimit.cache-unavailable", extra={"fail": "open"})
        return
    if not usage["should_limit"]:
        return
    retry_after = max(1, int(usage["time_left"]))
    if usage["limit"] == 0:  # the cache failed and the limiter is configured fail-closed
        logger.warning("bridge.ratelimit.cache-unavailable", extra={"fail": "closed"})
        raise ApplicationError(
            ErrorCode.RATE_LIMITED,
            "Rate limiting is unavailable and configured to fail closed; retry shortly.",
            details={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
    raise ApplicationError(
        ErrorCode.RATE_LIMITED,
        f"Rate limit of {rate} for {limit_class} requests exceeded; retry in {retry_after} s.",
        details={"retry_after": retry_after, "limit_class": limit_class, "limit": rate},
        headers={"Retry-After": str(retry_after)},
    )


class TokenRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        rate_class = rate_class_of(request, view)
        token = cast("Token | None", request.auth)
        identity = f"token:{token.key_id}" if token is not None else f"ip:{self.get_ident(request)}"
        rate_limit_enforce(
            request=request,
            limit_class=rate_class,
            identity=identity,
            rate=settings.BRIDGE_RATE_LIMITS[rate_class],
        )
        return True


def webhook_delivery_throttle(*, request: HttpRequest, credential: str, kind: str) -> None:
    """An authenticated delivery counts against its webhook (credential and kind), not an IP."""
    rate_limit_enforce(
        request=request,
        limit_class="webhook",
        identity=f"webhook:{kind}:{credential}",
        rate=settings.BRIDGE_RATE_LIMITS["webhook"],
    )


def webhook_auth_failed(*, request: HttpRequest) -> None:
    """A wrong webhook secret or signature: counted at the "webhook" door of auth_failures.

    Called only once the secret has been found wrong, so, unlike the bearer door, a blocked
    address still gets its valid deliveries through (Baserow may share an address with the
    junk): only its failures are refused with 429.
    """
    auth_failures_refuse_blocked(request=request, door=WEBHOOK_DOOR)
    auth_failure_record(request=request, door=WEBHOOK_DOOR)
