from django.urls import path

from sync import views

webhook_urlpatterns = [
    path("<str:kind>/", views.BaserowWebhookView.as_view(), name="baserow-webhook"),
]

api_urlpatterns = [
    path("events/<int:pk>/replay", views.ReplayEventView.as_view()),
    path("status", views.SyncStatusView.as_view()),
]
