"""The real peer address of a request, never what a client claims about itself.

`X-Forwarded-For` is written by whoever sends the request, so it is trusted only as far as the
deployment says: `BRIDGE_TRUSTED_PROXIES` is the number of reverse proxies in front of the
service (default 0: trust none, use the socket's address). With N proxies, the address the
outermost of them saw is the N-th entry from the right of `X-Forwarded-For`; anything further
left was written by the client and is ignored.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# No address is known (a request built outside a socket): still a valid address for the stores.
UNKNOWN_PEER = "0.0.0.0"  # noqa: S104 (a value, not a bind address)


def peer_address(request: HttpRequest) -> str:
    """The client address as seen by the first trusted hop (the socket when none is trusted)."""
    meta = getattr(request, "META", {})
    remote = str(meta.get("REMOTE_ADDR") or "")
    proxies = int(settings.BRIDGE_TRUSTED_PROXIES)
    if proxies <= 0:
        return remote or UNKNOWN_PEER
    hops = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        return remote or UNKNOWN_PEER  # fewer hops than proxies: the header is not ours
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote or UNKNOWN_PEER
