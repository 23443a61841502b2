"""Operations: the readiness probe, the Celery worker's metrics endpoint, where beat keeps state."""

import tempfile
from pathlib import Path

from config.env import env

# /api/ready answers from a result at most this old (seconds; 0: run the checks on every hit),
# so a flood of probes never becomes a flood of calls to Baserow and Docmost. Per process.
READY_CACHE_SECONDS = env.float("READY_CACHE_SECONDS", default=5.0)
# Connect and read timeout of the Baserow and Docmost probes, which are never retried: a down
# upstream is reported as such within this time.
READY_PROBE_TIMEOUT_SECONDS = env.float("READY_PROBE_TIMEOUT_SECONDS", default=1.0)

# The Celery worker serves its own Prometheus metrics (task outcomes and durations, Baserow and
# Docmost calls made by tasks) on this port; 0 turns the endpoint off. Local default: loopback
# only; the container listens on every interface so Prometheus can reach it on the network.
CELERY_METRICS_PORT = env.int("CELERY_METRICS_PORT", default=9808)
CELERY_METRICS_ADDR = env.str("CELERY_METRICS_ADDR", default="127.0.0.1")

# beat's schedule state (last run of each entry). Outside the checkout by default.
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME",
    default=str(Path(tempfile.gettempdir()) / "bridge-celerybeat-schedule"),
)
