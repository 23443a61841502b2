"""The embeds API (issue 13): JSON for Docmost node-views and scripts, and the signed URLs of
the HTML cards (`embeds/`). Read scopes as the matching read endpoints. Browsers on the Docmost
origins may call it (CORS, `embeds.cors`)."""

from datetime import UTC, datetime
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api.openapi import BASEROW_DOWN, NOT_FOUND, enveloped, error
from bridge_api.serializers.embeds import (
    CardUrlSerializer,
    ModulesAAttribuerSerializer,
    ProjetEmbedSerializer,
)
from bridge_api.serializers.read import PersonneSerializer
from bridge_api.views.base import detail_response, doc
from embeds.signing import CardUrl, card_url_sign
from hub.errors import ApplicationError, ErrorCode
from hub.queries import ascii_int
from hub.selectors.formations import formation_modules_a_attribuer
from hub.selectors.personnes import personne_retrieve_by_slug
from hub.selectors.projets import projet_retrieve
from tokens.scopes import Scope

# The longest a minted card URL may live, when asked (seconds): a year.
EXPIRES_IN_MAX = 366 * 86400

ROW_ID_MAX = 2**31 - 1
FORMATION_PARAMETER = OpenApiParameter(
    "formation",
    {"type": "integer", "minimum": 0, "maximum": ROW_ID_MAX},
    OpenApiParameter.QUERY,
    required=True,
    description="The formation's id.",
)
EXPIRES_IN_PARAMETER = OpenApiParameter(
    "expires_in",
    {"type": "integer", "minimum": 0, "maximum": EXPIRES_IN_MAX},
    OpenApiParameter.QUERY,
    description=f"Seconds the URL stays valid (0: never; at most {EXPIRES_IN_MAX}). Default: "
    "CARD_URL_DEFAULT_TTL.",
)
BAD_PARAMETER = error("VALIDATION_ERROR: `formation` or `expires_in` is missing or not a number.")


def _digits(request: Request, name: str, *, required: bool, maximum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None and not required:
        return None
    value = ascii_int(raw or "")
    if value is None or value > maximum:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            details={name: [f"Send `{name}` as a whole number from 0 to {maximum}."]},
        )
    return value


def _formation_id(request: Request) -> int:
    return int(_digits(request, "formation", required=True, maximum=ROW_ID_MAX) or 0)


def _card_url(request: Request, kind: str, ident: str | int) -> Response:
    expires_in = _digits(request, "expires_in", required=False, maximum=EXPIRES_IN_MAX)
    card: CardUrl = card_url_sign(kind=kind, ident=ident, expires_in=expires_in)
    expires_at = None if card.expires_at is None else datetime.fromtimestamp(card.expires_at, UTC)
    payload: dict[str, Any] = {
        "url": card.url,
        "kind": card.kind,
        "key_id": card.key_id,
        "expires_at": expires_at,
    }
    return Response({"data": CardUrlSerializer(payload).data})


class EmbedPersonneApi(APIView):
    required_scope = Scope.READ_PERSONNES

    @extend_schema(
        operation_id="embeds_personne",
        summary="A personne by slug (an @mention): capacity remaining, roles",
        description=doc(personne_retrieve_by_slug),
        responses={200: enveloped(PersonneSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["embeds"],
    )
    def get(self, request: Request, slug: str) -> Response:
        return detail_response(PersonneSerializer, personne_retrieve_by_slug(slug=slug))


class EmbedProjetApi(APIView):
    required_scope = Scope.READ_PROJETS

    @extend_schema(
        operation_id="embeds_projet",
        summary="A projet's card data: statut, hours realised against the charge, client",
        description=doc(projet_retrieve),
        responses={200: enveloped(ProjetEmbedSerializer), 404: NOT_FOUND, 502: BASEROW_DOWN},
        tags=["embeds"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return detail_response(ProjetEmbedSerializer, projet_retrieve(projet_id=pk))


class EmbedModulesAAttribuerApi(APIView):
    required_scope = Scope.READ_FORMATIONS

    @extend_schema(
        operation_id="embeds_modules_a_attribuer",
        summary="A formation's modules still to assign, with their free hours",
        description=doc(formation_modules_a_attribuer),
        parameters=[FORMATION_PARAMETER],
        responses={
            200: enveloped(ModulesAAttribuerSerializer),
            400: BAD_PARAMETER,
            404: NOT_FOUND,
            502: BASEROW_DOWN,
        },
        tags=["embeds"],
    )
    def get(self, request: Request) -> Response:
        data = formation_modules_a_attribuer(formation_id=_formation_id(request))
        return detail_response(ModulesAAttribuerSerializer, data)


CARD_URL_DOC = (
    "The signed URL of the card, to put in a Docmost page as an embed (provider iframe, "
    "640×260). It grants that card only, read-only; 404 if the row does not exist."
)


class EmbedPersonneCardUrlApi(APIView):
    required_scope = Scope.READ_PERSONNES

    @extend_schema(
        operation_id="embeds_personne_card_url",
        summary="Mint the signed URL of a personne's card",
        description=CARD_URL_DOC,
        parameters=[EXPIRES_IN_PARAMETER],
        responses={200: enveloped(CardUrlSerializer), 400: BAD_PARAMETER, 404: NOT_FOUND},
        tags=["embeds"],
    )
    def get(self, request: Request, slug: str) -> Response:
        personne_retrieve_by_slug(slug=slug)
        return _card_url(request, "personne", slug)


class EmbedProjetCardUrlApi(APIView):
    required_scope = Scope.READ_PROJETS

    @extend_schema(
        operation_id="embeds_projet_card_url",
        summary="Mint the signed URL of a projet's card",
        description=CARD_URL_DOC,
        parameters=[EXPIRES_IN_PARAMETER],
        responses={200: enveloped(CardUrlSerializer), 400: BAD_PARAMETER, 404: NOT_FOUND},
        tags=["embeds"],
    )
    def get(self, request: Request, pk: int) -> Response:
        projet_retrieve(projet_id=pk)
        return _card_url(request, "projet", pk)


class EmbedModulesAAttribuerCardUrlApi(APIView):
    required_scope = Scope.READ_FORMATIONS

    @extend_schema(
        operation_id="embeds_modules_a_attribuer_card_url",
        summary="Mint the signed URL of a formation's modules-to-assign card",
        description=CARD_URL_DOC,
        parameters=[FORMATION_PARAMETER, EXPIRES_IN_PARAMETER],
        responses={200: enveloped(CardUrlSerializer), 400: BAD_PARAMETER, 404: NOT_FOUND},
        tags=["embeds"],
    )
    def get(self, request: Request) -> Response:
        formation_id = _formation_id(request)
        formation_modules_a_attribuer(formation_id=formation_id)
        return _card_url(request, "modules-a-attribuer", formation_id)
