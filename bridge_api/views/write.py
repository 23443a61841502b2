"""The write API (seed sections 6.2–6.5): thin views over `hub.services`.

Every operation accepts `?dry_run=true` (same checks, same answer, nothing written) and an
`Idempotency-Key` header.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api.idempotency import idempotent
from bridge_api.openapi import ERROR_ENVELOPE_REF
from bridge_api.serializers import HoursField
from hub.ledger import Actor
from hub.services import attributions, interventions, projets
from hub.services.base import WriteResult
from tokens.scopes import Scope


def _hours_input(minimum: Decimal | None = Decimal(0), **kwargs: Any) -> serializers.DecimalField:
    """Hours in a request body: a JSON number (or numeric string), 2 decimals."""
    return serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, min_value=minimum, **kwargs
    )


WRITE_PARAMETERS = [
    OpenApiParameter(
        "dry_run",
        OpenApiTypes.BOOL,
        description="Validate and answer with the rollups as they would be; write nothing.",
    ),
    OpenApiParameter(
        "Idempotency-Key",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description="Retrying with the same key and body returns the first answer without "
        "writing again (24 h); the same key with another body is 409.",
    ),
]
ERRORS = {
    409: ERROR_ENVELOPE_REF,  # CONFLICT: a final state (RG-04), a busy lock, a reused key
    422: ERROR_ENVELOPE_REF,  # RG_VIOLATION: details.rule and the numbers
    502: OpenApiResponse(
        response=ERROR_ENVELOPE_REF,
        description="BASEROW_UNAVAILABLE: Baserow is unreachable, failing or rate limiting; "
        "retry later. BASEROW_REJECTED: Baserow refused the write (a 4xx): its answer is in "
        "details.baserow_status, details.baserow_error and details.baserow_detail; retrying "
        "will not help. BASEROW_DATA_INVALID: a row the bridge cannot read.",
    ),
}


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise serializers.ValidationError("Must be greater than 0.")
    return value


class AttribuerInputSerializer(serializers.Serializer):
    personne_id = serializers.IntegerField(min_value=1)
    heures = _hours_input(minimum=None, validators=[_positive])
    date_debut = serializers.DateField(required=False, allow_null=True, default=None)


class HeuresRealiseesInputSerializer(serializers.Serializer):
    heures_realisees = _hours_input()


class AnnulerInputSerializer(serializers.Serializer):
    justification = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Required (RG-05)."
    )


class EmptyInputSerializer(serializers.Serializer):
    pass


class InterventionCreateInputSerializer(serializers.Serializer):
    tache_id = serializers.IntegerField(min_value=1)
    personne_id = serializers.IntegerField(min_value=1)
    heures = _hours_input(help_text="In ]0, 24] (RG-06).")
    date = serializers.DateField(help_text="Not in the future (RG-06).")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class InterventionUpdateInputSerializer(serializers.Serializer):
    heures = _hours_input(required=False)
    date = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give at least one of heures, date, notes.")
        return attrs


class ModuleRollupSerializer(serializers.Serializer):
    module_id = serializers.IntegerField()
    module_nom = serializers.CharField()
    statut = serializers.CharField(allow_null=True)
    heures_module = HoursField()
    heures_deja_attribuees = HoursField()
    heures_realisees_total = HoursField()
    heures_restantes = HoursField()


class PersonneFormationRollupSerializer(serializers.Serializer):
    personne_id = serializers.IntegerField()
    nom_prenom = serializers.CharField()
    capacite_formation_h = HoursField()
    heures_attribuees_formation = HoursField()
    heures_restantes_formation = HoursField()


class AttributionWriteSerializer(serializers.Serializer):
    attribution_id = serializers.IntegerField(help_text="0 in a dry run of a creation.")
    nom = serializers.CharField()
    heures_attribuees = HoursField()
    heures_realisees = HoursField()
    statut = serializers.CharField()
    date_debut = serializers.DateField(allow_null=True)
    justification = serializers.CharField(allow_blank=True)
    module = ModuleRollupSerializer()
    personne = PersonneFormationRollupSerializer()


class TacheWriteRefSerializer(serializers.Serializer):
    tache_id = serializers.IntegerField()
    tache_nom = serializers.CharField()


class PersonneAgenceRollupSerializer(serializers.Serializer):
    personne_id = serializers.IntegerField()
    nom_prenom = serializers.CharField()
    capacite_agence_h = HoursField()
    heures_realisees_agence = HoursField()
    heures_restantes_agence = HoursField()


class InterventionWriteSerializer(serializers.Serializer):
    intervention_id = serializers.IntegerField(help_text="0 in a dry run of a creation.")
    nom = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    heures = HoursField()
    notes = serializers.CharField(allow_blank=True)
    statut = serializers.CharField()
    tache = TacheWriteRefSerializer(allow_null=True)
    personne = PersonneAgenceRollupSerializer()
    depassement_capacite_agence = serializers.BooleanField(
        help_text="Over agency capacity: allowed, but the admins are alerted."
    )


class WriteMetaSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    effects = serializers.ListField(
        child=serializers.CharField(), help_text="Cascades, e.g. OP-07 closing the formation."
    )


def _write_envelope(name: str, data: type[serializers.Serializer]) -> type:
    return type(name, (serializers.Serializer,), {"data": data(), "meta": WriteMetaSerializer()})


AttributionWriteEnvelope = _write_envelope(
    "AttributionWriteEnvelopeSerializer", AttributionWriteSerializer
)
InterventionWriteEnvelope = _write_envelope(
    "InterventionWriteEnvelopeSerializer", InterventionWriteSerializer
)


def _dry_run(request: Request) -> bool:
    raw = request.query_params.get("dry_run", "false").lower()
    if raw not in ("true", "false", "1", "0", ""):
        from hub.errors import ApplicationError, ErrorCode

        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR, details={"dry_run": ["Use true or false."]}
        )
    return raw in ("true", "1")


def write_view(
    *,
    method: str,
    scope: Scope,
    input_serializer: type[serializers.Serializer],
    output: type[serializers.Serializer],
    envelope: type,
    operation: Callable[..., WriteResult],
    arguments: Callable[[dict[str, Any], int | None], dict[str, Any]],
    operation_id: str,
    summary: str,
    created: bool = False,
    with_pk: bool = True,
) -> type[APIView]:
    success = 201 if created else 200

    def respond(view: APIView, request: Request, pk: int | None = None) -> Response:
        body = input_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        dry_run = _dry_run(request)
        result = operation(
            **arguments(dict(body.validated_data), pk),
            actor=Actor.from_token(request.auth),
            dry_run=dry_run,
        )
        return Response(
            {
                "data": output(result.data).data,
                "meta": {"dry_run": dry_run, "effects": result.effects},
            },
            status=200 if dry_run else success,
        )

    schema = extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=(operation.__doc__ or "").strip(),
        request=input_serializer,
        parameters=WRITE_PARAMETERS,
        responses={success: envelope, **({200: envelope} if created else {}), **ERRORS},
        tags=["writes"],
    )

    if with_pk:

        def handler(view: APIView, request: Request, pk: int) -> Response:
            return respond(view, request, pk)

    else:

        def handler(view: APIView, request: Request) -> Response:  # type: ignore[misc]
            return respond(view, request)

    view_class = type(
        f"{operation_id.title().replace('_', '')}View",
        (APIView,),
        {"required_scope": scope, method: schema(idempotent(handler))},
    )
    return view_class


class ProjetCloseSerializer(serializers.Serializer):
    projet_id = serializers.IntegerField()
    nom = serializers.CharField()
    statut = serializers.CharField()
    docmost_page_id = serializers.CharField(allow_blank=True)


ProjetCloseEnvelope = _write_envelope("ProjetCloseEnvelopeSerializer", ProjetCloseSerializer)

W_A, W_I = Scope.WRITE_ATTRIBUTIONS, Scope.WRITE_INTERVENTIONS

AttribuerView = write_view(
    method="post",
    scope=W_A,
    input_serializer=AttribuerInputSerializer,
    output=AttributionWriteSerializer,
    envelope=AttributionWriteEnvelope,
    operation=attributions.module_attribuer,
    arguments=lambda body, pk: {
        "module_id": pk,
        "personne_id": body["personne_id"],
        "heures": body["heures"],
        "date_debut": body["date_debut"],
    },
    operation_id="modules_attribuer",
    summary="Attribute a module to a formateur (RG-01, RG-02, RG-06)",
    created=True,
)
HeuresRealiseesView = write_view(
    method="patch",
    scope=W_A,
    input_serializer=HeuresRealiseesInputSerializer,
    output=AttributionWriteSerializer,
    envelope=AttributionWriteEnvelope,
    operation=attributions.attribution_heures_realisees,
    arguments=lambda body, pk: {"attribution_id": pk, "heures_realisees": body["heures_realisees"]},
    operation_id="attributions_heures_realisees",
    summary="Enter realised hours (RG-03, RG-04)",
)
CloturerView = write_view(
    method="post",
    scope=W_A,
    input_serializer=EmptyInputSerializer,
    output=AttributionWriteSerializer,
    envelope=AttributionWriteEnvelope,
    operation=attributions.attribution_cloturer,
    arguments=lambda body, pk: {"attribution_id": pk},
    operation_id="attributions_cloturer",
    summary="Close an attribution (en_cours → realise; OP-07)",
)
AnnulerAttributionView = write_view(
    method="post",
    scope=W_A,
    input_serializer=AnnulerInputSerializer,
    output=AttributionWriteSerializer,
    envelope=AttributionWriteEnvelope,
    operation=attributions.attribution_annuler,
    arguments=lambda body, pk: {"attribution_id": pk, "justification": body.get("justification")},
    operation_id="attributions_annuler",
    summary="Cancel an attribution (RG-04, RG-05)",
)
InterventionCreateView = write_view(
    method="post",
    scope=W_I,
    input_serializer=InterventionCreateInputSerializer,
    output=InterventionWriteSerializer,
    envelope=InterventionWriteEnvelope,
    operation=interventions.intervention_create,
    arguments=lambda body, pk: {
        "tache_id": body["tache_id"],
        "personne_id": body["personne_id"],
        "heures": body["heures"],
        "day": body["date"],
        "notes": body["notes"],
    },
    operation_id="interventions_create",
    summary="Log an intervention (RG-06; agency over-capacity alerts)",
    created=True,
    with_pk=False,
)
InterventionUpdateView = write_view(
    method="patch",
    scope=W_I,
    input_serializer=InterventionUpdateInputSerializer,
    output=InterventionWriteSerializer,
    envelope=InterventionWriteEnvelope,
    operation=interventions.intervention_update,
    arguments=lambda body, pk: {"intervention_id": pk, "changes": body},
    operation_id="interventions_update",
    summary="Change an intervention's hours, date or notes (RG-04, RG-06)",
)
AnnulerInterventionView = write_view(
    method="post",
    scope=W_I,
    input_serializer=AnnulerInputSerializer,
    output=InterventionWriteSerializer,
    envelope=InterventionWriteEnvelope,
    operation=interventions.intervention_annuler,
    arguments=lambda body, pk: {"intervention_id": pk, "justification": body.get("justification")},
    operation_id="interventions_annuler",
    summary="Cancel an intervention (RG-04, RG-05)",
)
ProjetCloturerView = write_view(
    method="post",
    scope=Scope.ACTION_PROJETS,
    input_serializer=EmptyInputSerializer,
    output=ProjetCloseSerializer,
    envelope=ProjetCloseEnvelope,
    operation=projets.projet_cloturer,
    arguments=lambda body, pk: {"projet_id": pk},
    operation_id="projets_cloturer",
    summary="Close a projet (the Clôturer projet button of its Docmost page)",
)
