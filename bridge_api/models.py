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

    def __str__(self) -> str:
        return f"{self.action} {self.entity} {self.entity_id} by {self.token_name or '-'}"


class IdempotencyRecord(models.Model):
    """The outcome of a POST sent with an Idempotency-Key, replayed on retries (24 h)."""

    token_key_id = models.CharField(max_length=12)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    completed = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["token_key_id", "key"], name="idempotency_once_per_token"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.token_key_id})"
