"""A test URLconf: the real routes plus views that exercise error paths no real endpoint has yet."""

from typing import Any

from django.urls import path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as real_urlpatterns
from tokens.scopes import Scope


class EchoInputSerializer(serializers.Serializer):
    heures = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    nom = serializers.CharField(max_length=20)


class EchoView(APIView):
    required_scope = Scope.WRITE_ATTRIBUTIONS

    def post(self, request: Request) -> Response:
        serializer = EchoInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"data": serializer.validated_data}, status=201)


class ItemView(APIView):
    required_scope = Scope.READ_PERSONNES

    def get(self, request: Request, pk: int) -> Response:
        return Response({"data": {"id": pk}})


class CrashView(APIView):
    required_scope = Scope.READ_PERSONNES

    def get(self, request: Request) -> Response:
        raise RuntimeError("boom: secret internals brg_notarealtoken0000")


class UndeclaredView(APIView):
    def get(self, request: Request) -> Response:
        return Response({})


urlpatterns: list[Any] = [
    path("api/test/echo", EchoView.as_view()),
    path("api/test/items/<int:pk>", ItemView.as_view()),
    path("api/test/crash", CrashView.as_view()),
    *real_urlpatterns,
]
