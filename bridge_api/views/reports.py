"""Reports (seed section 6.6): `GET /api/v1/rapports/{formation|personne|projet}/{id}`, a PDF by
default or its HTML twin with `?format=html`; thin callers of `reports.services.rapport_generer`.

The answer carries an ETag (the hash of the report's data and templates): `If-None-Match` with it
answers 304 without rendering. Reports have their own rate class, `pdf` (RATE_LIMIT_PDF, 10 a
minute per token by default). Errors are JSON in the envelope, whatever the Accept header.
"""

from typing import Any

from csp.constants import UNSAFE_INLINE
from django.http import HttpResponse, HttpResponseNotModified
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from bridge_api.openapi import BASEROW_DOWN, NOT_FOUND, error
from bridge_api.views.base import JSONErrorsNegotiation, doc
from reports.services import RapportFormat, RapportKind, rapport_generer
from tokens.scopes import Scope

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    OpenApiParameter.QUERY,
    enum=[f.value for f in RapportFormat],
    default=RapportFormat.PDF.value,
    description="`pdf` (the default): the printable document. `html`: the same document as a "
    "standalone web page.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    description="The ETag of a copy you hold: 304 if the report has not changed since.",
)
BAD_FORMAT = error("VALIDATION_ERROR: `format` is neither `pdf` nor `html`.")


def _report_schema(kind: RapportKind, what: str) -> dict[str, Any]:
    return {
        "operation_id": f"rapports_{kind.value}",
        "summary": f"The report of a {kind.value} ({what}), PDF or HTML",
        "description": doc(rapport_generer),
        "parameters": [FORMAT_PARAMETER, IF_NONE_MATCH],
        "responses": {
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                "The PDF (PDF/UA-1, A4), with `ETag` and `Content-Disposition` naming the file.",
            ),
            (200, "text/html"): OpenApiResponse(
                OpenApiTypes.STR, "The same document as a standalone HTML page (`format=html`)."
            ),
            304: OpenApiResponse(description="Not modified: `If-None-Match` holds the ETag."),
            400: BAD_FORMAT,
            404: NOT_FOUND,
            502: BASEROW_DOWN,
        },
        "tags": ["rapports"],
    }


class RapportApi(APIView):
    rate_class = "pdf"
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONErrorsNegotiation
    kind: RapportKind

    def get(self, request: Request, pk: int) -> HttpResponse:
        rapport = rapport_generer(
            kind=self.kind,
            row_id=pk,
            format=request.query_params.get("format"),
            if_none_match=request.headers.get("If-None-Match"),
        )
        response: HttpResponse
        if rapport.content is None:
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(rapport.content, content_type=rapport.media_type)
            response["Content-Disposition"] = f'inline; filename="{rapport.filename}"'
            if rapport.format is RapportFormat.HTML:
                # Its <style> blocks (the stylesheet, each chart's) are inline; nothing else is
                # allowed: no script, no image, no font, no connection (django-csp 4).
                response._csp_update = {"style-src": [UNSAFE_INLINE]}  # type: ignore[attr-defined]
        response["ETag"] = rapport.etag
        # The token's own copy: a shared cache must not keep it; revalidate with the ETag.
        response["Cache-Control"] = "private, no-cache"
        return response


@extend_schema_view(get=extend_schema(**_report_schema(RapportKind.FORMATION, "hours, formateurs")))
class RapportFormationApi(RapportApi):
    required_scope = Scope.READ_FORMATIONS
    kind = RapportKind.FORMATION


@extend_schema_view(get=extend_schema(**_report_schema(RapportKind.PERSONNE, "capacity, work")))
class RapportPersonneApi(RapportApi):
    required_scope = Scope.READ_PERSONNES
    kind = RapportKind.PERSONNE


@extend_schema_view(get=extend_schema(**_report_schema(RapportKind.PROJET, "charge, tâches")))
class RapportProjetApi(RapportApi):
    required_scope = Scope.READ_PROJETS
    kind = RapportKind.PROJET
