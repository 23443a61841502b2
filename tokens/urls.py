from django.urls import path

from bridge_api.views.tokens import TokenMeView

urlpatterns = [
    path("me", TokenMeView.as_view(), name="tokens-me"),
]
