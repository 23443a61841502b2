"""Caches: Redis through django-redis when REDIS_URL is set, in-process memory otherwise."""

from config.env import env

REDIS_URL = env.str("REDIS_URL", default="")

# A Redis outage must degrade (uncached reads, fail-open limits), never hang requests: short
# socket timeouts, and exceptions ignored by the caches whose callers can live without them.
_REDIS_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
    "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
    "IGNORE_EXCEPTIONS": True,
}
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="bridge")


def make_key(key: str, key_prefix: str, version: int) -> str:
    """Keys read as in the design (`bridge:personne:42`), without Django's version segment."""
    return f"{key_prefix}:{key}"


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "KEY_FUNCTION": make_key,
            "OPTIONS": _REDIS_OPTIONS,
        },
        "ratelimit": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "KEY_FUNCTION": make_key,
            "OPTIONS": _REDIS_OPTIONS,
        },
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "bridge.cache"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit",
        },
    }
    # django-ratelimit warns that an in-process cache is not shared between processes: that is
    # the point of the zero-configuration mode (one process, no Redis).
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# CACHE_ENABLED=false turns the cache-aside of representations off (every read goes to Baserow);
# rate limiting keeps its own cache. For debugging and for `make bench`'s cold scenario.
if not env.bool("CACHE_ENABLED", default=True):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
