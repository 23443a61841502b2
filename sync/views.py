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

from bridge_api.errors import BridgeError, ErrorCode
from bridge_api.openapi import ERROR_ENVELOPE_REF, enveloped
from sync import ingress, services
from sync.models import WebhookEvent
from tokens.scopes import Access, Scope

logger = logging.getLogger("bridge.webhook")


class RawBodyParser(BaseParser):
    """The receiver reads the raw body itself: a malformed one is stored, not rejected."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return None


class WebhookAckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(["accepted", "duplicate", "quarantined", "ignored"])
    inbox_id = serializers.IntegerField()


class ReplayResultSerializer(serializers.Serializer):
    inbox_id = serializers.IntegerField()
    status = serializers.CharField()


class SyncStatusSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    failed_last_24h = serializers.IntegerField()
    oldest_pending_at = serializers.DateTimeField(allow_null=True)


class BaserowWebhookView(APIView):
    """Receives Baserow webhooks (authenticated by a shared-secret header, not a token)."""

    required_scope = Access.PUBLIC
    authentication_classes: list[Any] = []
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
            "quarantined and still answered 200 (Baserow deactivates webhooks that keep failing)."
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
        },
        tags=["webhooks"],
    )
    def post(self, request: Request, kind: str) -> Response:
        if kind not in ingress.KIND_ENTITY:
            raise BridgeError(ErrorCode.NOT_FOUND, f"Unknown webhook kind {kind!r}.")
        if not ingress.secret_is_valid(request._request):
            logger.warning("bridge.webhook.bad-secret", extra={"kind": kind})
            raise BridgeError(
                ErrorCode.AUTH_INVALID,
                "Missing or wrong webhook secret: send the header "
                f"{settings.BASEROW_WEBHOOK_HEADER} configured on the Baserow webhook.",
            )
        received = ingress.receive(kind, request._request.body, services.expected_table_id(kind))
        event = received.event
        if received.duplicate:
            status = "duplicate"
        elif event.status == WebhookEvent.Status.QUARANTINED:
            status = "quarantined"
        elif event.status == WebhookEvent.Status.SKIPPED:
            status = "ignored"
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
        event = services.event_replay(event_id=pk)
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
        return Response({"data": services.sync_overview()})
