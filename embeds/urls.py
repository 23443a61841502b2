"""Routes of the cards Docmost pages frame: /cards/… (signed URLs, see embeds.signing)."""

from django.urls import path

from embeds import views

urlpatterns = [
    path("personne/<str:slug>", views.PersonneCardView.as_view(), name="card-personne"),
    path("projet/<int:pk>", views.ProjetCardView.as_view(), name="card-projet"),
    path(
        "modules-a-attribuer",
        views.ModulesAAttribuerCardView.as_view(),
        name="card-modules-a-attribuer",
    ),
]
