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


def test_redoc_bundle_own_stylesheet_gets_the_nonce_while_it_loads(api_client):
    """The bundle appends its perfect-scrollbar <style> to <head> while it loads, before
    Redoc.init hands it the nonce: a nonce'd script before it gives the nonce to <style> elements
    appended to <head>, and the script after it restores appendChild before calling Redoc."""
    html = api_client.get("/api/redoc/").content.decode()
    nonce = re.search(r'<script nonce="([^"]+)"', html).group(1)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)

    (before, bundle, after) = scripts
    assert before[0] == f' nonce="{nonce}"'
    assert "document.head.appendChild = function" in before[1]
    assert f'node.setAttribute("nonce", "{nonce}")' in before[1]
    assert 'src="/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"' in bundle[0]
    assert after[0] == f' nonce="{nonce}"'
    assert after[1].index("delete document.head.appendChild") < after[1].index("Redoc.init(")


def test_redoc_page_has_a_local_favicon(api_client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    html = api_client.get("/api/redoc/").content.decode()
    (icon,) = re.findall(r'<link rel="icon" href="([^"]+)"', html)

    asset = api_client.get(icon)
    assert asset.status_code == 200  # no /favicon.ico 404 per page view
    assert b"".join(asset.streaming_content)
    asset.close()


@pytest.fixture
def admin_client(client):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


ADMIN_PAGES = [
    "/admin/",
    "/admin/tokens/token/add/",
    "/admin/tokens/token/",
    "/admin/sync/webhookevent/",
    "/admin/sync/webhookevent/overview/",
]


def admin_pages(client, admin_client):
    yield "/admin/login/", client.get("/admin/login/")
    for path in ADMIN_PAGES:
        yield path, admin_client.get(path)
    secret_page = admin_client.post(
        "/admin/tokens/token/add/", {"name": "csp", "scopes": ["read:*"]}
    )
    yield "token secret page", secret_page


def test_admin_pages_have_nothing_inline_that_the_policy_blocks(admin_client):
    """A style="" attribute or an inline block without the nonce is refused by the browser under
    the page policy (the secret once had style="user-select: all", which Chromium blocked)."""
    from django.test import Client

    for name, response in admin_pages(Client(), admin_client):
        html = response.content.decode()
        csp = policy(response)
        assert response.status_code == 200, name
        assert re.search(r"<[^>]+\sstyle=", html) is None, name
        assert re.search(r"<[^>]+\son[a-z]+=", html) is None, name
        for tag, attrs in re.findall(r"<(script|style)(\s[^>]*)?>", html):
            if tag == "script" and "src=" in (attrs or ""):
                continue
            nonce = re.search(r'nonce="([^"]+)"', attrs or "")
            assert nonce, (name, tag, attrs)
            assert f"'nonce-{nonce.group(1)}'" in csp[f"{tag}-src"], name


def test_token_secret_is_selectable_by_a_nonced_rule(admin_client):
    response = admin_client.post("/admin/tokens/token/add/", {"name": "sel", "scopes": ["read:*"]})
    html = response.content.decode()
    nonce = re.search(r'<style nonce="([^"]+)">\.bridge-secret \{ user-select: all; \}', html)

    assert nonce
    assert policy(response)["style-src"] == ["'self'", f"'nonce-{nonce.group(1)}'"]
    assert '<code class="bridge-secret">brg_' in html
