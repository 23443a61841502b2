"""Logging: one JSON object per line on stdout, with the request id on every record."""

from config.env import env

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json")  # "json" or "text" (for a terminal)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "hub.logging.RequestContextFilter"},
        "redact_secrets": {"()": "hub.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_context", "redact_secrets"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # The bridge logs each request itself (bridge.request), with the route and token id.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        # One "Task … succeeded" line per task run (every 30 s for the relay alone); outcomes
        # and durations are in the metrics (bridge_celery_tasks_total). Failures still log.
        "celery.app.trace": {"level": env.str("LOG_LEVEL_CELERY_TASKS", default="WARNING")},
        # Seven "Step n - …" lines per PDF; a report's render is in report_render_seconds.
        "weasyprint.progress": {"level": "WARNING"},
        # fontTools logs each table it subsets while WeasyPrint embeds a font.
        "fontTools": {"level": "WARNING"},
    },
}
