"""Business rules RG-01..RG-06 and OP-07 (SPEC section 3), as pure functions.

Each check returns None when the rule holds, or a `Violation` carrying the rule and the numbers
(seed section 10.2). A violation of a business rule is HTTP 422 `RG_VIOLATION`; a state
conflict (RG-04: changing something final) is 409 `CONFLICT`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from domain.entities import CANCELLED, Attribution, Module, Personne

ZERO = Decimal(0)
MAX_INTERVENTION_HOURS = Decimal(24)

# RG-04: allowed transitions. realise and annule are final for attributions, annule for
# interventions.
ATTRIBUTION_TRANSITIONS: dict[str | None, tuple[str, ...]] = {
    "prevu": ("en_cours", "annule"),
    "en_cours": ("realise", "annule"),
    "realise": (),
    "annule": (),
}
INTERVENTION_TRANSITIONS: dict[str | None, tuple[str, ...]] = {"valide": ("annule",), "annule": ()}
PROJET_TRANSITIONS: dict[str | None, tuple[str, ...]] = {
    "en_cours": ("livre", "cloture"),
    "livre": ("cloture",),
    "cloture": (),
}


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    conflict: bool = False  # True: a state conflict (409), not a rule violation (422)


def _n(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def live_hours(attributions: Iterable[Attribution], *, excluding: int | None = None) -> Decimal:
    return sum(
        (a.heures_attribuees for a in attributions if a.statut != CANCELLED and a.id != excluding),
        ZERO,
    )


def check_module_capacity(
    module: Module, module_attributions: Iterable[Attribution], heures: Decimal
) -> Violation | None:
    """RG-01: hours already attributed on the module (non-cancelled) + the new ones ≤ its hours."""
    already = live_hours(module_attributions)
    if already + heures <= module.heures:
        return None
    return Violation(
        "RG-01",
        "Heures attribuées dépassent la capacité du module.",
        {
            "module_id": module.id,
            "heures_module": _n(module.heures),
            "heures_deja_attribuees": _n(already),
            "heures_demandees": _n(heures),
            "heures_disponibles": _n(module.heures - already),
        },
    )


def check_personne_capacity(
    personne: Personne, personne_attributions: Iterable[Attribution], heures: Decimal
) -> Violation | None:
    """RG-02: the attribution must not push the personne over capacite_formation_h."""
    already = live_hours(personne_attributions)
    if already + heures <= personne.capacite_formation_h:
        return None
    return Violation(
        "RG-02",
        "Heures attribuées dépassent la capacité de formation de la personne.",
        {
            "personne_id": personne.id,
            "capacite_formation_h": _n(personne.capacite_formation_h),
            "heures_deja_attribuees": _n(already),
            "heures_demandees": _n(heures),
            "heures_disponibles": _n(personne.capacite_formation_h - already),
        },
    )


def check_realised_hours(attribution: Attribution, heures_realisees: Decimal) -> Violation | None:
    """RG-03: 0 ≤ heures_realisees ≤ heures_attribuees."""
    if ZERO <= heures_realisees <= attribution.heures_attribuees:
        return None
    return Violation(
        "RG-03",
        "Les heures réalisées doivent être comprises entre 0 et les heures attribuées.",
        {
            "attribution_id": attribution.id,
            "heures_attribuees": _n(attribution.heures_attribuees),
            "heures_realisees_demandees": _n(heures_realisees),
        },
    )


def check_transition(
    kind: str, entity_id: int, current: str | None, target: str
) -> Violation | None:
    """RG-04: the lifecycle. Anything from a final state is a conflict."""
    transitions = {
        "attribution": ATTRIBUTION_TRANSITIONS,
        "intervention": INTERVENTION_TRANSITIONS,
        "projet": PROJET_TRANSITIONS,
    }[kind]
    allowed = transitions.get(current, ())
    if target in allowed:
        return None
    return Violation(
        "RG-04",
        f"Transition {current} → {target} impossible pour cette {kind}"
        + (" (statut final)." if not allowed else "."),
        {
            f"{kind}_id": entity_id,
            "statut_actuel": current,
            "statut_demande": target,
            "transitions_possibles": list(allowed),
        },
        conflict=True,
    )


def check_modifiable(kind: str, entity_id: int, current: str | None) -> Violation | None:
    """RG-04: a final attribution or intervention cannot be changed at all."""
    transitions = ATTRIBUTION_TRANSITIONS if kind == "attribution" else INTERVENTION_TRANSITIONS
    if transitions.get(current):
        return None
    return Violation(
        "RG-04",
        f"Cette {kind} est au statut final {current}: elle ne peut plus être modifiée.",
        {f"{kind}_id": entity_id, "statut_actuel": current},
        conflict=True,
    )


def check_justification(justification: str | None) -> Violation | None:
    """RG-05: cancelling needs a non-empty justification."""
    if justification and justification.strip():
        return None
    return Violation(
        "RG-05",
        "Une justification est obligatoire pour annuler.",
        {"field": "justification"},
    )


def check_attribution_eligibility(personne: Personne) -> Violation | None:
    """RG-06: only an active personne with the role formateur receives an attribution."""
    if personne.statut == "actif" and "formateur" in personne.roles:
        return None
    return Violation(
        "RG-06",
        "Seule une personne active ayant le rôle formateur peut recevoir une attribution.",
        {"personne_id": personne.id, "statut": personne.statut, "roles": list(personne.roles)},
    )


def check_intervention(
    personne: Personne, heures: Decimal, day: date, *, today: date
) -> Violation | None:
    """RG-06: an active personne, hours in (0, 24], a date that is not in the future."""
    problems: dict[str, Any] = {}
    if personne.statut != "actif":
        problems["statut"] = personne.statut
    if not ZERO < heures <= MAX_INTERVENTION_HOURS:
        problems["heures"] = _n(heures)
    if day > today:
        problems["date"] = day.isoformat()
    if not problems:
        return None
    reasons = {
        "statut": "la personne n'est pas active",
        "heures": "les heures doivent être dans ]0, 24]",
        "date": "la date est dans le futur",
    }
    return Violation(
        "RG-06",
        "Intervention refusée : " + ", ".join(reasons[key] for key in problems) + ".",
        {"personne_id": personne.id, **problems, "aujourd_hui": today.isoformat()},
    )


def module_is_complete(module: Module, module_attributions: Iterable[Attribution]) -> bool:
    """A module is realised when its hours are fully attributed and every live one is realised."""
    live = [a for a in module_attributions if a.statut != CANCELLED]
    return (
        bool(live)
        and all(a.statut == "realise" for a in live)
        and (live_hours(live) >= module.heures)
    )


def formation_should_close(modules: Iterable[Module]) -> bool:
    """OP-07: every module of the formation is realised."""
    statuses = [m.statut for m in modules]
    return bool(statuses) and all(statut == "realise" for statut in statuses)
