"""Baserow webhook receivers and the sync API (replay, status)."""

import logging
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api import throttling
from bridge_api.openapi import ERROR_ENVELOPE_REF, enveloped
from hub.errors import ApplicationError, ErrorCode
from hub.ledger import Actor
from sync import inbox, ingress, orchestration
from sync.models import SyncRun, WebhookEvent
from tokens.scopes import Access, Scope

logger = logging.getLogger("bridge.webhook")


class RawBodyParser(BaseParser):
    """The receiver reads the raw body itself: a malformed one is stored, not rejected."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return None


class WebhookAckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        ["accepted", "duplicate", "quarantined", "ignored", "test", "noise"],
        help_text="test: Baserow's test call; noise: an empty linked-table event (neither is "
        "stored).",
    )
    inbox_id = serializers.IntegerField(allow_null=True)


class ReplayResultSerializer(serializers.Serializer):
    inbox_id = serializers.IntegerField()
    status = serializers.CharField()


class SyncRunSerializer(serializers.Serializer):
    run_id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    processed = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    flagged = serializers.IntegerField()
    error_count = serializers.IntegerField(help_text="Rows that failed (retried next run).")
    last_error = serializers.CharField(allow_blank=True)


class SyncStatusSerializer(serializers.Serializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Inbox events by status."
    )
    failed_last_24h = serializers.IntegerField()
    oldest_pending_at = serializers.DateTimeField(allow_null=True)
    queue_depth = serializers.IntegerField(
        allow_null=True, help_text="Messages waiting in the Celery queue (Redis broker)."
    )
    last_runs = SyncRunSerializer(many=True)


class BaserowWebhookView(APIView):
    """Receives Baserow webhooks (authenticated by a shared-secret header, not a token)."""

    required_scope = Access.PUBLIC
    authentication_classes: list[Any] = []
    # Counted in post(), once the secret is checked (bridge_api/throttling.py explains why).
    throttle_classes: list[Any] = []
    parser_classes = [RawBodyParser]
    rate_class = "webhook"

    @extend_schema(
        operation_id="webhooks_baserow",
        summary="Receive a Baserow webhook",
        description=(
            "Configure each Baserow webhook (use_user_field_names on) with the URL "
            "`/api/webhooks/baserow/<kind>/` and the custom header named by "
            "BASEROW_WEBHOOK_HEADER carrying one of BASEROW_WEBHOOK_SECRETS. Kinds: "
            + ", ".join(f"`{kind}`" for kind in ingress.KIND_ENTITY)
            + ". The event is stored before the answer; an authenticated but malformed body is "
            "quarantined and still answered 200 (Baserow deactivates webhooks that keep failing). "
            "Baserow's test calls and the empty events it sends to linked tables are answered "
            "200 (`test`, `noise`) without being stored."
        ),
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(ingress.KIND_ENTITY)
            )
        ],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: enveloped(WebhookAckSerializer),
            401: ERROR_ENVELOPE_REF,
            404: ERROR_ENVELOPE_REF,
            411: ERROR_ENVELOPE_REF,
            413: ERROR_ENVELOPE_REF,
            429: ERROR_ENVELOPE_REF,
        },
        tags=["webhooks"],
    )
    def post(self, request: Request, kind: str) -> Response:
        # The secret first: only then is it known whose budget the request counts against.
        credential = ingress.webhook_credential(request._request)
        if credential is None:
            logger.warning("bridge.webhook.bad-secret", extra={"kind": kind[:40]})
            throttling.webhook_auth_failed(request=request._request)
            raise ApplicationError(
                ErrorCode.AUTH_INVALID,
                "Missing or wrong webhook secret: send the header "
                f"{settings.BASEROW_WEBHOOK_HEADER} configured on the Baserow webhook.",
            )
        if kind not in ingress.KIND_ENTITY:
            raise ApplicationError(
                ErrorCode.NOT_FOUND,
                f"Unknown webhook kind {kind[:40]!r}: point the Baserow webhook at "
                "/api/webhooks/baserow/<kind>/ with one of " + ", ".join(ingress.KIND_ENTITY) + ".",
                details={"kinds": list(ingress.KIND_ENTITY)},
            )
        throttling.webhook_delivery_throttle(
            request=request._request, credential=credential, kind=kind
        )
        received = ingress.receive(kind, request._request.body, inbox.expected_table_id(kind))
        event = received.event
        if event is None:
            return Response({"data": {"status": received.result, "inbox_id": None}})
        if received.duplicate:
            status = "duplicate"
        elif event.status == WebhookEvent.Status.QUARANTINED:
            status = "quarantined"
        elif event.status == WebhookEvent.Status.SKIPPED:
            status = "ignored"
        else:
            status = "accepted"
        return Response({"data": {"status": status, "inbox_id": event.pk}})


class DocmostWebhookView(APIView):
    """Docmost page events from a signing relay (Standard Webhooks), into the same inbox."""

    required_scope = Access.PUBLIC
    authentication_classes: list[Any] = []
    # Counted in post(), once the secret is checked (bridge_api/throttling.py explains why).
    throttle_classes: list[Any] = []
    parser_classes = [RawBodyParser]
    rate_class = "webhook"

    @extend_schema(
        operation_id="webhooks_docmost",
        summary="Receive a signed Docmost page event",
        description=(
            "Docmost has no outgoing webhooks (the bridge polls it). Deployments that add a "
            'relay can post `{"type": "page.updated", "data": {"pageId": …}}` signed with the '
            "Standard Webhooks scheme (webhook-id, webhook-timestamp within 5 minutes, "
            "webhook-signature) using one of DOCMOST_WEBHOOK_SECRETS. The page is then handled "
            "as the poll would (compte-rendu pages → Baserow rows)."
        ),
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: enveloped(WebhookAckSerializer),
            401: ERROR_ENVELOPE_REF,
            411: ERROR_ENVELOPE_REF,
            413: ERROR_ENVELOPE_REF,
            429: ERROR_ENVELOPE_REF,
        },
        tags=["webhooks"],
    )
    def post(self, request: Request) -> Response:
        credential = ingress.standard_signature_credential(
            request._request, settings.DOCMOST_WEBHOOK_SECRETS
        )
        if credential is None:
            logger.warning("bridge.webhook.bad-signature", extra={"kind": ingress.DOCMOST_KIND})
            throttling.webhook_auth_failed(request=request._request)
            raise ApplicationError(
                ErrorCode.AUTH_INVALID,
                "Missing, stale or wrong Standard Webhooks signature (webhook-id, "
                "webhook-timestamp, webhook-signature).",
            )
        throttling.webhook_delivery_throttle(
            request=request._request, credential=credential, kind=ingress.DOCMOST_KIND
        )
        received = ingress.receive_docmost(request._request)
        event = received.event
        if event is None:  # not reached: every Docmost event is stored
            return Response({"data": {"status": received.result, "inbox_id": None}})
        if received.duplicate:
            status = "duplicate"
        elif event.status == WebhookEvent.Status.QUARANTINED:
            status = "quarantined"
        else:
            status = "accepted"
        return Response({"data": {"status": status, "inbox_id": event.pk}})


class ReplayEventView(APIView):
    required_scope = Scope.ADMIN_SYNC

    @extend_schema(
        operation_id="sync_events_replay",
        summary="Replay an inbox event",
        description="Puts a failed (or any processed) event back in the queue. Processing is "
        "idempotent: replaying never duplicates a Docmost page.",
        request=None,
        responses={200: enveloped(ReplayResultSerializer)},
        tags=["sync"],
    )
    def post(self, request: Request, pk: int) -> Response:
        event = inbox.event_replay(event_id=pk)
        return Response({"data": {"inbox_id": event.pk, "status": event.status}})


class SyncStatusView(APIView):
    required_scope = Scope.ADMIN_SYNC

    @extend_schema(
        operation_id="sync_status",
        summary="Inbox status",
        description="Counts by status, failures in the last 24 h, the oldest pending event.",
        responses={200: enveloped(SyncStatusSerializer)},
        tags=["sync"],
    )
    def get(self, request: Request) -> Response:
        data = {
            **inbox.sync_overview(),
            "queue_depth": orchestration.queue_depth(),
            "last_runs": orchestration.sync_runs_recent(),
        }
        return Response({"data": SyncStatusSerializer(data).data})


class SyncOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(help_text="What the sync did.")


def _force_view(entity: str) -> type[APIView]:
    class ForceSyncView(APIView):
        required_scope = Scope.ADMIN_SYNC

        @extend_schema(
            operation_id=f"sync_{entity}",
            summary=f"Force the sync of one {entity} to Docmost now",
            description="Runs the sync immediately (not queued), ignoring the loop guards.",
            request=None,
            responses={200: enveloped(SyncOutcomeSerializer)},
            tags=["sync"],
        )
        def post(self, request: Request, pk: int) -> Response:
            return Response(
                {
                    "data": {
                        "outcome": orchestration.force_sync(
                            entity=entity, row_id=pk, actor=Actor.from_token(request.auth)
                        )
                    }
                }
            )

    ForceSyncView.__name__ = ForceSyncView.__qualname__ = f"ForceSync{entity.title()}View"
    return ForceSyncView


ForceSyncProjetView = _force_view("projet")
ForceSyncFormationView = _force_view("formation")


def _run_view(kind: str, operation_id: str, summary: str) -> type[APIView]:
    class StartRunView(APIView):
        required_scope = Scope.ADMIN_SYNC

        @extend_schema(
            operation_id=operation_id,
            summary=summary,
            description="Queued as a Celery task; follow it in GET /api/v1/sync/status.",
            request=None,
            responses={202: enveloped(SyncRunSerializer), 409: ERROR_ENVELOPE_REF},
            tags=["sync"],
        )
        def post(self, request: Request) -> Response:
            run = orchestration.sync_run_start(kind=kind, actor=Actor.from_token(request.auth))
            return Response({"data": orchestration.sync_runs_recent_one(run)}, status=202)

    StartRunView.__name__ = StartRunView.__qualname__ = (
        f"{operation_id.title().replace('_', '')}View"
    )
    return StartRunView


FullSyncView = _run_view(
    SyncRun.Kind.FULL_SYNC, "sync_all", "Start a full sync (Baserow → Docmost)"
)
ReconcileView = _run_view(SyncRun.Kind.RECONCILIATION, "sync_reconcile", "Start a reconciliation")


class ResumeRunView(APIView):
    required_scope = Scope.ADMIN_SYNC

    @extend_schema(
        operation_id="sync_runs_resume",
        summary="Resume a failed or interrupted run from where it stopped",
        request=None,
        responses={202: enveloped(SyncRunSerializer), 409: ERROR_ENVELOPE_REF},
        tags=["sync"],
    )
    def post(self, request: Request, pk: int) -> Response:
        run = orchestration.sync_run_resume(run_id=pk)
        return Response({"data": orchestration.sync_runs_recent_one(run)}, status=202)
