"""Celery: reliability settings decided once for every task.

Without CELERY_BROKER_URL tasks run inline (eager), so the zero-configuration service needs no
broker. With a broker, tasks are acknowledged only after they finish (`acks_late`) and are
re-queued if the worker dies mid-task, so a crash never loses work; tasks must therefore be
idempotent. Retry backoff is capped well below the Redis broker's visibility timeout, so a task
waiting for its retry is never redelivered twice.
"""

from config.env import env

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"

CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Seconds. The Redis broker redelivers an unacknowledged message after the visibility timeout,
# so the hard time limit and the longest retry countdown must both stay below it.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=270)
# Used by every task that retries: exponential backoff with jitter, capped here.
CELERY_RETRY_BACKOFF_MAX = env.int("CELERY_RETRY_BACKOFF_MAX", default=600)
CELERY_RETRY_MAX_ATTEMPTS = env.int("CELERY_RETRY_MAX_ATTEMPTS", default=8)
