"""API docs work offline (assets served locally) under a Content-Security-Policy without
'unsafe-inline'; the JSON API carries a policy that allows nothing."""

import re

import pytest

pytestmark = pytest.mark.django_db

DOCS = ["/api/docs/", "/api/redoc/"]


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("path", DOCS)
def test_docs_load_only_local_static_assets_and_they_are_served(api_client, path, settings):
    settings.WHITENOISE_USE_FINDERS = True  # what collectstatic would put in STATIC_ROOT
    response = api_client.get(path)
    html = response.content.decode()

    assert response.status_code == 200
    urls = asset_urls(html)
    assert urls
    assert all(url.startswith("/static/drf_spectacular_sidecar/") for url in urls), urls
    assert "cdn.jsdelivr" not in html
    assert "googleapis" not in html
    for url in urls:
        asset = api_client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content), url


@pytest.mark.parametrize("path", DOCS)
def test_docs_inline_blocks_carry_the_nonce_of_the_policy(api_client, path):
    response = api_client.get(path)
    html = response.content.decode()
    csp = policy(response)

    nonces = set(re.findall(r'<(?:script|style) nonce="([^"]+)"', html))
    assert len(nonces) == 1
    nonce = f"'nonce-{nonces.pop()}'"
    assert csp["script-src"] == ["'self'", nonce]
    assert csp["style-src"] == ["'self'", nonce]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == ["'none'"]
    # Every inline block is allowed: none is without the nonce.
    assert re.findall(r"<script>|<style>", html) == []


def test_redoc_gets_the_nonce_for_the_styles_it_injects(api_client):
    response = api_client.get("/api/redoc/")
    nonce = re.search(r'<script nonce="([^"]+)"', response.content.decode()).group(1)

    assert f'{{nonce: "{nonce}"}}' in response.content.decode()


def test_admin_pages_allow_only_their_own_origin(api_client):
    response = api_client.get("/admin/login/")
    csp = policy(response)

    assert response.status_code == 200
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no nonce asked for: no inline script allowed
    assert csp["object-src"] == ["'none'"]


def test_json_api_policy_allows_nothing(api_client):
    response = api_client.get("/api/health")

    assert policy(response) == {
        "default-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
