"""Django settings. Concern-specific settings live in `config/settings/` and are imported last."""

from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=False)

# Secrets have no default outside DEBUG: the service refuses to start without them.
_DEV_ONLY_SECRET = "insecure-dev-only-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_ONLY_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it in the environment (or run `make env` to write a .env "
        "with generated secrets); only DEBUG=true has a development fallback."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "corsheaders",
    "hub",
    "bridge_api",
    "tokens",
    "sync",
    "reports",
    "embeds",
]

MIDDLEWARE = [
    "bridge_api.middleware.RequestContextMiddleware",
    "bridge_api.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy: strict for the JSON API, 'self' + nonces for the HTML pages.
    "bridge_api.csp.BridgeCSPMiddleware",
    # CORS for the embeds API, from the Docmost origins only (embeds/origins.py).
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out admin login itself.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite when nothing is configured; PostgreSQL in production (DATABASE_URL=postgres://...).
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
# Off by default: the check costs a round trip per request; after a database restart each worker
# then fails one request before reconnecting. Turn on where that matters more than latency.
DATABASES["default"].setdefault(
    "CONN_HEALTH_CHECKS", env.bool("DATABASE_CONN_HEALTH_CHECKS", default=False)
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests (gunicorn threads) must queue for SQLite's single writer, not fail
    # with "database is locked": WAL lets readers run beside the writer; BEGIN IMMEDIATE takes
    # the write lock when a transaction starts, so a read-then-write transaction never hits the
    # lock upgrade that SQLite refuses without waiting; the busy timeout is how long one waits.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("DATABASE_SQLITE_TIMEOUT", default=20),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Unknown routes under /api/ are answered by a catch-all in the envelope; APPEND_SLASH stays for
# the admin.
APPEND_SLASH = True

from config.settings.api import *  # noqa: E402,F403
from config.settings.auth import *  # noqa: E402,F403
from config.settings.baserow import *  # noqa: E402,F403
from config.settings.cache import *  # noqa: E402,F403
from config.settings.celery import *  # noqa: E402,F403
from config.settings.email import *  # noqa: E402,F403
from config.settings.embeds import *  # noqa: E402,F403
from config.settings.logging import *  # noqa: E402,F403
from config.settings.operations import *  # noqa: E402,F403
from config.settings.retention import *  # noqa: E402,F403
from config.settings.security import *  # noqa: E402,F403
from config.settings.sync import *  # noqa: E402,F403
from config.settings.tokens import *  # noqa: E402,F403
