"""URL configuration. Everything under /api/ answers in the JSON envelope, unknown routes too."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from bridge_api import urls as api_urls
from bridge_api.views import ops
from embeds import urls as embeds_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cards/", include(embeds_urls.card_urlpatterns)),
    path("pages/", include(embeds_urls.page_urlpatterns)),
    path("api/health", ops.HealthApi.as_view(), name="health"),
    path("api/ready", ops.ReadyApi.as_view(), name="ready"),
    path("api/metrics", ops.MetricsApi.as_view(), name="metrics"),
    path("api/schema/", ops.SchemaView.as_view(), name="schema"),
    path("api/docs/", ops.SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", ops.RedocView.as_view(url_name="schema"), name="redoc"),
    path("api/v1/tokens/", include(api_urls.token_urlpatterns)),
    path("api/v1/", include(api_urls.urlpatterns)),
    path("api/v1/sync/", include(api_urls.sync_urlpatterns)),
    path("api/webhooks/baserow/", include(api_urls.webhook_urlpatterns)),
    path("api/webhooks/docmost/", include(api_urls.docmost_webhook_urlpatterns)),
]

if settings.BRIDGE_BENCH_FLOOR:
    urlpatterns.append(path("api/_bench/floor", ops.BenchFloorView.as_view()))

urlpatterns.append(re_path(r"^api(?:/.*)?$", ops.not_found, name="api-not-found"))

handler400 = "bridge_api.errors.handler400"
handler403 = "bridge_api.errors.handler403"
handler404 = "bridge_api.errors.handler404"
handler500 = "bridge_api.errors.handler500"
