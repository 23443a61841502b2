"""A URLconf with a card route whose view checks no signed URL."""

from django.http import HttpResponse
from django.urls import path
from django.views import View


class UnguardedCard(View):
    def get(self, request):
        return HttpResponse("a card anyone can load")


urlpatterns = [path("cards/unguarded/<int:pk>", UnguardedCard.as_view())]
