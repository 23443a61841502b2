"""Operational endpoints: liveness, readiness, metrics, API docs, and the unknown-route answer."""

import os
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular import views as spectacular_views
from drf_spectacular.utils import extend_schema, inline_serializer
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api.errors import ErrorCode, error_body
from bridge_api.health import run_readiness_checks
from bridge_api.openapi import ERROR_ENVELOPE_REF, enveloped
from tokens.scopes import Access, Scope


class PublicAPIView(APIView):
    """Base for endpoints that need no token: no authentication, no rate limit."""

    required_scope = Access.PUBLIC
    authentication_classes: list[Any] = []
    throttle_classes: list[Any] = []


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="Always `ok` when the process answers.")


class HealthView(PublicAPIView):
    @extend_schema(
        operation_id="health",
        summary="Liveness",
        description="Answers 200 as long as the process serves requests. No dependency is checked.",
        responses={200: enveloped(HealthSerializer)},
        tags=["operations"],
    )
    def get(self, request: Request) -> Response:
        return Response({"data": {"status": "ok"}})


ReadinessCheckSerializer = inline_serializer(
    "ReadinessCheck",
    {
        "ok": serializers.BooleanField(),
        "detail": serializers.CharField(),
        "duration_ms": serializers.FloatField(),
    },
)


class ReadinessSerializer(serializers.Serializer):
    ready = serializers.BooleanField()
    checks = serializers.DictField(child=ReadinessCheckSerializer)


class ReadyView(PublicAPIView):
    @extend_schema(
        operation_id="ready",
        summary="Readiness",
        description="Checks every dependency (database, Redis, and upstream systems once "
        "configured). 503 `NOT_READY` lists each check in `details.checks`.",
        responses={200: enveloped(ReadinessSerializer), 503: ERROR_ENVELOPE_REF},
        tags=["operations"],
    )
    def get(self, request: Request) -> Response:
        ready, checks = run_readiness_checks()
        if ready:
            return Response({"data": {"ready": True, "checks": checks}})
        failed = ", ".join(name for name, result in checks.items() if not result["ok"])
        body = error_body(
            ErrorCode.NOT_READY,
            f"Not ready: {failed} check failed.",
            {"checks": checks},
        )
        return Response(body, status=ErrorCode.NOT_READY.status)


class PrometheusRenderer(BaseRenderer):
    media_type = "text/plain"
    format = "prometheus"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        # Only errors reach a renderer here (metrics are returned as a ready HttpResponse).
        return JSONRenderer().render(data)


class MetricsView(APIView):
    required_scope = Scope.ADMIN_ALL
    renderer_classes = [JSONRenderer, PrometheusRenderer]

    @extend_schema(
        operation_id="metrics",
        summary="Prometheus metrics",
        description="Prometheus text exposition: HTTP requests and latency by route template, "
        "and the bridge's own counters.",
        responses={(200, "text/plain"): str},
        tags=["operations"],
    )
    def get(self, request: Request) -> HttpResponse:
        registry = REGISTRY
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # several gunicorn workers
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class BenchFloorView(PublicAPIView):
    """A bare DRF view: the framework floor `make bench` compares real endpoints against."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response({"data": {"ok": True}})


class SchemaView(spectacular_views.SpectacularAPIView):
    required_scope = Access.PUBLIC


class SwaggerView(spectacular_views.SpectacularSwaggerView):
    required_scope = Access.PUBLIC


class RedocView(spectacular_views.SpectacularRedocView):
    required_scope = Access.PUBLIC


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Catch-all for /api/…: an unknown route is a 404 in the envelope, whatever the method."""
    body = error_body(
        ErrorCode.NOT_FOUND,
        f"No route matches {request.method} {request.path}. The API is described at /api/docs/.",
    )
    return JsonResponse(body, status=404)
