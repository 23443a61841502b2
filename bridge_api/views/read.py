"""The read API (seed sections 6.1–6.5): one view per operation, each a thin caller of its hub
selector, rendering through its output serializer.

Lists take `page`, `per_page`, `sort` and `filter[…]` (`hub.queries.ListQuery`) and answer
`{"data": [...], "meta": {page, per_page, total, total_pages}}`; the others `{"data": …}`.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api.openapi import (
    BAD_LIST_PARAMETERS,
    BASEROW_DOWN,
    NOT_FOUND,
    enveloped,
    list_parameters,
    paginated_envelope,
)
from bridge_api.serializers.read import (
    AttributionSerializer,
    BlocDetailSerializer,
    ClientDetailSerializer,
    ClientSerializer,
    FormationDetailSerializer,
    FormationSerializer,
    InterventionSerializer,
    ModuleDetailSerializer,
    PersonneDashboardSerializer,
    PersonneSerializer,
    ProjetDetailSerializer,
    ProjetSerializer,
    ProjetTimelineSerializer,
    TacheDetailSerializer,
)
from bridge_api.views.base import detail_response, doc, page_response
from hub.queries import ListQuery
from hub.selectors import formations, personnes, projets
from tokens.scopes import Scope


class PersonneListApi(APIView):
    required_scope = Scope.READ_PERSONNES

    @extend_schema(
        operation_id="personnes_list",
        summary="List personnes with their capacity",
        description=doc(personnes.personne_list),
        parameters=list_parameters(personnes.PERSONNE_LIST),
        responses={
            200: paginated_envelope(PersonneSerializer),
            400: BAD_LIST_PARAMETERS,
            502: BASEROW_DOWN,
        },
        tags=["personnes"],
    )
    def get(self, request: Request) -> Response:
        query = ListQuery.from_params(request.query_params, personnes.PERSONNE_LIST)
        return page_response(PersonneSerializer, personnes.personne_list(query=query))


class PersonneRetrieveApi(APIView):
    required_scope = Scope.READ_PERSONNES

    @extend_schema(
        operation_id="personnes_retrieve",
        summary="A personne with remaining hours (formation, agence, total)",
        description=doc(personnes.personne_retrieve),
        responses={200: enveloped(PersonneSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["personnes"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(PersonneSerializer, personnes.personne_retrieve(personne_id=pk))


class PersonneAttributionsListApi(APIView):
    required_scope = Scope.READ_PERSONNES

    @extend_schema(
        operation_id="personnes_attributions_list",
        summary="A personne's attributions, active and past",
        description=doc(personnes.personne_attributions_list),
        parameters=list_parameters(personnes.ATTRIBUTION_SUBLIST),
        responses={
            200: paginated_envelope(AttributionSerializer),
            400: BAD_LIST_PARAMETERS,
            404: NOT_FOUND,
            502: BASEROW_DOWN,
        },
        tags=["personnes"],
    )
    def get(self, request: Request, pk: int) -> Response:
        query = ListQuery.from_params(request.query_params, personnes.ATTRIBUTION_SUBLIST)
        return page_response(
            AttributionSerializer, personnes.personne_attributions_list(query=query, personne_id=pk)
        )


class PersonneInterventionsListApi(APIView):
    required_scope = Scope.READ_PERSONNES

    @extend_schema(
        operation_id="personnes_interventions_list",
        summary="A personne's interventions on tâches",
        description=doc(personnes.personne_interventions_list),
        parameters=list_parameters(personnes.INTERVENTION_SUBLIST),
        responses={
            200: paginated_envelope(InterventionSerializer),
            400: BAD_LIST_PARAMETERS,
            404: NOT_FOUND,
            502: BASEROW_DOWN,
        },
        tags=["personnes"],
    )
    def get(self, request: Request, pk: int) -> Response:
        query = ListQuery.from_params(request.query_params, personnes.INTERVENTION_SUBLIST)
        return page_response(
            InterventionSerializer,
            personnes.personne_interventions_list(query=query, personne_id=pk),
        )


class PersonneDashboardApi(APIView):
    required_scope = Scope.READ_PERSONNES

    @extend_schema(
        operation_id="personnes_dashboard",
        summary="360° view: capacity, attributions, interventions, projets en cours",
        description=doc(personnes.personne_dashboard),
        responses={200: enveloped(PersonneDashboardSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["personnes"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(
            PersonneDashboardSerializer, personnes.personne_dashboard(personne_id=pk)
        )


class FormationListApi(APIView):
    required_scope = Scope.READ_FORMATIONS

    @extend_schema(
        operation_id="formations_list",
        summary="List formations",
        description=doc(formations.formation_list),
        parameters=list_parameters(formations.FORMATION_LIST),
        responses={
            200: paginated_envelope(FormationSerializer),
            400: BAD_LIST_PARAMETERS,
            502: BASEROW_DOWN,
        },
        tags=["formations"],
    )
    def get(self, request: Request) -> Response:
        query = ListQuery.from_params(request.query_params, formations.FORMATION_LIST)
        return page_response(FormationSerializer, formations.formation_list(query=query))


class FormationRetrieveApi(APIView):
    required_scope = Scope.READ_FORMATIONS

    @extend_schema(
        operation_id="formations_retrieve",
        summary="A formation with its blocs, modules and hour rollups",
        description=doc(formations.formation_retrieve),
        responses={200: enveloped(FormationDetailSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["formations"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(
            FormationDetailSerializer, formations.formation_retrieve(formation_id=pk)
        )


class BlocRetrieveApi(APIView):
    required_scope = Scope.READ_FORMATIONS

    @extend_schema(
        operation_id="blocs_retrieve",
        summary="A bloc with its modules and hour rollups",
        description=doc(formations.bloc_retrieve),
        responses={200: enveloped(BlocDetailSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["formations"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(BlocDetailSerializer, formations.bloc_retrieve(bloc_id=pk))


class ModuleRetrieveApi(APIView):
    required_scope = Scope.READ_FORMATIONS

    @extend_schema(
        operation_id="modules_retrieve",
        summary="A module with its active attributions",
        description=doc(formations.module_retrieve),
        responses={200: enveloped(ModuleDetailSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["formations"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(ModuleDetailSerializer, formations.module_retrieve(module_id=pk))


class AttributionRetrieveApi(APIView):
    required_scope = Scope.READ_ATTRIBUTIONS

    @extend_schema(
        operation_id="attributions_retrieve",
        summary="An attribution",
        description=doc(formations.attribution_retrieve),
        responses={200: enveloped(AttributionSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["attributions"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(
            AttributionSerializer, formations.attribution_retrieve(attribution_id=pk)
        )


class ClientListApi(APIView):
    required_scope = Scope.READ_PROJETS

    @extend_schema(
        operation_id="clients_list",
        summary="List clients",
        description=doc(projets.client_list),
        parameters=list_parameters(projets.CLIENT_LIST),
        responses={
            200: paginated_envelope(ClientSerializer),
            400: BAD_LIST_PARAMETERS,
            502: BASEROW_DOWN,
        },
        tags=["projets"],
    )
    def get(self, request: Request) -> Response:
        query = ListQuery.from_params(request.query_params, projets.CLIENT_LIST)
        return page_response(ClientSerializer, projets.client_list(query=query))


class ClientRetrieveApi(APIView):
    required_scope = Scope.READ_PROJETS

    @extend_schema(
        operation_id="clients_retrieve",
        summary="A client with its projets",
        description=doc(projets.client_retrieve),
        responses={200: enveloped(ClientDetailSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["projets"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(ClientDetailSerializer, projets.client_retrieve(client_id=pk))


class ProjetListApi(APIView):
    required_scope = Scope.READ_PROJETS

    @extend_schema(
        operation_id="projets_list",
        summary="List projets",
        description=doc(projets.projet_list),
        parameters=list_parameters(projets.PROJET_LIST),
        responses={
            200: paginated_envelope(ProjetSerializer),
            400: BAD_LIST_PARAMETERS,
            502: BASEROW_DOWN,
        },
        tags=["projets"],
    )
    def get(self, request: Request) -> Response:
        query = ListQuery.from_params(request.query_params, projets.PROJET_LIST)
        return page_response(ProjetSerializer, projets.projet_list(query=query))


class ProjetRetrieveApi(APIView):
    required_scope = Scope.READ_PROJETS

    @extend_schema(
        operation_id="projets_retrieve",
        summary="A projet with its tâches and realised hours",
        description=doc(projets.projet_retrieve),
        responses={200: enveloped(ProjetDetailSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["projets"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(ProjetDetailSerializer, projets.projet_retrieve(projet_id=pk))


class ProjetTimelineApi(APIView):
    required_scope = Scope.READ_PROJETS

    @extend_schema(
        operation_id="projets_timeline",
        summary="A projet's interventions, newest first",
        description=doc(projets.projet_timeline),
        responses={200: enveloped(ProjetTimelineSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["projets"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(ProjetTimelineSerializer, projets.projet_timeline(projet_id=pk))


class TacheRetrieveApi(APIView):
    required_scope = Scope.READ_PROJETS

    @extend_schema(
        operation_id="taches_retrieve",
        summary="A tâche with its interventions",
        description=doc(projets.tache_retrieve),
        responses={200: enveloped(TacheDetailSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["projets"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(TacheDetailSerializer, projets.tache_retrieve(tache_id=pk))
