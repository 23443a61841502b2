"""API tokens: the pepper that keys token digests, and rotation defaults."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env

_DEBUG = env.bool("DEBUG", default=False)
_DEV_ONLY_PEPPER = "insecure-dev-only-token-pepper"

# Token digests are HMAC-SHA256(pepper, secret). Several peppers may be configured so the pepper
# can be rotated: TOKEN_PEPPER is the current one, TOKEN_PEPPERS_PREVIOUS (comma separated) are
# still accepted for tokens hashed under them.
TOKEN_PEPPER = env.str("TOKEN_PEPPER", default=_DEV_ONLY_PEPPER if _DEBUG else "")
if not TOKEN_PEPPER:
    raise ImproperlyConfigured(
        "TOKEN_PEPPER is not set. Set it in the environment (or run `make env` to write a .env "
        "with generated secrets); only DEBUG=true has a development fallback."
    )
TOKEN_PEPPERS_PREVIOUS = [p for p in env.list("TOKEN_PEPPERS_PREVIOUS", default=[]) if p]

# Default grace period for `tokens rotate` when none is given, in seconds.
TOKEN_ROTATION_GRACE_SECONDS = env.int("TOKEN_ROTATION_GRACE_SECONDS", default=24 * 3600)
# The longest grace a rotation may give (a leaked secret must not stay valid for months); a
# longer one is refused, never shortened silently.
TOKEN_ROTATION_GRACE_MAX_SECONDS = env.int("TOKEN_ROTATION_GRACE_MAX_SECONDS", default=7 * 86400)
if not 0 <= TOKEN_ROTATION_GRACE_SECONDS <= TOKEN_ROTATION_GRACE_MAX_SECONDS:
    raise ImproperlyConfigured(
        f"TOKEN_ROTATION_GRACE_SECONDS is {TOKEN_ROTATION_GRACE_SECONDS}; it must be between 0 and "
        f"TOKEN_ROTATION_GRACE_MAX_SECONDS ({TOKEN_ROTATION_GRACE_MAX_SECONDS})."
    )
# last_used_at is written at most once per this many seconds per token.
TOKEN_LAST_USED_RESOLUTION_SECONDS = 60
