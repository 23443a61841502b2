"""Brute-force protection: admin logins (django-axes) and invalid bearer tokens."""

from datetime import timedelta

from config.env import env

# Admin login: after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair is locked out for AXES_COOLOFF_MINUTES (even with the right password). Attempts and
# lockouts are stored in the database and listed in the admin (Axes → Access attempts).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
# The address comes from the same trusted-proxy rule as everything else (bridge_api/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "bridge_api.client_ip.peer_address"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False

# Failed authentications per real peer address (bridge_api/auth_failures.py): past this rate an
# address gets 429 at that door until the window ends. Any django-ratelimit rate ("30/m").
BRIDGE_AUTH_FAILURE_RATES = {
    "bearer": env.str("AUTH_FAILURE_RATE_BEARER", default="30/m"),
    "webhook": env.str("AUTH_FAILURE_RATE_WEBHOOK", default="30/m"),
}
