"""Baserow webhooks, the inbox relay, loop protection, and the Docmost connection."""

from config.env import env
from config.settings.retention import RETENTION_PRUNE_EVERY_SECONDS

# Baserow can only send static custom headers: each webhook is configured with this header and
# one of these secrets (high entropy, comma separated so they can be rotated).
BASEROW_WEBHOOK_HEADER = env.str("BASEROW_WEBHOOK_HEADER", default="X-Bridge-Webhook-Secret")
BASEROW_WEBHOOK_SECRETS = [s for s in env.list("BASEROW_WEBHOOK_SECRETS", default=[]) if s]
# Optional Standard Webhooks signatures (a signing relay in front): whsec_… secrets.
STANDARD_WEBHOOK_SECRETS = [s for s in env.list("STANDARD_WEBHOOK_SECRETS", default=[]) if s]
STANDARD_WEBHOOK_TOLERANCE_SECONDS = 300
# Docmost sends no webhooks; a deployment that adds a signing relay (Standard Webhooks) posts page
# events to /api/webhooks/docmost/ signed with one of these whsec_… secrets.
DOCMOST_WEBHOOK_SECRETS = [s for s in env.list("DOCMOST_WEBHOOK_SECRETS", default=[]) if s]
# The bridge's address as Baserow reaches it (https://bridge.example.org): `manage.py
# baserow_webhooks` registers <this>/api/webhooks/baserow/<kind>/ (or give --bridge-url).
BRIDGE_PUBLIC_URL = env.str("BRIDGE_PUBLIC_URL", default="")
# Webhook bodies may be larger than API requests (200 full rows). Enforced per route by
# bridge_api.middleware.BodySizeLimitMiddleware before the body is read, chunked bodies included.
BRIDGE_WEBHOOK_MAX_BODY_BYTES = env.int("BRIDGE_WEBHOOK_MAX_BODY_BYTES", default=5 * 1024 * 1024)

# Pending inbox events older than this are re-enqueued by the relay (broker outage at commit).
SYNC_RELAY_AFTER_SECONDS = env.int("SYNC_RELAY_AFTER_SECONDS", default=60)
# Attempts before an event is dead-lettered (status failed).
SYNC_MAX_ATTEMPTS = env.int("SYNC_MAX_ATTEMPTS", default=6)
# At most one identical sync per entity row in this window (seconds).
SYNC_IDENTICAL_WINDOW_SECONDS = env.int("SYNC_IDENTICAL_WINDOW_SECONDS", default=300)
# More than this many echoes of the bridge's own writes for one row within a minute open its
# circuit (loop suspected): that row's changes are then held (never dropped) for
# SYNC_CIRCUIT_OPEN_SECONDS and applied from Baserow's current state when it closes.
SYNC_LOOP_THRESHOLD = env.int("SYNC_LOOP_THRESHOLD", default=10)
SYNC_CIRCUIT_OPEN_SECONDS = env.int("SYNC_CIRCUIT_OPEN_SECONDS", default=600)
# A claimed event is the worker's for this long, renewed while it works (heartbeat): a killed
# worker's event is taken again by the relay within about this plus SYNC_RELAY_EVERY_SECONDS.
SYNC_LEASE_SECONDS = env.int("SYNC_LEASE_SECONDS", default=20)

# Docmost. Without DOCMOST_URL the bridge uses an in-process Docmost (demo mode, tests).
DOCMOST_URL = env.str("DOCMOST_URL", default="")
DOCMOST_EMAIL = env.str("DOCMOST_EMAIL", default="")
DOCMOST_PASSWORD = env.str("DOCMOST_PASSWORD", default="")
# The space that receives one page per projet (created if missing).
DOCMOST_AGENCY_SPACE_NAME = env.str("DOCMOST_AGENCY_SPACE_NAME", default="[AGENCE] Projets")
DOCMOST_AGENCY_SPACE_SLUG = env.str("DOCMOST_AGENCY_SPACE_SLUG", default="agence-projets")

# Docmost → Baserow: Docmost pushes no events, so the bridge polls `/api/pages/recent`
# (sync/polling.py). A page is a compte rendu when it is a *direct* child of this parent page
# (UUID); grandchildren are not. Empty: the page `manage.py docmost_setup` created and stored in
# the database; with neither, nothing is treated as a compte rendu and the poll does nothing.
DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID = env.str("DOCMOST_COMPTES_RENDUS_PARENT_PAGE_ID", default="")
# Title of the parent page `manage.py docmost_setup` creates (or adopts) in the agency space.
DOCMOST_COMPTES_RENDUS_PARENT_PAGE_TITLE = env.str(
    "DOCMOST_COMPTES_RENDUS_PARENT_PAGE_TITLE", default="Comptes rendus"
)
# Label meant to mark compte-rendu pages outside the parent (Docmost v0.90+). Reserved: the poll
# does not read labels yet (`recent` does not return them; see sync/polling.py).
DOCMOST_COMPTES_RENDUS_LABEL = env.str("DOCMOST_COMPTES_RENDUS_LABEL", default="compte-rendu")
# The poll walks back to (high-water mark − this many seconds): content edits reach `updatedAt`
# after a debounce (10 s, 45 s max), so an edit may show up slightly older than the mark.
DOCMOST_POLL_OVERLAP_SECONDS = env.int("DOCMOST_POLL_OVERLAP_SECONDS", default=300)
# The space polled (UUID). Empty: every space the service user belongs to.
DOCMOST_POLL_SPACE_ID = env.str("DOCMOST_POLL_SPACE_ID", default="")

CELERY_BEAT_SCHEDULE = {
    "relay-pending-webhook-events": {
        "task": "sync.relay_pending_events",
        "schedule": env.int("SYNC_RELAY_EVERY_SECONDS", default=10),
    },
    "reconcile": {
        "task": "sync.reconcile",
        "schedule": env.int("SYNC_RECONCILE_EVERY_SECONDS", default=6 * 3600),
    },
    "poll-docmost": {
        "task": "sync.poll_docmost",
        "schedule": env.int("DOCMOST_POLL_EVERY_SECONDS", default=120),
    },
    # Retention (config/settings/retention.py).
    "prune": {
        "task": "sync.prune",
        "schedule": RETENTION_PRUNE_EVERY_SECONDS,
    },
}
