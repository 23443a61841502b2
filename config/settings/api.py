"""REST framework, OpenAPI, request limits and rate limits."""

from config.env import env
from integrations.baserow.schema import SCHEMA

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["bridge_api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["bridge_api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["bridge_api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["bridge_api.parsers.BridgeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "bridge_api.openapi.BridgeAutoSchema",
    "EXCEPTION_HANDLER": "bridge_api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": False,
    # DRF's own idea of the client address follows the same trusted-proxy count.
    "NUM_PROXIES": None,
}

# Reverse proxies in front of the service whose X-Forwarded-For is trusted (0: none, the socket's
# address is the client). See bridge_api/client_ip.py.
BRIDGE_TRUSTED_PROXIES = env.int("BRIDGE_TRUSTED_PROXIES", default=0)
REST_FRAMEWORK["NUM_PROXIES"] = BRIDGE_TRUSTED_PROXIES

# Largest request body accepted, in bytes; anything bigger is answered 413 before it is read.
BRIDGE_MAX_BODY_BYTES = env.int("BRIDGE_MAX_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = None  # limits are per route: bridge_api.middleware.body_limit

# Rate limits per token and endpoint class (requests per minute by default; any django-ratelimit
# rate such as "100/10s" is accepted).
BRIDGE_RATE_LIMITS = {
    "read": env.str("RATE_LIMIT_READ", default="600/m"),
    "write": env.str("RATE_LIMIT_WRITE", default="60/m"),
    "webhook": env.str("RATE_LIMIT_WEBHOOK", default="1000/m"),
    "pdf": env.str("RATE_LIMIT_PDF", default="10/m"),
}
RATELIMIT_ENABLE = env.bool("RATE_LIMIT_ENABLE", default=True)
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_CACHE_PREFIX = "bridge:rate-limit:"
# Fail open: when Redis is unreachable the limiter lets requests through (and logs it) rather
# than turning a cache outage into a full API outage. Set RATE_LIMIT_FAIL_OPEN=false to refuse
# traffic instead (every request then gets 429 until Redis is back).
RATELIMIT_FAIL_OPEN = env.bool("RATE_LIMIT_FAIL_OPEN", default=True)

# Mounts GET /api/_bench/floor, a bare DRF view used by `make bench` as the framework floor.
BRIDGE_BENCH_FLOOR = env.bool("BRIDGE_BENCH_FLOOR", default=False)

SPECTACULAR_SETTINGS = {
    "TITLE": "Formation Hub Bridge API",
    "DESCRIPTION": (
        "Typed access to the training centre's and web agency's Baserow data, business rules, "
        "and Docmost sync.\n\n"
        "Authenticate with `Authorization: Bearer brg_…` (create tokens with "
        "`manage.py tokens create`). Each operation names the scope it needs. Every error uses "
        'one envelope: `{"error": {"code", "message", "details"}}`; every response carries an '
        "`X-Request-ID` header to quote in support requests."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI and Redoc from drf-spectacular-sidecar, served from /static/ (no CDN: the docs
    # work offline and the page CSP allows scripts from 'self' only).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge fetched from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # One named enum per select field of the schema (several entities have a `statut`).
    "ENUM_NAME_OVERRIDES": {
        f"{entity.title().replace('_', '')}{name.title().replace('_', '')}Enum": list(spec.options)
        for entity, fields in SCHEMA.items()
        for name, spec in fields.items()
        if spec.options and entity != "compte_rendu"
    }
    | {  # the sync API's enums, named after their model rather than after a field name
        "SyncRunKindEnum": "sync.models.SyncRun.Kind",
        "SyncRunStatusEnum": "sync.models.SyncRun.Status",
        "InboxEventStatusEnum": "sync.models.WebhookEvent.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bridge_api.openapi.add_error_envelope",
        "bridge_api.openapi.require_non_empty_bodies",
    ],
}
