"""Transport security (HTTPS behind a proxy, HSTS, secure cookies) and the Content Security Policy.

Local runs are plain http. `BEHIND_TLS_PROXY=true` says every request arrives through a proxy that
terminates TLS and sends `X-Forwarded-Proto`: it turns on the SSL redirect, HSTS and secure
cookies, which is what `manage.py check --deploy` asks for. Each of them can still be set on its
own in the environment (e.g. a short `SECURE_HSTS_SECONDS` for a first roll-out).
"""

from csp.constants import NONCE, NONE, SELF

from config.env import env

BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)

# Django meta key and value that mark a request the proxy received over https. Empty: none.
_proxy_header = env.list(
    "SECURE_PROXY_SSL_HEADER",
    default=["HTTP_X_FORWARDED_PROTO", "https"] if BEHIND_TLS_PROXY else [],
)
SECURE_PROXY_SSL_HEADER = (_proxy_header[0], _proxy_header[1]) if len(_proxy_header) == 2 else None

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=BEHIND_TLS_PROXY)
# Probes and scrapers reach the container directly over plain http (Docker HEALTHCHECK,
# orchestrator readiness, Prometheus): a redirect to https would make them fail.
SECURE_REDIRECT_EXEMPT = [r"^api/health$", r"^api/ready$", r"^api/metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if BEHIND_TLS_PROXY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=BEHIND_TLS_PROXY
)
# The `preload` token only matters once the registrable domain is submitted to the browsers'
# preload list; a subdomain sending it enrols nothing.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=BEHIND_TLS_PROXY)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=BEHIND_TLS_PROXY)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=BEHIND_TLS_PROXY)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4). The JSON API loads nothing: everything is refused.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "base-uri": [NONE],
        "form-action": [NONE],
        "frame-ancestors": [NONE],
    },
}
# The HTML pages (admin, Swagger UI, Redoc) load their scripts, styles and fonts from the service
# itself (/static/). Their few inline <script>/<style> blocks carry the request's nonce; Redoc's
# styled-components get it too (its `nonce` option). Icons are data: URIs; Redoc's search runs in
# a blob: worker. Chosen by path in bridge_api/csp.py.
BRIDGE_CSP_PAGE_PATHS = ("/admin/", "/api/docs/", "/api/redoc/")
BRIDGE_CSP_PAGE_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF, NONCE],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "worker-src": [SELF, "blob:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
