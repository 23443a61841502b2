"""The application layer's records: the audit trail, idempotency, the echo ledger and alerts.

They moved here from `bridge_api` and `sync` with their tables (`db_table` keeps the names).
"""

from django.db import models


class AuditEntry(models.Model):
    """One write the bridge made on behalf of a token: who, what, before and after."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    token_key_id = models.CharField(max_length=12, blank=True)
    token_name = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=64)  # e.g. attribution.create
    entity = models.CharField(max_length=32)
    entity_id = models.BigIntegerField(null=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["entity", "entity_id"])]
        verbose_name_plural = "audit entries"
        db_table = "bridge_api_auditentry"

    def __str__(self) -> str:
        return f"{self.action} {self.entity} {self.entity_id} by {self.token_name or '-'}"


class IdempotencyRecord(models.Model):
    """The outcome of a write sent with an idempotency key, replayed on retries (24 h).

    `token_key_id` scopes the key to its caller; `request_hash` fingerprints the arguments, so
    the same key with other arguments is refused.
    """

    token_key_id = models.CharField(max_length=12)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    completed = models.BooleanField(default=False)
    # The bridge's own id of the request that claimed the key: if that request dies mid-way,
    # the audit trail under this id tells whether it wrote anything before dying.
    request_id = models.CharField(max_length=64, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["token_key_id", "key"], name="idempotency_once_per_token"
            )
        ]
        db_table = "bridge_api_idempotencyrecord"

    def __str__(self) -> str:
        return f"{self.key} ({self.token_key_id})"


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
        db_table = "sync_echoledgerentry"

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
        db_table = "sync_alert"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.message[:60]}"
