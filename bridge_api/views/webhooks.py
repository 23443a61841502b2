"""Webhook receivers: Baserow row events and signed Docmost page events, into the sync inbox.

Both authenticate the sender (a shared-secret header; a Standard Webhooks signature), count the
delivery against that sender's budget, store it (`sync.ingress`) and answer 200 fast: a malformed
but authenticated body is quarantined, not refused, since Baserow deactivates webhooks that keep
failing.
"""

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
from bridge_api.openapi import enveloped, error
from hub.errors import ApplicationError, ErrorCode
from sync import inbox, ingress
from sync.models import WebhookEvent
from tokens.scopes import Access

logger = logging.getLogger("bridge.webhook")

TAGS = ["webhooks"]


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


DELIVERY_ERRORS = {
    411: error("LENGTH_REQUIRED: the body was sent without a Content-Length header."),
    413: error("PAYLOAD_TOO_LARGE: the body exceeds the configured limit."),
    429: error("RATE_LIMITED: too many deliveries (or failed attempts); see Retry-After."),
}


def _ack_status(received: ingress.Received, *, skipped_means_ignored: bool) -> str:
    event = received.event
    if event is None:  # answered without an inbox row: `result` says why (test, noise)
        return received.result
    if received.duplicate:
        return "duplicate"
    if event.status == WebhookEvent.Status.QUARANTINED:
        return "quarantined"
    if skipped_means_ignored and event.status == WebhookEvent.Status.SKIPPED:
        return "ignored"
    return "accepted"


def _ack(received: ingress.Received, *, skipped_means_ignored: bool) -> Response:
    """The answer to a stored (or deliberately not stored) delivery."""
    data = {
        "status": _ack_status(received, skipped_means_ignored=skipped_means_ignored),
        "inbox_id": received.event.pk if received.event is not None else None,
    }
    return Response({"data": WebhookAckSerializer(data).data})


class WebhooksBaserowApi(APIView):
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
            401: error("AUTH_INVALID: the webhook secret header is missing or wrong."),
            404: error("NOT_FOUND: unknown webhook kind (details.kinds lists them)."),
            **DELIVERY_ERRORS,
        },
        tags=TAGS,
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
        return _ack(received, skipped_means_ignored=True)


class WebhooksDocmostApi(APIView):
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
            401: error("AUTH_INVALID: the Standard Webhooks signature is missing, stale or wrong."),
            **DELIVERY_ERRORS,
        },
        tags=TAGS,
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
        # Every Docmost event is stored (none is a test call or noise), none is skipped.
        return _ack(ingress.receive_docmost(request._request), skipped_means_ignored=False)
