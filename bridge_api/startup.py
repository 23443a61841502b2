"""Start-up checks: every DRF view must declare the scope it requires; a real Baserow needs its
token and a valid mapping.

Registered as Django system checks (run by `manage.py check`, `runserver`, `migrate`, …) and
run again by the WSGI entry point, so gunicorn refuses to start with an undeclared view or a
missing mapping.
"""

from collections.abc import Iterator
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from tokens.scopes import Access, Scope


def _iter_patterns(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _iter_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


# Routes a browser loads without a token (cards framed in Docmost, full pages): their views must
# check a signed URL (`signed_url_guard`, embeds.views.CardView).
SIGNED_URL_ROUTES = ("cards/", "pages/")


def undeclared_views() -> list[str]:
    """Routes served by a DRF view that does not declare `required_scope`, and card or page
    routes whose view has no signed-URL guard."""
    missing = []
    for route, pattern in _iter_patterns(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "cls", None)
        if route.startswith(SIGNED_URL_ROUTES):
            guarded = getattr(pattern.callback, "view_class", None)
            if getattr(guarded, "signed_url_guard", False) is not True:
                name = getattr(guarded or pattern.callback, "__qualname__", "a function view")
                missing.append(f"{route} ({name}: no signed-URL guard)")
            continue
        if view_class is None or not issubclass(view_class, APIView):
            continue  # not a DRF view (the admin protects itself; the 404 catch-all is public)
        if not isinstance(getattr(view_class, "required_scope", None), Scope | Access):
            missing.append(f"{route} ({view_class.__module__}.{view_class.__qualname__})")
    return missing


@checks.register("bridge")
def check_views_declare_scope(**_kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"View for route {route} does not declare `required_scope`.",
            hint="Set required_scope to a tokens.scopes.Scope, or Access.PUBLIC / "
            "Access.AUTHENTICATED; a card or page view derives from embeds.views.CardView "
            "(signed_url_guard).",
            id="bridge.E001",
        )
        for route in undeclared_views()
    ]


# The Baserow mapping check has a tag of its own so that `baserow_bootstrap`, the command that
# produces the mapping, can run every other check without it (see `checks_except`).
BASEROW_MAPPING_TAG = "bridge_baserow_mapping"


def checks_except(*excluded: str) -> list[str]:
    """Every registered check tag but `excluded`, for a command's `requires_system_checks`.

    Evaluated when the command class is imported, i.e. after `django.setup()` registered every
    app's checks."""
    return sorted(set(checks.registry.registry.tags_available()) - set(excluded))


@checks.register(BASEROW_MAPPING_TAG)
def check_baserow_configuration(**_kwargs: Any) -> list[checks.CheckMessage]:
    """With BASEROW_URL set, the token and a valid mapping must be too (bridge.E003)."""
    try:
        baserow_configuration_errors()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="bridge.E003")]
    return []


def baserow_configuration_errors() -> None:
    from django.conf import settings

    from integrations.baserow.schema import load_mapping

    if not settings.BASEROW_URL:
        return  # demo mode: the in-process Baserow builds its own mapping
    if not settings.BASEROW_DATABASE_TOKEN:
        raise ImproperlyConfigured("BASEROW_URL is set but BASEROW_DATABASE_TOKEN is not.")
    load_mapping(path=settings.BASEROW_SCHEMA_FILE, inline=settings.BASEROW_SCHEMA)


def run_startup_checks() -> None:
    missing = undeclared_views()
    if missing:
        raise ImproperlyConfigured("Views without a declared scope: " + "; ".join(missing))
    baserow_configuration_errors()


@checks.register("bridge")
def check_celery_retry_below_visibility_timeout(**_kwargs: Any) -> list[checks.CheckMessage]:
    """A retry wait or task longer than the broker's visibility timeout gets redelivered."""
    from django.conf import settings

    longest = settings.CELERY_RETRY_BACKOFF_MAX + settings.CELERY_TASK_TIME_LIMIT
    if longest < settings.CELERY_VISIBILITY_TIMEOUT:
        return []
    return [
        checks.Error(
            f"CELERY_RETRY_BACKOFF_MAX + CELERY_TASK_TIME_LIMIT ({longest} s) must stay below "
            f"CELERY_VISIBILITY_TIMEOUT ({settings.CELERY_VISIBILITY_TIMEOUT} s).",
            hint="Lower the backoff cap or the time limit, or raise the visibility timeout.",
            id="bridge.E002",
        )
    ]
