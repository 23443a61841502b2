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
