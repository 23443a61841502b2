from django.db import models


class EchoLedgerEntry(models.Model):
    """What the bridge itself wrote to a row, so the webhook it may cause is recognised as an echo.

    `fields` are the logical fields written; `digest` is a hash of their canonical values. A
    later `rows.updated` whose values on those fields hash the same is the bridge's own write.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    entity = models.CharField(max_length=32)
    row_id = models.BigIntegerField()
    fields = models.JSONField()
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["entity", "row_id", "digest"])]
        verbose_name_plural = "echo ledger"

    def __str__(self) -> str:
        return f"{self.entity} {self.row_id} {self.digest[:8]}"


class Alert(models.Model):
    """Something an admin should look at (agency over-capacity, quarantined webhook, …)."""

    class Kind(models.TextChoices):
        AGENCY_OVERCAPACITY = "agency_overcapacity", "Agency over-capacity"
        FORMATION_OVERCAPACITY = "formation_overcapacity", "Formation over-capacity"
        WEBHOOK_QUARANTINED = "webhook_quarantined", "Webhook quarantined"
        SYNC_FAILED = "sync_failed", "Sync failed (dead letter)"
        LOOP_SUSPECTED = "loop_suspected", "Loop suspected (circuit open)"
        WEBHOOK_DEACTIVATED = "webhook_deactivated", "Baserow webhook deactivated"
        OTHER = "other", "Other"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    message = models.TextField()
    entity = models.CharField(max_length=32, blank=True)
    entity_id = models.BigIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message[:60]}"


class WebhookEvent(models.Model):
    """One Baserow webhook delivery, stored before it is acknowledged (the durable inbox).

    Unique on (webhook_id, event_id, batch_id): `event_id` alone is shared by every webhook one
    change fires, and large linked-table payloads are split in batches with the same event_id.
    Duplicate and concurrent deliveries collapse into one row.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped (nothing to do)"
        FAILED = "failed", "Failed (dead letter)"
        QUARANTINED = "quarantined", "Quarantined (malformed)"

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=40)
    webhook_id = models.BigIntegerField(default=0, help_text="0 for Baserow's test calls.")
    event_id = models.CharField(max_length=64)
    batch_id = models.PositiveIntegerField(default=0)
    event_type = models.CharField(max_length=40, blank=True)
    table_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    outcome = models.TextField(blank=True, help_text="What processing did, item by item.")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook_id", "event_id", "batch_id"], name="webhook_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_type} {self.event_id[:8]} ({self.status})"


class EntityLink(models.Model):
    """A Baserow row and the Docmost page or space that mirrors it."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    entity = models.CharField(max_length=32)
    row_id = models.BigIntegerField()
    docmost_space_id = models.CharField(max_length=64, blank=True)
    docmost_page_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=255, blank=True)
    state = models.JSONField(default=dict, blank=True, help_text="Last synced values (statut, …).")
    source_deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="The row disappeared from Baserow; the page is kept."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "row_id"], name="one_link_per_row")
        ]

    def __str__(self) -> str:
        return (
            f"{self.entity} {self.row_id} → {self.docmost_page_id or self.docmost_space_id or '…'}"
        )


class SyncRun(models.Model):
    """A full sync or a reconciliation: progress recorded as it goes, resumable after a crash."""

    class Kind(models.TextChoices):
        FULL_SYNC = "full_sync", "Full sync"
        RECONCILIATION = "reconciliation", "Reconciliation"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    entities = models.JSONField(default=list, help_text="What the run covers, in order.")
    cursor = models.JSONField(default=dict, blank=True, help_text="Where to resume.")
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class DocmostPollState(models.Model):
    """The high-water mark of the Docmost poll (Docmost pushes no events)."""

    key = models.CharField(max_length=40, unique=True)
    high_water_mark = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.high_water_mark}"
