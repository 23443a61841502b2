"""A URLconf with a view that forgot to declare its scope."""

from django.urls import path

from tests.bridge_api.urls import UndeclaredView

urlpatterns = [path("api/test/undeclared", UndeclaredView.as_view())]
