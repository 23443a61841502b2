"""What the REST views share: reading a body, the actor, `?dry_run=`, and the answers' shapes."""

import inspect
from collections.abc import Iterable
from typing import Any

from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api.serializers.common import PaginationMetaSerializer, WriteMetaSerializer
from hub.errors import ApplicationError, ErrorCode
from hub.ledger import Actor
from hub.queries import Page
from hub.services.base import WriteResult

DRY_RUN_VALUES = ("true", "false", "1", "0", "")


def body_valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request body validated by `serializer_class` (a 400 naming each problem)."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def actor_of(request: Request) -> Actor:
    """Who writes: the token that authenticated the request, recorded in the audit trail."""
    return Actor.from_token(request.auth)


def detail_response(serializer_class: type[serializers.Serializer], data: Any) -> Response:
    """`{"data": …}` rendered by the operation's output serializer."""
    return Response({"data": serializer_class(data).data})


def page_response(serializer_class: type[serializers.Serializer], page: Page[Any]) -> Response:
    """`{"data": [...], "meta": {page, per_page, total, total_pages}}`."""
    return Response(
        {
            "data": serializer_class(page.items, many=True).data,
            "meta": PaginationMetaSerializer(page.meta).data,
        }
    )


class WriteApi(APIView):
    """Base of the Baserow writes: every one takes `?dry_run=true` (same checks, same answer,
    nothing written) and answers `{"data": …, "meta": {"dry_run", "effects"}}`."""

    @staticmethod
    def dry_run(request: Request) -> bool:
        raw = request.query_params.get("dry_run", "false").lower()
        if raw not in DRY_RUN_VALUES:
            raise ApplicationError(
                ErrorCode.VALIDATION_ERROR, details={"dry_run": ["Use true or false."]}
            )
        return raw in ("true", "1")

    @staticmethod
    def write_response(
        serializer_class: type[serializers.Serializer],
        result: WriteResult[Any],
        *,
        dry_run: bool,
        status: int = 200,
    ) -> Response:
        """The result rendered by the output serializer; a dry run always answers 200."""
        meta = WriteMetaSerializer({"dry_run": dry_run, "effects": result.effects}).data
        return Response(
            {"data": serializer_class(result.data).data, "meta": meta},
            status=200 if dry_run else status,
        )


def doc(function: Any) -> str:
    """A hub function's docstring, as an operation's description (one text for every door)."""
    return inspect.getdoc(function) or ""


class JSONErrorsNegotiation(BaseContentNegotiation):
    """For views that answer a ready HttpResponse (/api/metrics' text, the reports' PDF and
    HTML): only errors are rendered, and always as JSON (`application/json`), whatever the
    client's Accept or `?format=` asks. A refused negotiation would answer 406 to a Prometheus
    server sending `Accept: text/plain` alone, and DRF would take a report's `?format=pdf` for
    a renderer's name."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type
