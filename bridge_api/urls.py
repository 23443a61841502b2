"""Routes of the REST API: /api/v1/ (reads, writes, Docmost, sync, tokens) and the webhooks."""

from django.urls import path

from bridge_api.views import docmost as d
from bridge_api.views import embeds as e
from bridge_api.views import read as v
from bridge_api.views import reports as r
from bridge_api.views import sync as s
from bridge_api.views import tokens as t
from bridge_api.views import webhooks as h
from bridge_api.views import write as w

urlpatterns = [
    path("personnes", v.PersonneListApi.as_view()),
    path("personnes/<int:pk>", v.PersonneRetrieveApi.as_view()),
    path("personnes/<int:pk>/attributions", v.PersonneAttributionsListApi.as_view()),
    path("personnes/<int:pk>/interventions", v.PersonneInterventionsListApi.as_view()),
    path("personnes/<int:pk>/dashboard", v.PersonneDashboardApi.as_view()),
    path("formations", v.FormationListApi.as_view()),
    path("formations/<int:pk>", v.FormationRetrieveApi.as_view()),
    path("blocs/<int:pk>", v.BlocRetrieveApi.as_view()),
    path("modules/<int:pk>", v.ModuleRetrieveApi.as_view()),
    path("attributions/<int:pk>", v.AttributionRetrieveApi.as_view()),
    path("clients", v.ClientListApi.as_view()),
    path("clients/<int:pk>", v.ClientRetrieveApi.as_view()),
    path("projets", v.ProjetListApi.as_view()),
    path("projets/<int:pk>", v.ProjetRetrieveApi.as_view()),
    path("projets/<int:pk>/timeline", v.ProjetTimelineApi.as_view()),
    path("taches/<int:pk>", v.TacheRetrieveApi.as_view()),
    path("modules/<int:pk>/attribuer", w.ModuleAttribuerApi.as_view()),
    path("attributions/<int:pk>/heures-realisees", w.AttributionHeuresRealiseesApi.as_view()),
    path("attributions/<int:pk>/cloturer", w.AttributionCloturerApi.as_view()),
    path("attributions/<int:pk>/annuler", w.AttributionAnnulerApi.as_view()),
    path("interventions", w.InterventionCreateApi.as_view()),
    path("interventions/<int:pk>", w.InterventionUpdateApi.as_view()),
    path("interventions/<int:pk>/annuler", w.InterventionAnnulerApi.as_view()),
    path("projets/<int:pk>/cloturer", w.ProjetCloturerApi.as_view()),
    path("rapports/formation/<int:pk>", r.RapportFormationApi.as_view()),
    path("rapports/personne/<int:pk>", r.RapportPersonneApi.as_view()),
    path("rapports/projet/<int:pk>", r.RapportProjetApi.as_view()),
    path("embeds/personne/<str:slug>", e.EmbedPersonneApi.as_view()),
    path("embeds/personne/<str:slug>/card-url", e.EmbedPersonneCardUrlApi.as_view()),
    path("embeds/projet/<int:pk>", e.EmbedProjetApi.as_view()),
    path("embeds/projet/<int:pk>/card-url", e.EmbedProjetCardUrlApi.as_view()),
    path("embeds/modules-a-attribuer", e.EmbedModulesAAttribuerApi.as_view()),
    path("embeds/modules-a-attribuer/card-url", e.EmbedModulesAAttribuerCardUrlApi.as_view()),
    path("docmost/pages", d.DocmostPageCreateApi.as_view()),
    path("docmost/pages/<str:page_id>", d.DocmostPageUpdateApi.as_view()),
    path("docmost/collections", d.DocmostCollectionCreateApi.as_view()),
    path("docmost/share-links", d.DocmostShareLinkCreateApi.as_view()),
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
    path("me", t.TokenMeApi.as_view(), name="tokens-me"),
]
