from django.urls import path

from sync import views

docmost_webhook_urlpatterns = [
    path("", views.DocmostWebhookView.as_view(), name="docmost-webhook"),
]

webhook_urlpatterns = [
    path("<str:kind>/", views.BaserowWebhookView.as_view(), name="baserow-webhook"),
]

api_urlpatterns = [
    path("events/<int:pk>/replay", views.ReplayEventView.as_view()),
    path("status", views.SyncStatusView.as_view()),
    path("projet/<int:pk>", views.ForceSyncProjetView.as_view()),
    path("formation/<int:pk>", views.ForceSyncFormationView.as_view()),
    path("all", views.FullSyncView.as_view()),
    path("reconcile", views.ReconcileView.as_view()),
    path("runs/<int:pk>/resume", views.ResumeRunView.as_view()),
]
