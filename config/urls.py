"""URL configuration. Everything under /api/ answers in the JSON envelope, unknown routes too."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from bridge_api import views as api_views
from sync import urls as sync_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/health", api_views.HealthView.as_view(), name="health"),
    path("api/ready", api_views.ReadyView.as_view(), name="ready"),
    path("api/metrics", api_views.MetricsView.as_view(), name="metrics"),
    path("api/schema/", api_views.SchemaView.as_view(), name="schema"),
    path("api/docs/", api_views.SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", api_views.RedocView.as_view(url_name="schema"), name="redoc"),
    path("api/v1/tokens/", include("tokens.urls")),
    path("api/v1/", include("bridge_api.urls")),
    path("api/v1/sync/", include(sync_urls.api_urlpatterns)),
    path("api/webhooks/baserow/", include(sync_urls.webhook_urlpatterns)),
    path("api/webhooks/docmost/", include(sync_urls.docmost_webhook_urlpatterns)),
]

if settings.BRIDGE_BENCH_FLOOR:
    urlpatterns.append(path("api/_bench/floor", api_views.BenchFloorView.as_view()))

urlpatterns.append(re_path(r"^api(?:/.*)?$", api_views.not_found, name="api-not-found"))

handler400 = "bridge_api.errors.handler400"
handler403 = "bridge_api.errors.handler403"
handler404 = "bridge_api.errors.handler404"
handler500 = "bridge_api.errors.handler500"
