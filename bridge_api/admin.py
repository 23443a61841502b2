"""Audit trail in the admin: read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bridge_api.models import BlockedPeer
from hub.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "entity", "entity_id", "token_name", "request_id"]
    list_filter = ["action", "entity"]
    search_fields = ["entity_id", "token_name", "token_key_id", "request_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BlockedPeer)
class BlockedPeerAdmin(admin.ModelAdmin):
    """Addresses blocked after failed authentications (admin logins: see Axes below)."""

    list_display = ["created_at", "door", "peer", "failures", "blocked_until"]
    list_filter = ["door"]
    search_fields = ["peer"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
