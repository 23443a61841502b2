from django.urls import path

from tokens.views import TokenMeView

urlpatterns = [
    path("me", TokenMeView.as_view(), name="tokens-me"),
]
