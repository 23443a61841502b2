"""Routes of the read API under /api/v1/."""

from django.urls import path

from bridge_api import views_docmost as d
from bridge_api import views_read as v
from bridge_api import views_write as w

urlpatterns = [
    path("personnes", v.PersonneListView.as_view()),
    path("personnes/<int:pk>", v.PersonneDetailView.as_view()),
    path("personnes/<int:pk>/attributions", v.PersonneAttributionsView.as_view()),
    path("personnes/<int:pk>/interventions", v.PersonneInterventionsView.as_view()),
    path("personnes/<int:pk>/dashboard", v.PersonneDashboardView.as_view()),
    path("formations", v.FormationListView.as_view()),
    path("formations/<int:pk>", v.FormationDetailView.as_view()),
    path("blocs/<int:pk>", v.BlocDetailView.as_view()),
    path("modules/<int:pk>", v.ModuleDetailView.as_view()),
    path("attributions/<int:pk>", v.AttributionDetailView.as_view()),
    path("clients", v.ClientListView.as_view()),
    path("clients/<int:pk>", v.ClientDetailView.as_view()),
    path("projets", v.ProjetListView.as_view()),
    path("projets/<int:pk>", v.ProjetDetailView.as_view()),
    path("projets/<int:pk>/timeline", v.ProjetTimelineView.as_view()),
    path("taches/<int:pk>", v.TacheDetailView.as_view()),
    path("modules/<int:pk>/attribuer", w.AttribuerView.as_view()),
    path("attributions/<int:pk>/heures-realisees", w.HeuresRealiseesView.as_view()),
    path("attributions/<int:pk>/cloturer", w.CloturerView.as_view()),
    path("attributions/<int:pk>/annuler", w.AnnulerAttributionView.as_view()),
    path("interventions", w.InterventionCreateView.as_view()),
    path("interventions/<int:pk>", w.InterventionUpdateView.as_view()),
    path("interventions/<int:pk>/annuler", w.AnnulerInterventionView.as_view()),
    path("projets/<int:pk>/cloturer", w.ProjetCloturerView.as_view()),
    path("docmost/pages", d.DocmostPageCreateView.as_view()),
    path("docmost/pages/<str:page_id>", d.DocmostPageUpdateView.as_view()),
    path("docmost/collections", d.DocmostCollectionCreateView.as_view()),
    path("docmost/share-links", d.DocmostShareLinkCreateView.as_view()),
]
