"""The write API (seed sections 6.2–6.5): one view per operation, each a thin caller of its hub
service.

Every operation accepts `?dry_run=true` (same checks, same answer, nothing written) and an
`Idempotency-Key` header, and answers `{"data": …, "meta": {"dry_run", "effects"}}`.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from bridge_api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from bridge_api.openapi import (
    BAD_BODY,
    BAD_DRY_RUN,
    BASEROW_DOWN,
    NOT_FOUND,
    RG_VIOLATION,
    WRITE_CONFLICT,
    WRITES_PAUSED,
    error,
    write_envelope,
)
from bridge_api.serializers.write import (
    AttributionAnnulerInputSerializer,
    AttributionHeuresRealiseesInputSerializer,
    AttributionWriteSerializer,
    InterventionAnnulerInputSerializer,
    InterventionCreateInputSerializer,
    InterventionUpdateInputSerializer,
    InterventionWriteSerializer,
    ModuleAttribuerInputSerializer,
    NoBodyInputSerializer,
    ProjetCloturerSerializer,
)
from bridge_api.views.base import WriteApi, actor_of, body_valid, doc
from hub.services import attributions, interventions, projets
from tokens.scopes import Scope

WRITE_PARAMETERS = [
    OpenApiParameter(
        "dry_run",
        OpenApiTypes.BOOL,
        description="Validate and answer with the rollups as they would be; write nothing.",
    ),
    IDEMPOTENCY_KEY_PARAMETER,
]
TAGS = ["writes"]


# What every Baserow write can answer besides its success (by id: also an unknown row).
WRITE_ERRORS = {
    400: BAD_BODY,
    409: WRITE_CONFLICT,
    422: RG_VIOLATION,
    502: BASEROW_DOWN,
    503: WRITES_PAUSED,
}
WRITE_ERRORS_BY_ID = {**WRITE_ERRORS, 404: NOT_FOUND}


class ModuleAttribuerApi(WriteApi):
    required_scope = Scope.WRITE_ATTRIBUTIONS

    @extend_schema(
        operation_id="modules_attribuer",
        summary="Attribute a module to a formateur (RG-01, RG-02, RG-06)",
        description=doc(attributions.module_attribuer),
        request=ModuleAttribuerInputSerializer,
        parameters=WRITE_PARAMETERS,
        responses={
            201: write_envelope(AttributionWriteSerializer),
            200: write_envelope(AttributionWriteSerializer),  # a dry run
            400: BAD_BODY,
            404: error("NOT_FOUND: no such module."),
            409: WRITE_CONFLICT,
            422: RG_VIOLATION,
            502: BASEROW_DOWN,
            503: WRITES_PAUSED,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        body = body_valid(ModuleAttribuerInputSerializer, request)
        dry_run = self.dry_run(request)
        result = attributions.module_attribuer(
            module_id=pk,
            personne_id=body["personne_id"],
            heures=body["heures"],
            date_debut=body["date_debut"],
            actor=actor_of(request),
            dry_run=dry_run,
        )
        return self.write_response(AttributionWriteSerializer, result, dry_run=dry_run, status=201)


class AttributionHeuresRealiseesApi(WriteApi):
    required_scope = Scope.WRITE_ATTRIBUTIONS

    @extend_schema(
        operation_id="attributions_heures_realisees",
        summary="Enter realised hours (RG-03, RG-04)",
        description=doc(attributions.attribution_heures_realisees),
        request=AttributionHeuresRealiseesInputSerializer,
        parameters=WRITE_PARAMETERS,
        responses={
            200: write_envelope(AttributionWriteSerializer),
            **WRITE_ERRORS_BY_ID,
        },
        tags=TAGS,
    )
    @idempotent
    def patch(self, request: Request, pk: int) -> Response:
        body = body_valid(AttributionHeuresRealiseesInputSerializer, request)
        dry_run = self.dry_run(request)
        result = attributions.attribution_heures_realisees(
            attribution_id=pk,
            heures_realisees=body["heures_realisees"],
            actor=actor_of(request),
            dry_run=dry_run,
        )
        return self.write_response(AttributionWriteSerializer, result, dry_run=dry_run)


class AttributionCloturerApi(WriteApi):
    required_scope = Scope.WRITE_ATTRIBUTIONS

    @extend_schema(
        operation_id="attributions_cloturer",
        summary="Close an attribution (en_cours → realise; OP-07)",
        description=doc(attributions.attribution_cloturer),
        request=None,
        parameters=WRITE_PARAMETERS,
        responses={
            200: write_envelope(AttributionWriteSerializer),
            400: BAD_DRY_RUN,
            404: NOT_FOUND,
            409: WRITE_CONFLICT,
            422: RG_VIOLATION,
            502: BASEROW_DOWN,
            503: WRITES_PAUSED,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        body_valid(NoBodyInputSerializer, request)
        dry_run = self.dry_run(request)
        result = attributions.attribution_cloturer(
            attribution_id=pk, actor=actor_of(request), dry_run=dry_run
        )
        return self.write_response(AttributionWriteSerializer, result, dry_run=dry_run)


class AttributionAnnulerApi(WriteApi):
    required_scope = Scope.WRITE_ATTRIBUTIONS

    @extend_schema(
        operation_id="attributions_annuler",
        summary="Cancel an attribution (RG-04, RG-05)",
        description=doc(attributions.attribution_annuler),
        request=AttributionAnnulerInputSerializer,
        parameters=WRITE_PARAMETERS,
        responses={
            200: write_envelope(AttributionWriteSerializer),
            **WRITE_ERRORS_BY_ID,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        body = body_valid(AttributionAnnulerInputSerializer, request)
        dry_run = self.dry_run(request)
        result = attributions.attribution_annuler(
            attribution_id=pk,
            justification=body["justification"],
            actor=actor_of(request),
            dry_run=dry_run,
        )
        return self.write_response(AttributionWriteSerializer, result, dry_run=dry_run)


class InterventionCreateApi(WriteApi):
    required_scope = Scope.WRITE_INTERVENTIONS

    @extend_schema(
        operation_id="interventions_create",
        summary="Log an intervention (RG-06; agency over-capacity alerts)",
        description=doc(interventions.intervention_create),
        request=InterventionCreateInputSerializer,
        parameters=WRITE_PARAMETERS,
        responses={
            201: write_envelope(InterventionWriteSerializer),
            200: write_envelope(InterventionWriteSerializer),  # a dry run
            **WRITE_ERRORS,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request) -> Response:
        body = body_valid(InterventionCreateInputSerializer, request)
        dry_run = self.dry_run(request)
        result = interventions.intervention_create(
            tache_id=body["tache_id"],
            personne_id=body["personne_id"],
            heures=body["heures"],
            day=body["date"],
            notes=body["notes"],
            actor=actor_of(request),
            dry_run=dry_run,
        )
        return self.write_response(InterventionWriteSerializer, result, dry_run=dry_run, status=201)


class InterventionUpdateApi(WriteApi):
    required_scope = Scope.WRITE_INTERVENTIONS

    @extend_schema(
        operation_id="interventions_update",
        summary="Change an intervention's hours, date or notes (RG-04, RG-06)",
        description=doc(interventions.intervention_update),
        request=InterventionUpdateInputSerializer,
        parameters=WRITE_PARAMETERS,
        responses={
            200: write_envelope(InterventionWriteSerializer),
            **WRITE_ERRORS_BY_ID,
        },
        tags=TAGS,
    )
    @idempotent
    def patch(self, request: Request, pk: int) -> Response:
        body = body_valid(InterventionUpdateInputSerializer, request)
        dry_run = self.dry_run(request)
        result = interventions.intervention_update(
            intervention_id=pk, changes=body, actor=actor_of(request), dry_run=dry_run
        )
        return self.write_response(InterventionWriteSerializer, result, dry_run=dry_run)


class InterventionAnnulerApi(WriteApi):
    required_scope = Scope.WRITE_INTERVENTIONS

    @extend_schema(
        operation_id="interventions_annuler",
        summary="Cancel an intervention (RG-04, RG-05)",
        description=doc(interventions.intervention_annuler),
        request=InterventionAnnulerInputSerializer,
        parameters=WRITE_PARAMETERS,
        responses={
            200: write_envelope(InterventionWriteSerializer),
            **WRITE_ERRORS_BY_ID,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        body = body_valid(InterventionAnnulerInputSerializer, request)
        dry_run = self.dry_run(request)
        result = interventions.intervention_annuler(
            intervention_id=pk,
            justification=body["justification"],
            actor=actor_of(request),
            dry_run=dry_run,
        )
        return self.write_response(InterventionWriteSerializer, result, dry_run=dry_run)


class ProjetCloturerApi(WriteApi):
    required_scope = Scope.ACTION_PROJETS

    @extend_schema(
        operation_id="projets_cloturer",
        summary="Close a projet (the Clôturer projet button of its Docmost page)",
        description=f"{doc(projets.projet_cloturer)}\n\nBaserow is written first; a failure to "
        "refresh the Docmost page afterwards is not an error but an entry of `meta.effects` "
        "(the next reconciliation, or a force sync, refreshes it).",
        request=None,
        parameters=WRITE_PARAMETERS,
        responses={
            200: write_envelope(ProjetCloturerSerializer),
            400: BAD_DRY_RUN,
            404: NOT_FOUND,
            409: WRITE_CONFLICT,
            422: RG_VIOLATION,
            502: BASEROW_DOWN,
            503: WRITES_PAUSED,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        body_valid(NoBodyInputSerializer, request)
        dry_run = self.dry_run(request)
        result = projets.projet_cloturer(projet_id=pk, actor=actor_of(request), dry_run=dry_run)
        return self.write_response(ProjetCloturerSerializer, result, dry_run=dry_run)
