"""Domain objects → the JSON shapes of the API (seed section 12: `<entity>_id`, JSON numbers)."""

from datetime import date
from decimal import Decimal
from typing import Any

from domain.entities import (
    Attribution,
    Bloc,
    Client,
    Formation,
    Intervention,
    Link,
    Module,
    Personne,
    Projet,
    Tache,
)
from domain.rollups import HoursRollup, PersonneCapacity

# Hours as JSON numbers: 80 stays 80, 3.50 becomes 3.5 (see `num`).
Hours = int | float


def num(value: Decimal) -> Hours:
    """Baserow's decimal strings as JSON numbers: 80 stays 80, 3.50 becomes 3.5."""
    return int(value) if value == value.to_integral_value() else float(value)


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def link(value: Link | None, entity: str, label: str = "nom") -> dict[str, Any] | None:
    return None if value is None else {f"{entity}_id": value.id, label: value.value}


def personne_repr(personne: Personne, capacity: PersonneCapacity) -> dict[str, Any]:
    return {
        "personne_id": personne.id,
        "nom_prenom": personne.nom_prenom,
        "email": personne.email,
        "slug": personne.slug,
        "roles": list(personne.roles),
        "statut": personne.statut,
        "capacite_formation_h": num(personne.capacite_formation_h),
        "capacite_agence_h": num(personne.capacite_agence_h),
        "heures_attribuees_formation": num(capacity.heures_attribuees_formation),
        "heures_restantes_formation": num(capacity.heures_restantes_formation),
        "heures_realisees_agence": num(capacity.heures_realisees_agence),
        "heures_restantes_agence": num(capacity.heures_restantes_agence),
        "capacite_totale_h": num(capacity.capacite_totale_h),
        "heures_engagees_totales": num(capacity.heures_engagees_totales),
        "heures_restantes_totales": num(capacity.heures_restantes_totales),
    }


def attribution_repr(attribution: Attribution) -> dict[str, Any]:
    return {
        "attribution_id": attribution.id,
        "nom": attribution.nom,
        "module": link(attribution.module, "module"),
        "personne": link(attribution.personne, "personne", "nom_prenom"),
        "heures_attribuees": num(attribution.heures_attribuees),
        "heures_realisees": num(attribution.heures_realisees),
        "statut": attribution.statut,
        "date_debut": iso(attribution.date_debut),
        "justification": attribution.justification,
    }


def intervention_repr(intervention: Intervention) -> dict[str, Any]:
    return {
        "intervention_id": intervention.id,
        "nom": intervention.nom,
        "tache": link(intervention.tache, "tache"),
        "personne": link(intervention.personne, "personne", "nom_prenom"),
        "date": iso(intervention.date),
        "heures": num(intervention.heures),
        "notes": intervention.notes,
        "statut": intervention.statut,
    }


def hours_repr(hours: HoursRollup) -> dict[str, Any]:
    return {
        "heures": num(hours.heures),
        "heures_deja_attribuees": num(hours.heures_deja_attribuees),
        "heures_realisees_total": num(hours.heures_realisees_total),
        "heures_restantes": num(hours.heures_restantes),
    }


def module_repr(module: Module, hours: HoursRollup) -> dict[str, Any]:
    return {
        "module_id": module.id,
        "nom": module.nom,
        "bloc": link(module.bloc, "bloc"),
        "statut": module.statut,
        **hours_repr(hours),
    }


def bloc_repr(bloc: Bloc) -> dict[str, Any]:
    return {
        "bloc_id": bloc.id,
        "nom": bloc.nom,
        "ordre": num(bloc.ordre),
        "formation": link(bloc.formation, "formation"),
        "docmost_page_id": bloc.docmost_page_id,
    }


def formation_repr(formation: Formation) -> dict[str, Any]:
    return {
        "formation_id": formation.id,
        "nom": formation.nom,
        "code": formation.code,
        "statut": formation.statut,
        "date_debut": iso(formation.date_debut),
        "date_fin": iso(formation.date_fin),
        "docmost_space_id": formation.docmost_space_id,
        "docmost_page_id": formation.docmost_page_id,
    }


def client_repr(client: Client) -> dict[str, Any]:
    return {
        "client_id": client.id,
        "nom": client.nom,
        "email": client.email,
        "telephone": client.telephone,
    }


def projet_repr(projet: Projet) -> dict[str, Any]:
    return {
        "projet_id": projet.id,
        "nom": projet.nom,
        "client": link(projet.client, "client"),
        "statut": projet.statut,
        "charge_estimee_h": num(projet.charge_estimee_h),
        "docmost_page_id": projet.docmost_page_id,
    }


def tache_repr(tache: Tache, realised: Decimal) -> dict[str, Any]:
    return {
        "tache_id": tache.id,
        "nom": tache.nom,
        "projet": link(tache.projet, "projet"),
        "statut": tache.statut,
        "estimation_h": num(tache.estimation_h),
        "heures_realisees": num(realised),
    }
