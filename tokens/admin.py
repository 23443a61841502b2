"""Tokens in the admin: create (secret shown once), rotate, revoke. Never a stored secret."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from tokens.models import Token, TokenRevokedError, TokenSecret
from tokens.scopes import SCOPE_DESCRIPTIONS
from tokens.services import (
    IssuedToken,
    TokenValidationError,
    token_create,
    token_revoke,
    token_rotate,
    token_rotation_grace_check,
)

SCOPE_CHOICES = [
    (scope.value, f"{scope.value} — {text}") for scope, text in SCOPE_DESCRIPTIONS.items()
]


class TokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=SCOPE_CHOICES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Token
        fields = ["name", "description", "scopes", "expires_at"]

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError("The expiry date is in the past.")
        return expires_at


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Token]) -> QuerySet[Token]:
        now = timezone.now()
        live = queryset.filter(revoked_at__isnull=True)
        if self.value() == "active":
            return live.exclude(expires_at__lte=now)
        if self.value() == "expired":
            return live.filter(expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class TokenSecretInline(admin.TabularInline):
    model = TokenSecret
    fields = ["created_at", "valid_until", "pepper_id"]
    readonly_fields = ("created_at", "valid_until", "pepper_id")
    extra = 0
    can_delete = False
    verbose_name_plural = "Secrets (digests only; the current one has no end)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RotateForm(forms.Form):
    grace_seconds = forms.IntegerField(
        min_value=0,
        initial=3600,
        help_text="How long the previous secret keeps working, in seconds. 0 stops it now; at "
        "most TOKEN_ROTATION_GRACE_MAX_SECONDS.",
    )

    def clean_grace_seconds(self) -> int:
        try:
            return token_rotation_grace_check(grace_seconds=self.cleaned_data["grace_seconds"])
        except TokenValidationError as exc:
            raise forms.ValidationError(str(exc)) from exc


def _show_secrets(request: HttpRequest, issued: list[IssuedToken], title: str) -> HttpResponse:
    response = TemplateResponse(
        request,
        "admin/tokens/token_secret.html",
        {**admin.site.each_context(request), "title": title, "issued": issued},
    )
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin):
    form = TokenForm
    list_display = [
        "name",
        "key_id",
        "status",
        "scope_list",
        "expires_at",
        "last_used_at",
        "created_at",
    ]
    list_filter = [StatusFilter]
    search_fields = ["name", "key_id", "description"]
    readonly_fields = ["key_id", "created_at", "created_by", "revoked_at", "last_used_at"]
    inlines = [TokenSecretInline]
    actions = ["rotate_tokens", "revoke_tokens"]

    @admin.display(description="scopes")
    def scope_list(self, obj: Token) -> str:
        return " ".join(obj.scopes)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the row is the audit trail of who had access

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.inlines if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Token, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = token_create(
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data.get("expires_at"),
            description=form.cleaned_data.get("description", ""),
            created_by=getattr(request.user, "username", ""),
        )
        obj.pk = issued.token.pk
        request._issued_token = issued  # type: ignore[attr-defined]  # read by response_add

    def response_add(
        self, request: HttpRequest, obj: Token, post_url_continue: Any = None
    ) -> HttpResponse:
        issued = getattr(request, "_issued_token", None)
        if issued is None:
            return super().response_add(request, obj, post_url_continue)
        return _show_secrets(request, [issued], "Token created")

    @admin.action(
        description="Rotate selected tokens (new secret, old one valid for a grace period)"
    )
    def rotate_tokens(self, request: HttpRequest, queryset: QuerySet[Token]) -> HttpResponse | None:
        form = RotateForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            grace = form.cleaned_data["grace_seconds"]
            issued, skipped = [], []
            for token in queryset:
                try:
                    issued.append(token_rotate(token=token, grace_seconds=grace))
                except TokenRevokedError:
                    skipped.append(token.name)
            if skipped:
                self.message_user(
                    request, f"Not rotated (revoked): {', '.join(skipped)}", messages.WARNING
                )
            if not issued:
                return None
            return _show_secrets(request, issued, "Tokens rotated")
        return TemplateResponse(
            request,
            "admin/tokens/token_action.html",
            {
                **self.admin_site.each_context(request),
                "title": "Rotate tokens",
                "action": "rotate_tokens",
                "tokens": queryset,
                "form": form,
                "explanation": "Each selected token gets a new secret. Its previous secret keeps "
                "working for the grace period, so callers can be updated without downtime.",
            },
        )

    @admin.action(description="Revoke selected tokens (irreversible)")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[Token]) -> HttpResponse | None:
        if "apply" in request.POST:
            revoked = sum(token_revoke(token=token) for token in queryset)
            self.message_user(request, f"Revoked {revoked} token(s). This cannot be undone.")
            return None
        return TemplateResponse(
            request,
            "admin/tokens/token_action.html",
            {
                **self.admin_site.each_context(request),
                "title": "Revoke tokens",
                "action": "revoke_tokens",
                "tokens": queryset,
                "form": None,
                "explanation": "Revocation takes effect on the next request and cannot be undone.",
            },
        )
