"""Routes of the REST API: /api/v1/ (reads, writes, Docmost, sync, tokens) and the webhooks."""

from django.urls import path

from bridge_api.views import docmost as d
from bridge_api.views import read as v
from bridge_api.views import sync as s
from bridge_api.views import tokens as t
from bridge_api.views import webhooks as h
from bridge_api.views import write as w

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

docmost_webhook_urlpatterns = [
    path("", h.WebhooksDocmostApi.as_view(), name="docmost-webhook"),
]

webhook_urlpatterns = [
    path("<str:kind>/", h.WebhooksBaserowApi.as_view(), name="baserow-webhook"),
]

sync_urlpatterns = [
    path("events/<int:pk>/replay", s.SyncEventsReplayApi.as_view()),
    path("status", s.SyncStatusApi.as_view()),
    path("projet/<int:pk>", s.SyncProjetApi.as_view()),
    path("formation/<int:pk>", s.SyncFormationApi.as_view()),
    path("all", s.SyncAllApi.as_view()),
    path("reconcile", s.SyncReconcileApi.as_view()),
    path("runs/<int:pk>/resume", s.SyncRunsResumeApi.as_view()),
]

token_urlpatterns = [
    path("me", t.TokenMeView.as_view(), name="tokens-me"),
]
