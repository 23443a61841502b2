"""The one scope vocabulary, and how a token's scopes grant a required scope.

Views declare what they need in one attribute, `required_scope`: a `Scope`, or an `Access`
level for endpoints that need no particular scope. A DRF view without a declaration is a
configuration error detected at start-up (see `bridge_api.startup`).
"""

import enum
from collections.abc import Iterable


class Scope(enum.StrEnum):
    READ_PERSONNES = "read:personnes"
    READ_FORMATIONS = "read:formations"
    READ_ATTRIBUTIONS = "read:attributions"
    READ_PROJETS = "read:projets"
    READ_ALL = "read:*"
    WRITE_ATTRIBUTIONS = "write:attributions"
    WRITE_INTERVENTIONS = "write:interventions"
    WRITE_DOCMOST = "write:docmost"
    WEBHOOK_BASEROW = "webhook:baserow"
    ACTION_PROJETS = "action:projets"
    ADMIN_SYNC = "admin:sync"
    ADMIN_MCP = "admin:mcp"
    ADMIN_ALL = "admin:*"


SCOPE_DESCRIPTIONS: dict[Scope, str] = {
    Scope.READ_PERSONNES: "Read personnes, their attributions, interventions and dashboards.",
    Scope.READ_FORMATIONS: "Read formations, blocs and modules, and their reports.",
    Scope.READ_ATTRIBUTIONS: "Read attributions.",
    Scope.READ_PROJETS: "Read clients, projets, tâches and their reports.",
    Scope.READ_ALL: "Every read:… scope.",
    Scope.WRITE_ATTRIBUTIONS: "Create and change attributions (business rules apply).",
    Scope.WRITE_INTERVENTIONS: "Create and change interventions (business rules apply).",
    Scope.WRITE_DOCMOST: "Create and change Docmost pages, spaces and share links.",
    Scope.WEBHOOK_BASEROW: "Deliver Baserow webhooks.",
    Scope.ACTION_PROJETS: "Action buttons on Docmost projet pages (Clôturer projet), nothing else.",
    Scope.ADMIN_SYNC: "Force, replay and inspect synchronisation.",
    Scope.ADMIN_MCP: "Use the MCP server.",
    Scope.ADMIN_ALL: "Everything, including metrics.",
}


class Access(enum.Enum):
    """Declarations for endpoints that need no particular scope."""

    PUBLIC = "public"  # no token at all (health checks, API docs)
    AUTHENTICATED = "authenticated"  # any valid token (e.g. "who am I")


RequiredScope = Scope | Access


def invalid_scopes(scopes: Iterable[str]) -> list[str]:
    """The given scope strings that are not in the vocabulary."""
    known = {scope.value for scope in Scope}
    return [scope for scope in scopes if scope not in known]


def scope_grants(granted: Iterable[str], required: Scope) -> bool:
    """Whether a token holding `granted` may use an operation requiring `required`.

    `admin:*` grants everything; `<family>:*` grants every scope of that family (`read:*`).
    """
    family = required.value.split(":", 1)[0]
    sufficient = {required.value, Scope.ADMIN_ALL.value, f"{family}:*"}
    return any(scope in sufficient for scope in granted)
