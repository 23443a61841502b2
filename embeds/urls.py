"""Routes of the cards Docmost pages frame (/cards/…) and of the full pages they link to
(/pages/…): signed URLs, see embeds.signing."""

from django.urls import path

from embeds import views

card_urlpatterns = [
    path("personne/<str:slug>", views.PersonneCardView.as_view(), name="card-personne"),
    path("projet/<int:pk>", views.ProjetCardView.as_view(), name="card-projet"),
    path(
        "modules-a-attribuer",
        views.ModulesAAttribuerCardView.as_view(),
        name="card-modules-a-attribuer",
    ),
]
page_urlpatterns = [
    path("personne/<int:pk>", views.PersonnePageView.as_view(), name="page-personne"),
    path("projet/<int:pk>", views.ProjetPageView.as_view(), name="page-projet"),
    path("formation/<int:pk>", views.FormationPageView.as_view(), name="page-formation"),
]
