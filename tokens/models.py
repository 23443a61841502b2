from django.db import models
from django.utils import timezone


class TokenRevokedError(Exception):
    """Raised when something tries to bring a revoked token back: revocation is final."""


class Token(models.Model):
    """An API token's identity: name, scopes, lifetime. Its secrets are `TokenSecret` rows.

    Rotation gives the same identity (same key id, scopes, history) a new secret, so the
    callers' configuration changes but nothing else does.
    """

    name = models.CharField(max_length=100, help_text="Who or what uses it, e.g. docmost-prod.")
    description = models.TextField(blank=True)
    key_id = models.CharField(max_length=12, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (brg_{self.key_id}_…)"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and self.revoked_at is None:
            was_revoked = (
                Token.objects.filter(pk=self.pk, revoked_at__isnull=False).only("pk").exists()
            )
            if was_revoked:
                raise TokenRevokedError(f"Token {self.key_id} is revoked; revocation is final.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class TokenSecret(models.Model):
    """One secret of a token, stored only as a peppered digest.

    A token has one current secret (valid_until empty) and, during a rotation's grace period,
    the previous ones with the time they stop working.
    """

    token = models.ForeignKey(Token, on_delete=models.CASCADE, related_name="secrets")
    digest = models.CharField(max_length=64, unique=True)
    pepper_id = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["token", "valid_until"])]

    def __str__(self) -> str:
        return f"secret of {self.token.key_id} created {self.created_at:%Y-%m-%d %H:%M}"
