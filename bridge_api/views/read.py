"""The read API (seed section 6.1–6.5): thin views over `bridge_api.selectors`."""

import dataclasses
from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api import serializers as s
from bridge_api.openapi import enveloped, paginated_envelope
from hub.queries import DEFAULT_PER_PAGE, MAX_PER_PAGE, ListQuery, ListSpec, Page
from hub.selectors import formations, personnes, projets
from integrations.baserow.schema import SCHEMA
from tokens.scopes import Scope


def list_parameters(spec: ListSpec) -> list[OpenApiParameter]:
    parameters = [
        OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
        OpenApiParameter(
            "per_page",
            OpenApiTypes.INT,
            description=f"Items per page (default {DEFAULT_PER_PAGE}, at most {MAX_PER_PAGE}).",
        ),
    ]
    if spec.sorts:
        keys = ", ".join(f"`{key}`" for key in spec.sorts)
        parameters.append(
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                description=f"Sort by {keys}; prefix with `-` for descending; comma-separate "
                "several. Default: Baserow's row order.",
            )
        )
    for name, logical in spec.filters.items():
        field = SCHEMA[spec.entity][logical]
        description = f"Only rows whose {logical} is this value."
        if field.type == "multiple_select":
            description = f"Only rows whose {logical} include this value."
        if field.type == "link_row":
            description = f"Only rows linked to this {field.link_to} id."
        parameters.append(
            OpenApiParameter(
                f"filter[{name}]",
                OpenApiTypes.INT if field.type == "link_row" else OpenApiTypes.STR,
                enum=list(field.options) or None,
                description=description,
            )
        )
    return parameters


def _render(serializer: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    return dict(serializer(data).data)


def detail_view(
    *,
    scope: Scope,
    selector: Callable[..., Any],
    id_name: str,
    serializer: type[serializers.Serializer],
    operation_id: str,
    summary: str,
    tag: str,
    description: str = "",
) -> type[APIView]:
    class DetailView(APIView):
        required_scope = scope

        @extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=description or (selector.__doc__ or "").strip(),
            responses={200: enveloped(serializer)},
            tags=[tag],
        )
        def get(self, request: Request, pk: int) -> Response:
            return Response({"data": _render(serializer, selector(**{id_name: pk}))})

    DetailView.__name__ = DetailView.__qualname__ = f"{operation_id.title().replace('_', '')}View"
    return DetailView


def list_view(
    *,
    scope: Scope,
    selector: Callable[..., Page[Any]],
    spec: ListSpec,
    serializer: type[serializers.Serializer],
    operation_id: str,
    summary: str,
    tag: str,
    id_name: str = "",
) -> type[APIView]:
    """A paginated list; with `id_name`, a list under a parent (`/personnes/{id}/attributions`)."""

    def respond(request: Request, **ids: int) -> Response:
        page = selector(query=ListQuery.from_params(request.query_params, spec), **ids)
        # One serializer for the page: DRF copies a serializer's fields on each instantiation.
        items = serializer(page.items, many=True).data
        return Response({"data": items, "meta": dataclasses.asdict(page.meta)})

    schema = extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=(selector.__doc__ or "").strip(),
        parameters=list_parameters(spec),
        responses={200: paginated_envelope(serializer)},
        tags=[tag],
    )

    if id_name:

        class ChildListView(APIView):
            required_scope = scope

            @schema
            def get(self, request: Request, pk: int) -> Response:
                return respond(request, **{id_name: pk})

        view: type[APIView] = ChildListView
    else:

        class ListView(APIView):
            required_scope = scope

            @schema
            def get(self, request: Request) -> Response:
                return respond(request)

        view = ListView
    view.__name__ = view.__qualname__ = f"{operation_id.title().replace('_', '')}View"
    return view


P, F, A = Scope.READ_PERSONNES, Scope.READ_FORMATIONS, Scope.READ_ATTRIBUTIONS
PR = Scope.READ_PROJETS

PersonneListView = list_view(
    scope=P,
    selector=personnes.personne_list,
    spec=personnes.PERSONNE_LIST,
    serializer=s.PersonneSerializer,
    operation_id="personnes_list",
    summary="List personnes with their capacity",
    tag="personnes",
)
PersonneDetailView = detail_view(
    scope=P,
    selector=personnes.personne_retrieve,
    id_name="personne_id",
    serializer=s.PersonneSerializer,
    operation_id="personnes_retrieve",
    summary="A personne with remaining hours (formation, agence, total)",
    tag="personnes",
)
PersonneAttributionsView = list_view(
    scope=P,
    selector=personnes.personne_attributions_list,
    spec=personnes.ATTRIBUTION_SUBLIST,
    serializer=s.AttributionSerializer,
    operation_id="personnes_attributions_list",
    summary="A personne's attributions, active and past",
    tag="personnes",
    id_name="personne_id",
)
PersonneInterventionsView = list_view(
    scope=P,
    selector=personnes.personne_interventions_list,
    spec=personnes.INTERVENTION_SUBLIST,
    serializer=s.InterventionSerializer,
    operation_id="personnes_interventions_list",
    summary="A personne's interventions on tâches",
    tag="personnes",
    id_name="personne_id",
)
PersonneDashboardView = detail_view(
    scope=P,
    selector=personnes.personne_dashboard,
    id_name="personne_id",
    serializer=s.PersonneDashboardSerializer,
    operation_id="personnes_dashboard",
    summary="360° view: capacity, attributions, interventions, projets en cours",
    tag="personnes",
)
FormationListView = list_view(
    scope=F,
    selector=formations.formation_list,
    spec=formations.FORMATION_LIST,
    serializer=s.FormationSerializer,
    operation_id="formations_list",
    summary="List formations",
    tag="formations",
)
FormationDetailView = detail_view(
    scope=F,
    selector=formations.formation_retrieve,
    id_name="formation_id",
    serializer=s.FormationDetailSerializer,
    operation_id="formations_retrieve",
    summary="A formation with its blocs, modules and hour rollups",
    tag="formations",
)
BlocDetailView = detail_view(
    scope=F,
    selector=formations.bloc_retrieve,
    id_name="bloc_id",
    serializer=s.BlocDetailSerializer,
    operation_id="blocs_retrieve",
    summary="A bloc with its modules and hour rollups",
    tag="formations",
)
ModuleDetailView = detail_view(
    scope=F,
    selector=formations.module_retrieve,
    id_name="module_id",
    serializer=s.ModuleDetailSerializer,
    operation_id="modules_retrieve",
    summary="A module with its active attributions",
    tag="formations",
)
AttributionDetailView = detail_view(
    scope=A,
    selector=formations.attribution_retrieve,
    id_name="attribution_id",
    serializer=s.AttributionSerializer,
    operation_id="attributions_retrieve",
    summary="An attribution",
    tag="attributions",
)
ClientListView = list_view(
    scope=PR,
    selector=projets.client_list,
    spec=projets.CLIENT_LIST,
    serializer=s.ClientSerializer,
    operation_id="clients_list",
    summary="List clients",
    tag="projets",
)
ClientDetailView = detail_view(
    scope=PR,
    selector=projets.client_retrieve,
    id_name="client_id",
    serializer=s.ClientDetailSerializer,
    operation_id="clients_retrieve",
    summary="A client with its projets",
    tag="projets",
)
ProjetListView = list_view(
    scope=PR,
    selector=projets.projet_list,
    spec=projets.PROJET_LIST,
    serializer=s.ProjetSerializer,
    operation_id="projets_list",
    summary="List projets",
    tag="projets",
)
ProjetDetailView = detail_view(
    scope=PR,
    selector=projets.projet_retrieve,
    id_name="projet_id",
    serializer=s.ProjetDetailSerializer,
    operation_id="projets_retrieve",
    summary="A projet with its tâches and realised hours",
    tag="projets",
)
ProjetTimelineView = detail_view(
    scope=PR,
    selector=projets.projet_timeline,
    id_name="projet_id",
    serializer=s.ProjetTimelineSerializer,
    operation_id="projets_timeline",
    summary="A projet's interventions, newest first",
    tag="projets",
)
TacheDetailView = detail_view(
    scope=PR,
    selector=projets.tache_retrieve,
    id_name="tache_id",
    serializer=s.TacheDetailSerializer,
    operation_id="taches_retrieve",
    summary="A tâche with its interventions",
    tag="projets",
)
