"""Operational endpoints: liveness, readiness, metrics, API docs, and the unknown-route answer."""

import threading
from typing import Any, ClassVar, cast

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular import views as spectacular_views
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from prometheus_client import CONTENT_TYPE_LATEST
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api.health import readiness_get
from bridge_api.metrics import scrape_text
from bridge_api.openapi import ERROR_ENVELOPE_REF, enveloped
from bridge_api.views.base import JSONErrorsNegotiation
from hub.errors import ApplicationError, ErrorCode, error_body
from tokens.models import Token
from tokens.scopes import Access, Scope, scope_grants

# Readiness details (each check's error and duration) are operations data, like sync state.
READY_DETAILS_SCOPE = Scope.ADMIN_SYNC


class PublicAPIView(APIView):
    """Base for endpoints that need no token: no authentication, no rate limit."""

    required_scope = Access.PUBLIC
    authentication_classes: list[Any] = []
    throttle_classes: list[Any] = []


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="Always `ok` when the process answers.")


class HealthApi(PublicAPIView):
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
    checks = serializers.DictField(
        child=ReadinessCheckSerializer,
        required=False,
        help_text=f"Only with a token holding `{READY_DETAILS_SCOPE.value}` (or `admin:*`).",
    )
    checked_at = serializers.DateTimeField(
        required=False, help_text="When the checks ran (results are reused a few seconds)."
    )


# OpenAPI security of /api/ready: anonymous, or a token (which only adds the details). Typed Any:
# drf-spectacular's `auth` takes security requirement objects although its hint says strings.
_TOKEN_OPTIONAL: Any = [{}, {"bridgeToken": []}]


class ReadyApi(APIView):
    """Public readiness: ready or not. Each check's outcome, error and duration need a token.

    Authentication stays on (a token presented must be valid, or 401) but no token is required.
    """

    required_scope = Access.PUBLIC
    throttle_classes: list[Any] = []  # probes must never be refused; the result cache protects

    @extend_schema(
        operation_id="ready",
        summary="Readiness",
        description="Checks every dependency (database, Redis, Baserow, Docmost); the result is "
        "reused for `READY_CACHE_SECONDS` (5 s). Without a token the answer only says ready "
        "(200) or not (503 `NOT_READY`). With a token holding "
        f"`{READY_DETAILS_SCOPE.value}` or `admin:*`, `data.checks` (or `details.checks` on "
        "503) gives each check's outcome, error and duration.",
        responses={
            200: enveloped(ReadinessSerializer),
            401: OpenApiResponse(
                ERROR_ENVELOPE_REF, "AUTH_INVALID: a token was sent and it is not valid."
            ),
            403: OpenApiResponse(
                ERROR_ENVELOPE_REF,
                f"FORBIDDEN_SCOPE: a token was sent without `{READY_DETAILS_SCOPE.value}`.",
            ),
            503: OpenApiResponse(ERROR_ENVELOPE_REF, "NOT_READY: a check failed."),
        },
        auth=_TOKEN_OPTIONAL,
        tags=["operations"],
    )
    def get(self, request: Request) -> Response:
        readiness = readiness_get()
        detailed = _may_see_readiness_details(request)
        if readiness.ready:
            data: dict[str, Any] = {"ready": True}
            if detailed:
                data |= {"checks": readiness.checks, "checked_at": readiness.checked_at.isoformat()}
            return Response({"data": data})
        if detailed:
            message = f"Not ready: {', '.join(readiness.failed)} check failed."
            body = error_body(ErrorCode.NOT_READY, message, {"checks": readiness.checks})
        else:
            body = error_body(ErrorCode.NOT_READY, "Not ready.")
        return Response(body, status=ErrorCode.NOT_READY.status)


def _may_see_readiness_details(request: Request) -> bool:
    """Details name hosts and errors: only for a token with the scope; no token, no details."""
    token = cast("Token | None", request.auth)
    if token is None:
        return False
    if not scope_grants(token.scopes, READY_DETAILS_SCOPE):
        raise ApplicationError(
            ErrorCode.FORBIDDEN_SCOPE,
            f"Readiness details need the scope {READY_DETAILS_SCOPE.value!r}; "
            "call without a token for the public answer.",
            details={"required_scope": READY_DETAILS_SCOPE.value, "token_scopes": token.scopes},
        )
    return True


class MetricsApi(APIView):
    required_scope = Scope.ADMIN_ALL
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONErrorsNegotiation

    @extend_schema(
        operation_id="metrics",
        summary="Prometheus metrics",
        description="Prometheus text exposition: HTTP requests and latency by route template, "
        "the bridge's own counters, and the webhook inbox by status with its dead letters "
        "(counted at scrape time). The Celery worker's task and upstream-call metrics are on "
        "its own endpoint (`CELERY_METRICS_PORT`). Errors are JSON, in the envelope.",
        responses={
            (200, CONTENT_TYPE_LATEST.split(";")[0]): OpenApiResponse(
                str, "The Prometheus text exposition format."
            )
        },
        tags=["operations"],
    )
    def get(self, request: Request) -> HttpResponse:
        return HttpResponse(scrape_text(), content_type=CONTENT_TYPE_LATEST)


class BenchFloorView(PublicAPIView):
    """A bare DRF view: the framework floor `make bench` compares real endpoints against."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response({"data": {"ok": True}})


class SchemaView(spectacular_views.SpectacularAPIView):
    """The OpenAPI document, built once per process: it depends only on the code, and building it
    costs hundreds of milliseconds of CPU, which a public endpoint must not hand to anyone who
    asks."""

    required_scope = Access.PUBLIC
    _document: ClassVar[dict[str, Any] | None] = None
    _document_lock: ClassVar[threading.Lock] = threading.Lock()

    def _get_schema_response(self, request: Any) -> Response:
        cls = type(self)
        with cls._document_lock:
            if cls._document is None:
                generator = self.generator_class(urlconf=self.urlconf, patterns=self.patterns)
                cls._document = generator.get_schema(  # type: ignore[no-untyped-call]
                    request=request, public=self.serve_public
                )
        filename = self._get_filename(request, None)  # type: ignore[no-untyped-call]
        return Response(
            data=cls._document, headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )

    def _get_version_parameter(self, request: Any) -> None:
        """The API has one version. drf-spectacular would copy `?version=` into the schema's
        info and its Content-Disposition header: a CR/LF there was a 500, a NUL an invalid
        header; any other value a schema claiming a version that does not exist."""
        return None


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
