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

    def __str__(self) -> str:
        return f"{self.key} ({self.token_key_id})"


class BlockedPeer(models.Model):
    """A peer address blocked at one door after too many failed authentications.

    Written once per block (not per failure), so a flood costs no database writes.
    """

    class Door(models.TextChoices):
        BEARER = "bearer", "API token"
        WEBHOOK = "webhook", "Webhook secret"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    door = models.CharField(max_length=16, choices=Door.choices)
    peer = models.GenericIPAddressField()
    failures = models.PositiveIntegerField()
    blocked_until = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.peer} blocked at {self.door} until {self.blocked_until:%Y-%m-%d %H:%M}"
