import pytest
from django.core.exceptions import ImproperlyConfigured

from bridge_api.startup import check_views_declare_scope, run_startup_checks, undeclared_views


def test_every_real_view_declares_its_scope():
    assert undeclared_views() == []
    assert check_views_declare_scope() == []


@pytest.mark.urls("tests.bridge_api.urls_undeclared")
def test_undeclared_view_fails_the_startup_check():
    errors = check_views_declare_scope()

    assert [error.id for error in errors] == ["bridge.E001"]
    assert "api/test/undeclared" in errors[0].msg
    with pytest.raises(ImproperlyConfigured, match="UndeclaredView"):
        run_startup_checks()


@pytest.mark.django_db
@pytest.mark.urls("tests.bridge_api.urls_undeclared")
def test_undeclared_view_refuses_requests_instead_of_serving_them(client_for):
    client = client_for("admin:*")
    client.raise_request_exception = False

    response = client.get("/api/test/undeclared")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL"
