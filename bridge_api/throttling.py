"""Rate limits per token and endpoint class, counted by django-ratelimit in the shared cache.

A view picks its class with `rate_class` ("read", "write", "webhook", "pdf"); by default safe
methods are "read" and the others "write". Each token has its own counter per class, so one
token exhausting its budget never throttles another.
"""

import logging
from typing import Any, cast

from django.conf import settings
from django_ratelimit.core import get_usage
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from bridge_api.errors import BridgeError, ErrorCode
from bridge_api.metrics import RATE_LIMITER_UNAVAILABLE
from tokens.models import Token

logger = logging.getLogger("bridge.ratelimit")


def rate_class_of(request: Request, view: Any) -> str:
    declared = getattr(view, "rate_class", None)
    if declared:
        return str(declared)
    return "read" if request.method in ("GET", "HEAD", "OPTIONS") else "write"


class TokenRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        rate_class = rate_class_of(request, view)
        rate = settings.BRIDGE_RATE_LIMITS[rate_class]
        token = cast("Token | None", request.auth)
        identity = f"token:{token.key_id}" if token is not None else f"ip:{self.get_ident(request)}"
        usage = get_usage(
            request,
            group=f"bridge.{rate_class}",
            key=lambda _group, _request: identity,
            rate=rate,
            increment=True,
        )
        if usage is None:
            if settings.RATELIMIT_ENABLE:
                # Only reached when the cache failed and RATELIMIT_FAIL_OPEN is on.
                RATE_LIMITER_UNAVAILABLE.inc()
                logger.warning("bridge.ratelimit.cache-unavailable", extra={"fail": "open"})
            return True
        if not usage["should_limit"]:
            return True
        retry_after = max(1, int(usage["time_left"]))
        if usage["limit"] == 0:  # the cache failed and the limiter is configured fail-closed
            logger.warning("bridge.ratelimit.cache-unavailable", extra={"fail": "closed"})
            raise BridgeError(
                ErrorCode.RATE_LIMITED,
                "Rate limiting is unavailable and configured to fail closed; retry shortly.",
                details={"retry_after": retry_after},
                headers={"Retry-After": str(retry_after)},
            )
        raise BridgeError(
            ErrorCode.RATE_LIMITED,
            f"Rate limit of {rate} for {rate_class} requests exceeded; retry in {retry_after} s.",
            details={"retry_after": retry_after, "limit_class": rate_class, "limit": rate},
            headers={"Retry-After": str(retry_after)},
        )
