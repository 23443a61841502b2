"""The admin as sync console: inbox, entity links, alerts, echo ledger, and an overview page."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from hub.models import Alert, EchoLedgerEntry
from sync import inbox
from sync.models import EntityLink, SyncRun, WebhookEvent


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = [
        "received_at", "kind", "event_type", "status", "attempts", "short_error", "processed_at",
    ]  # fmt: skip
    list_filter = ["status", "kind", "event_type"]
    search_fields = ["event_id", "last_error", "outcome"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "received_at", "kind", "webhook_id", "event_id", "batch_id", "event_type", "table_id",
        "status", "attempts", "next_attempt_at", "last_error", "outcome", "processed_at", "payload",
    ]  # fmt: skip
    actions = ["replay", "enqueue_again"]
    change_list_template = "admin/sync/webhookevent/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookEvent]:
        queryset = super().get_queryset(request)
        # The payload can be 200 rows: only the detail page loads it.
        return (
            queryset
            if request.resolver_match and "object_id" in request.resolver_match.kwargs
            else queryset.defer("payload")
        )

    @admin.display(description="last error")
    def short_error(self, obj: WebhookEvent) -> str:
        return obj.last_error[:80]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Replay (fresh attempts; never duplicates a page)")
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> None:
        replayed = 0
        for event in queryset.exclude(status=WebhookEvent.Status.QUARANTINED):
            inbox.event_replay(event_id=event.pk)
            replayed += 1
        self.message_user(request, f"{replayed} event(s) queued again.")

    @admin.action(description="Re-enqueue pending events now")
    def enqueue_again(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> None:
        from sync.tasks import process_webhook_event

        pending = queryset.filter(
            status__in=[WebhookEvent.Status.PENDING, WebhookEvent.Status.PROCESSING]
        )
        for event_id in pending.values_list("pk", flat=True):
            process_webhook_event.delay(event_id)
        self.message_user(request, f"{pending.count()} event(s) enqueued.")

    def get_urls(self) -> list[URLPattern]:
        overview = path(
            "overview/", self.admin_site.admin_view(self.overview_view), name="sync_overview"
        )
        return [overview, *super().get_urls()]

    def overview_view(self, request: HttpRequest) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Sync overview",
            "overview": inbox.sync_overview(),
            "open_alerts": Alert.objects.filter(acknowledged_at__isnull=True)[:20],
            "links": EntityLink.objects.count(),
            "flagged_links": EntityLink.objects.filter(source_deleted_at__isnull=False).count(),
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/sync/overview.html", context)


@admin.register(EntityLink)
class EntityLinkAdmin(admin.ModelAdmin):
    list_display = [
        "entity",
        "row_id",
        "title",
        "docmost_space_id",
        "docmost_page_id",
        "source_deleted_at",
    ]
    list_filter = ["entity", ("source_deleted_at", admin.EmptyFieldListFilter)]
    search_fields = ["row_id", "title", "docmost_page_id", "docmost_space_id"]
    readonly_fields = ["created_at", "updated_at", "state"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "message", "entity", "entity_id", "acknowledged_at"]
    list_filter = ["kind", ("acknowledged_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["created_at", "kind", "message", "entity", "entity_id", "details"]
    actions = ["acknowledge"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Acknowledge selected alerts")
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Alert]) -> None:
        count = queryset.filter(acknowledged_at__isnull=True).update(acknowledged_at=timezone.now())
        self.message_user(request, f"{count} alert(s) acknowledged.")


@admin.register(EchoLedgerEntry)
class EchoLedgerAdmin(admin.ModelAdmin):
    list_display = ["created_at", "entity", "row_id", "fields", "digest"]
    list_filter = ["entity"]
    search_fields = ["row_id", "digest"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "kind",
        "status",
        "processed",
        "created",
        "updated",
        "flagged",
        "errors",
        "finished_at",
    ]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in SyncRun._meta.fields]
    actions = ["resume"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Resume (continue from where the run stopped)")
    def resume(self, request: HttpRequest, queryset: QuerySet[SyncRun]) -> None:
        from sync.orchestration import sync_run_resume

        resumed = 0
        for run in queryset.exclude(status=SyncRun.Status.DONE):
            sync_run_resume(run_id=run.pk)
            resumed += 1
        self.message_user(request, f"{resumed} run(s) resumed.")
