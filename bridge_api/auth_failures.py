"""Failed authentications, throttled by the real peer address (brute force and floods).

Each door that checks a credential ("bearer" for API tokens, "webhook" for webhook secrets)
counts its failures per peer address (bridge_api/client_ip.py: never a client-claimed
address) in the shared cache. Once an address has failed `BRIDGE_AUTH_FAILURE_RATES[door]`
times in the window, every further attempt from it at that door is answered 429 without being
checked, until the window ends: valid or not, so guessing learns nothing. Only failures are
counted: a well-behaved client is never throttled here (its own rate limit still applies).
The moment an address gets blocked is logged (`bridge.auth.blocked`), counted in
`bridge_auth_blocked_total` and stored as a `BlockedPeer` row, listed in the admin.
"""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import get_usage
from prometheus_client import Counter

from bridge_api.client_ip import peer_address
from hub.errors import ApplicationError, ErrorCode

logger = logging.getLogger("bridge.auth")

AUTH_FAILURES = Counter("bridge_auth_failures_total", "Failed authentications, by door.", ["door"])
AUTH_BLOCKED = Counter(
    "bridge_auth_blocked_total",
    "Peer addresses blocked after too many failed authentications, by door.",
    ["door"],
)


def _usage(request: HttpRequest, *, door: str, increment: bool) -> dict[str, Any] | None:
    peer = peer_address(request)
    return get_usage(
        request,
        group=f"bridge.auth-failures.{door}",
        key=lambda _group, _request: f"peer:{peer}",
        rate=settings.BRIDGE_AUTH_FAILURE_RATES[door],
        increment=increment,
    )


def _refusal(door: str, usage: dict[str, Any]) -> ApplicationError:
    retry_after = max(1, int(usage["time_left"]))
    return ApplicationError(
        ErrorCode.RATE_LIMITED,
        f"Too many failed authentications from this address; retry in {retry_after} s "
        "with a valid credential.",
        details={"retry_after": retry_after, "limit_class": f"auth-failures:{door}"},
        headers={"Retry-After": str(retry_after)},
    )


def auth_failures_refuse_blocked(*, request: HttpRequest, door: str) -> None:
    """Raise 429 when this peer address is blocked at this door (call before checking)."""
    usage = _usage(request, door=door, increment=False)
    if usage is not None and usage["count"] >= usage["limit"] > 0:
        raise _refusal(door, usage)


def auth_failure_record(*, request: HttpRequest, door: str) -> None:
    """Count one failed authentication; block the address when it reaches the limit."""
    AUTH_FAILURES.labels(door).inc()
    usage = _usage(request, door=door, increment=True)
    if usage is None or usage["count"] != usage["limit"]:
        return
    from bridge_api.models import BlockedPeer

    peer = peer_address(request)
    AUTH_BLOCKED.labels(door).inc()
    logger.warning(
        "bridge.auth.blocked",
        extra={"door": door, "peer": peer, "failures": usage["count"]},
    )
    BlockedPeer.objects.create(
        door=door,
        peer=peer,
        failures=usage["count"],
        blocked_until=timezone.now() + timedelta(seconds=max(1, int(usage["time_left"]))),
    )
