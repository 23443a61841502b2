"""The Docmost write API (seed section 6.7): thin views over `bridge_api.docmost_writes`.

Scope `write:docmost`. Every answer is `{"data": …}`; every POST takes an `Idempotency-Key`.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api.idempotency import idempotent
from bridge_api.openapi import ERROR_ENVELOPE_REF, enveloped
from hub.ledger import Actor
from hub.services import docmost as dw
from tokens.scopes import Scope

TAGS = ["docmost"]
IDEMPOTENCY_PARAMETERS = [
    OpenApiParameter(
        "Idempotency-Key",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description="Retrying with the same key and body returns the first answer without "
        "writing again (24 h); the same key with another body is 409.",
    ),
]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ERROR_ENVELOPE_REF, description=description)


DOCMOST_DOWN = _error(
    "DOCMOST_UNAVAILABLE: Docmost is unreachable, failing, or refused the request "
    "(its messages in details.docmost_messages)."
)
CONFLICT = _error("CONFLICT: an Idempotency-Key reused for another request or still in progress.")


def _markdown_size(value: str) -> None:
    if len(value.encode()) > dw.MARKDOWN_MAX_BYTES:
        raise serializers.ValidationError(
            f"At most {dw.MARKDOWN_MAX_BYTES} bytes of Markdown (UTF-8)."
        )


def _markdown_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        validators=[_markdown_size],
        help_text=f"The page body in Markdown, at most {dw.MARKDOWN_MAX_BYTES} bytes.",
        **kwargs,
    )


def _title_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=255, **kwargs)


def _icon_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(
        max_length=16, help_text="One emoji (at most 16 characters).", **kwargs
    )


def _page_ref_field(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(
        dw.PAGE_REF_RE,
        error_messages={"invalid": "Must be a Docmost page id (a UUID or a 10-character slugId)."},
        **kwargs,
    )


# -- serializers ---------------------------------------------------------------------------------


class DocmostPageCreateInputSerializer(serializers.Serializer):
    space_id = serializers.RegexField(
        dw.UUID_RE,
        error_messages={"invalid": "Must be a Docmost space id (a UUID)."},
        help_text="The Docmost space (UUID).",
    )
    title = _title_field()
    markdown = _markdown_field(required=False)
    parent_page_id = _page_ref_field(
        required=False, allow_null=True, default=None, help_text="Parent page, in the same space."
    )
    icon = _icon_field(required=False, allow_null=True, default=None)


class DocmostPageUpdateInputSerializer(serializers.Serializer):
    title = _title_field(required=False)
    markdown = _markdown_field(required=False)
    icon = _icon_field(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give at least one of title, markdown, icon.")
        return attrs


class DocmostCollectionCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(min_length=2, max_length=100)
    slug = serializers.RegexField(
        dw.SPACE_SLUG_RE,
        min_length=2,
        max_length=100,
        required=False,
        error_messages={
            "invalid": "Use letters, digits, '-' and '_', starting with a letter or a digit."
        },
        help_text="Unique in the workspace (case-insensitively). Default: the name's lower-case "
        "ASCII letters and digits, which every Docmost version accepts ('-' and '_' need "
        "Docmost 0.95 or later).",
    )
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default=""
    )


class DocmostShareLinkCreateInputSerializer(serializers.Serializer):
    page_id = _page_ref_field(help_text="The page to share (UUID or slugId).")
    include_sub_pages = serializers.BooleanField(required=False, default=False)


class DocmostPageSerializer(serializers.Serializer):
    page_id = serializers.CharField()
    slug_id = serializers.CharField()
    title = serializers.CharField(allow_null=True)
    space_id = serializers.CharField()
    parent_page_id = serializers.CharField(allow_null=True)
    url_path = serializers.CharField(
        required=False,
        help_text="`/s/<space slug>/p/<slugified title>-<slugId>` in Docmost's web client; "
        "only when known without another Docmost call (after an update, not a creation).",
    )


class DocmostCollectionSerializer(serializers.Serializer):
    space_id = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField()


class DocmostShareLinkSerializer(serializers.Serializer):
    share_id = serializers.CharField()
    key = serializers.CharField(help_text="The public link is `<Docmost URL>/share/<key>/p/…`.")
    page_id = serializers.CharField()
    include_sub_pages = serializers.BooleanField(
        help_text="As stored by Docmost: an existing share is returned unchanged."
    )
    url_path = serializers.CharField(
        required=False,
        help_text="`/share/<key>/p/<slugified title>-<slugId>`, only when known without "
        "another Docmost call.",
    )


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


# -- views ---------------------------------------------------------------------------------------


class DocmostPageCreateView(APIView):
    required_scope = Scope.WRITE_DOCMOST

    @extend_schema(
        operation_id="docmost_pages_create",
        summary="Create a Docmost page",
        description="Creates a page in a Docmost space (last among its siblings), optionally "
        "under a parent page, with a Markdown body that is read back and checked. "
        "`url_path` is not returned: Docmost's answer to a creation lacks the space slug. "
        "A body with `cover` is refused with 422 `UNSUPPORTED_BY_DOCMOST`.",
        request=DocmostPageCreateInputSerializer,
        parameters=IDEMPOTENCY_PARAMETERS,
        responses={
            201: enveloped(DocmostPageSerializer),
            404: _error(
                "NOT_FOUND: no such space or parent page, or the bridge's Docmost user has no "
                "role in the space."
            ),
            409: CONFLICT,
            422: _error("UNSUPPORTED_BY_DOCMOST: `cover` (Docmost has no cover photo setting)."),
            502: DOCMOST_DOWN,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request) -> Response:
        dw.refuse_unsupported(request.data, dw.UNSUPPORTED_PAGE_FIELDS)
        body = _valid(DocmostPageCreateInputSerializer, request)
        data = dw.docmost_page_create(**body, actor=Actor.from_token(request.auth))
        return Response({"data": DocmostPageSerializer(data).data}, status=201)


class DocmostPageUpdateView(APIView):
    required_scope = Scope.WRITE_DOCMOST

    @extend_schema(
        operation_id="docmost_pages_update",
        summary="Change a Docmost page's title, icon or body",
        description="Sets what is given: `markdown` replaces the whole body; title and body are "
        "read back and checked. A body with `cover` is refused with 422 "
        "`UNSUPPORTED_BY_DOCMOST` (Docmost's API has no cover photo setting) and nothing is "
        "written. An unknown page is 404.",
        request=DocmostPageUpdateInputSerializer,
        parameters=IDEMPOTENCY_PARAMETERS,
        responses={
            200: enveloped(DocmostPageSerializer),
            409: CONFLICT,
            422: _error("UNSUPPORTED_BY_DOCMOST: `cover` (Docmost has no cover photo setting)."),
            502: DOCMOST_DOWN,
        },
        tags=TAGS,
    )
    @idempotent
    def patch(self, request: Request, page_id: str) -> Response:
        dw.refuse_unsupported(request.data, dw.UNSUPPORTED_PAGE_FIELDS)
        body = _valid(DocmostPageUpdateInputSerializer, request)
        data = dw.docmost_page_update(page_id=page_id, **body, actor=Actor.from_token(request.auth))
        return Response({"data": DocmostPageSerializer(data).data})


class DocmostCollectionCreateView(APIView):
    required_scope = Scope.WRITE_DOCMOST

    @extend_schema(
        operation_id="docmost_collections_create",
        summary="Create a Docmost space (collection)",
        description="Creates a space; the bridge's Docmost user becomes its admin (it must be a "
        "workspace admin). A slug already taken (case-insensitively) is 409 `CONFLICT` "
        "naming it.",
        request=DocmostCollectionCreateInputSerializer,
        parameters=IDEMPOTENCY_PARAMETERS,
        responses={
            201: enveloped(DocmostCollectionSerializer),
            409: _error("CONFLICT: the slug is taken (details.slug), or a reused Idempotency-Key."),
            502: DOCMOST_DOWN,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request) -> Response:
        body = _valid(DocmostCollectionCreateInputSerializer, request)
        data = dw.docmost_collection_create(**body, actor=Actor.from_token(request.auth))
        return Response({"data": DocmostCollectionSerializer(data).data}, status=201)


class DocmostShareLinkCreateView(APIView):
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
        parameters=IDEMPOTENCY_PARAMETERS,
        responses={
            201: enveloped(DocmostShareLinkSerializer),
            404: _error("NOT_FOUND: no such page, or the bridge's Docmost user cannot see it."),
            409: CONFLICT,
            422: _error("UNSUPPORTED_BY_DOCMOST: a password or an expiry was asked for."),
            502: DOCMOST_DOWN,
        },
        tags=TAGS,
    )
    @idempotent
    def post(self, request: Request) -> Response:
        dw.refuse_unsupported(request.data, dw.UNSUPPORTED_SHARE_FIELDS)
        body = _valid(DocmostShareLinkCreateInputSerializer, request)
        data = dw.docmost_share_link_create(**body, actor=Actor.from_token(request.auth))
        return Response({"data": DocmostShareLinkSerializer(data).data}, status=201)
