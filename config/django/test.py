"""Settings for the test suite: real PostgreSQL and Redis (started by scripts/with-services.sh)."""

import os
from typing import cast

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("TOKEN_PEPPER", "test-only-token-pepper")
# The production level: INFO records are built (a bad `extra=` key raises in the test that logs
# it) and formatted, then written to /dev/null; pytest shows captured records when a test fails.
os.environ.setdefault("LOG_LEVEL", "INFO")

from config.django.base import *  # noqa: F403
from config.django.base import CACHES, DATABASES, LOGGING

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "The tests run on PostgreSQL and Redis: run them with `make test`, which starts "
        "throwaway servers when none are reachable, or set DATABASE_URL and REDIS_URL."
    )

# Each xdist worker gets its own cache namespace, so workers never see each other's counters.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
for _alias in CACHES.values():
    _alias["KEY_PREFIX"] = f"bridge-test-{_worker}"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files are served from the apps' folders in tests (no collectstatic step).
WHITENOISE_AUTOREFRESH = True

_handlers = cast(dict[str, dict[str, object]], LOGGING["handlers"])
_handlers["stdout"]["stream"] = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run
