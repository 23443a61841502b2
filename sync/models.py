from django.db import models


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
    """A full sync or a reconciliation: progress recorded as it goes, resumable after a crash.

    Who asked for it (a token, a command, beat) is kept on the run: the Baserow writes the run
    makes are audited in their name, whichever worker executes or resumes it.
    """

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
    requested_by_token_key_id = models.CharField(max_length=12, blank=True)
    requested_by_token_name = models.CharField(
        max_length=100, blank=True, help_text="The token, or the command or schedule, that asked."
    )
    request_id = models.CharField(max_length=64, blank=True)

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
