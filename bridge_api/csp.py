"""Content-Security-Policy by kind of response: strict for the JSON API, 'self' for HTML pages.

django-csp applies one policy to every response unless a view is decorated; the admin's views
cannot be, so the page policy is chosen by path prefix (`BRIDGE_CSP_PAGE_PATHS`) here.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class BridgeCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(settings.BRIDGE_CSP_PAGE_PATHS))
        ):
            parts.config = default_config(settings.BRIDGE_CSP_PAGE_DIRECTIVES)
        return parts
