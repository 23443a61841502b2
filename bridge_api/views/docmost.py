"""The Docmost write API (seed section 6.7): one view per operation, each a thin caller of its hub
service (`hub.services.docmost`).

Scope `write:docmost`. Every answer is `{"data": …}`; every operation takes an `Idempotency-Key`.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from bridge_api.openapi import DOCMOST_DOWN, IDEMPOTENCY_CONFLICT, enveloped, error
from bridge_api.serializers.docmost import (
    DocmostCollectionCreateInputSerializer,
    DocmostCollectionSerializer,
    DocmostPageCreateInputSerializer,
    DocmostPageSerializer,
    DocmostPageUpdateInputSerializer,
    DocmostShareLinkCreateInputSerializer,
    DocmostShareLinkSerializer,
)
from bridge_api.views.base import actor_of, body_valid
from hub.services import docmost as dw
from tokens.scopes import Scope

TAGS = ["docmost"]
BAD_BODY = error(
    "VALIDATION_ERROR: the body is not valid (a field missing or malformed, or a field this "
    "operation does not know), or a bad Idempotency-Key; details name each one."
)


class DocmostPageCreateApi(APIView):
    required_scope = Scope.WRITE_DOCMOST

    @extend_schema(
        operation_id="docmost_pages_create",
        summary="Create a Docmost page",
        description="Creates a page in a Docmost space (last among its siblings), optionally "
        "under a parent page, with a Markdown body that is read back and checked. "
        "`url_path` is not returned: Docmost's answer to a creation lacks the space slug. "
        "A body with `cover` is refused with 422 `UNSUPPORTED_BY_DOCMOST`.",
        request=DocmostPageCreateInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            201: enveloped(DocmostPageSerializer),
            400: BAD_BODY,
            404: error(
                "NOT_FOUND: no such space or parent page, or the bridge's Docmost user has no "
                "role in the space."
            ),
            409: IDEMPOTENCY_CONFLICT,
            422: error("UNSUPPORTED_BY_DOCMOST: `cover` (Docmost has no cover photo setting)."),
            502: DOCMOST_DOWN,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request) -> Response:
        dw.refuse_unsupported(request.data, dw.UNSUPPORTED_PAGE_FIELDS)
        body = body_valid(DocmostPageCreateInputSerializer, request)
        data = dw.docmost_page_create(**body, actor=actor_of(request))
        return Response({"data": DocmostPageSerializer(data).data}, status=201)


class DocmostPageUpdateApi(APIView):
    required_scope = Scope.WRITE_DOCMOST

    @extend_schema(
        operation_id="docmost_pages_update",
        summary="Change a Docmost page's title, icon or body",
        description="Sets what is given: `markdown` replaces the whole body; title and body are "
        "read back and checked. A body with `cover` is refused with 422 "
        "`UNSUPPORTED_BY_DOCMOST` (Docmost's API has no cover photo setting) and nothing is "
        "written. An unknown page is 404.",
        request=DocmostPageUpdateInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            200: enveloped(DocmostPageSerializer),
            400: BAD_BODY,
            404: error("NOT_FOUND: no such page, or the bridge's Docmost user cannot see it."),
            409: IDEMPOTENCY_CONFLICT,
            422: error("UNSUPPORTED_BY_DOCMOST: `cover` (Docmost has no cover photo setting)."),
            502: DOCMOST_DOWN,
        },
        tags=TAGS,
    )
    @idempotent
    def patch(self, request: Request, page_id: str) -> Response:
        dw.refuse_unsupported(request.data, dw.UNSUPPORTED_PAGE_FIELDS)
        body = body_valid(DocmostPageUpdateInputSerializer, request)
        data = dw.docmost_page_update(page_id=page_id, **body, actor=actor_of(request))
        return Response({"data": DocmostPageSerializer(data).data})


class DocmostCollectionCreateApi(APIView):
    required_scope = Scope.WRITE_DOCMOST

    @extend_schema(
        operation_id="docmost_collections_create",
        summary="Create a Docmost space (collection)",
        description="Creates a space; the bridge's Docmost user becomes its admin (it must be a "
        "workspace admin). A slug already taken (case-insensitively) is 409 `CONFLICT` "
        "naming it.",
        request=DocmostCollectionCreateInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            201: enveloped(DocmostCollectionSerializer),
            400: BAD_BODY,
            409: error("CONFLICT: the slug is taken (details.slug), or a reused Idempotency-Key."),
            502: DOCMOST_DOWN,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request) -> Response:
        body = body_valid(DocmostCollectionCreateInputSerializer, request)
        data = dw.docmost_collection_create(**body, actor=actor_of(request))
        return Response({"data": DocmostCollectionSerializer(data).data}, status=201)


class DocmostShareLinkCreateApi(APIView):
    required_scope = Scope.WRITE_DOCMOST

    @extend_schema(
        operation_id="docmost_share_links_create",
        summary="Share a Docmost page publicly",
        description="Creates the page's public share link. **Idempotent on Docmost's side**: a "
        "page has at most one share, and sharing it again returns the existing share unchanged "
        "(with its own `include_sub_pages`). Docmost share links have neither a password nor "
        "an expiry: a body with `password`, `expires_at` or `expiration` is refused with 422 "
        "`UNSUPPORTED_BY_DOCMOST` (the fields in `details.fields`) and nothing is created.",
        request=DocmostShareLinkCreateInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            201: enveloped(DocmostShareLinkSerializer),
            400: BAD_BODY,
            404: error("NOT_FOUND: no such page, or the bridge's Docmost user cannot see it."),
            409: IDEMPOTENCY_CONFLICT,
            422: error("UNSUPPORTED_BY_DOCMOST: a password or an expiry was asked for."),
            502: DOCMOST_DOWN,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request) -> Response:
        dw.refuse_unsupported(request.data, dw.UNSUPPORTED_SHARE_FIELDS)
        body = body_valid(DocmostShareLinkCreateInputSerializer, request)
        data = dw.docmost_share_link_create(**body, actor=actor_of(request))
        return Response({"data": DocmostShareLinkSerializer(data).data}, status=201)
