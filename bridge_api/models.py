from django.db import models


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
