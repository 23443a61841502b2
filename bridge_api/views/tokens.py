"""The calling token (`/api/v1/tokens/me`)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bridge_api.openapi import enveloped
from tokens.scopes import Access


class TokenMeSerializer(serializers.Serializer):
    name = serializers.CharField()
    key_id = serializers.CharField(help_text="Public identifier: the part after `brg_`.")
    scopes = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True, help_text="Null: never expires.")
    last_used_at = serializers.DateTimeField(allow_null=True)


class TokenMeApi(APIView):
    required_scope = Access.AUTHENTICATED

    @extend_schema(
        operation_id="tokens_me",
        summary="The calling token",
        description="Name, scopes and lifetime of the token that authenticates this request: "
        "a quick way to check a token and what it may do.",
        responses={200: enveloped(TokenMeSerializer)},
        tags=["tokens"],
    )
    def get(self, request: Request) -> Response:
        return Response({"data": TokenMeSerializer(request.auth).data})
