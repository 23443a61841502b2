"""Retention: how long the bridge keeps its operational records (`sync.prune`, daily).

Pruned: processed inbox events (done, skipped), echo-ledger entries, idempotency records and
acknowledged alerts, each after its age below. Dead letters (failed inbox events) and
quarantined events are kept until an admin acknowledges their alert, then pruned like processed
events, counted from the acknowledgement; an alert about an inbox event is kept while the event
is. Deletes run in batches of RETENTION_BATCH_SIZE rows, so a large backlog never holds a long
lock. Audit entries and sync runs are not pruned.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env

RETENTION_DONE_EVENTS_DAYS = env.int("RETENTION_DONE_EVENTS_DAYS", default=30)
# The echo ledger is read for an hour after a write (hub/echo.py, ECHO_WINDOW); a week is far
# beyond any plausible echo delay (a broker outage, retries), yet keeps the table small.
RETENTION_ECHO_LEDGER_DAYS = env.int("RETENTION_ECHO_LEDGER_DAYS", default=7)
# An Idempotency-Key is honoured for 24 hours (bridge_api/idempotency.py): pruning sooner would
# let a late retry run twice.
RETENTION_IDEMPOTENCY_HOURS = env.int("RETENTION_IDEMPOTENCY_HOURS", default=24)
RETENTION_RESOLVED_ALERTS_DAYS = env.int("RETENTION_RESOLVED_ALERTS_DAYS", default=90)
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=1000)
RETENTION_PRUNE_EVERY_SECONDS = env.int("RETENTION_PRUNE_EVERY_SECONDS", default=24 * 3600)

_MINIMUMS = {
    "RETENTION_DONE_EVENTS_DAYS": (RETENTION_DONE_EVENTS_DAYS, 1),
    "RETENTION_ECHO_LEDGER_DAYS": (RETENTION_ECHO_LEDGER_DAYS, 1),
    "RETENTION_IDEMPOTENCY_HOURS": (RETENTION_IDEMPOTENCY_HOURS, 24),
    "RETENTION_RESOLVED_ALERTS_DAYS": (RETENTION_RESOLVED_ALERTS_DAYS, 1),
    "RETENTION_BATCH_SIZE": (RETENTION_BATCH_SIZE, 1),
    "RETENTION_PRUNE_EVERY_SECONDS": (RETENTION_PRUNE_EVERY_SECONDS, 60),
}
for _name, (_value, _minimum) in _MINIMUMS.items():
    if _value < _minimum:
        raise ImproperlyConfigured(f"{_name} is {_value}; it must be at least {_minimum}.")
