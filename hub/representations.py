"""Domain objects → the typed results of the read operations (seed section 12: `<entity>_id`,
hours as numbers). Every door renders these: the REST serializers, reports, cards, MCP tools."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

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


def fields_of(item: Any) -> dict[str, Any]:
    """A result's own fields, to build a richer result from it (`ProjetDetail(**fields_of(p))`)."""
    return dict(vars(item))


# -- references to a row of another table -------------------------------------------------------


@dataclass(frozen=True)
class FormationRef:
    formation_id: int
    nom: str


@dataclass(frozen=True)
class BlocRef:
    bloc_id: int
    nom: str


@dataclass(frozen=True)
class ModuleRef:
    module_id: int
    nom: str


@dataclass(frozen=True)
class PersonneRef:
    personne_id: int
    nom_prenom: str


@dataclass(frozen=True)
class ClientRef:
    client_id: int
    nom: str


@dataclass(frozen=True)
class ProjetRef:
    projet_id: int
    nom: str


@dataclass(frozen=True)
class TacheRef:
    tache_id: int
    nom: str


R = TypeVar("R")


def _ref(kind: type[R], value: Link | None) -> R | None:
    return None if value is None else kind(value.id, value.value)  # type: ignore[call-arg]


# -- rows with their rollups ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonneRepr:
    personne_id: int
    nom_prenom: str
    email: str
    slug: str
    roles: list[str]
    statut: str | None
    capacite_formation_h: Hours
    capacite_agence_h: Hours
    heures_attribuees_formation: Hours
    heures_restantes_formation: Hours
    heures_realisees_agence: Hours
    heures_restantes_agence: Hours
    capacite_totale_h: Hours
    heures_engagees_totales: Hours
    heures_restantes_totales: Hours


def personne_repr(personne: Personne, capacity: PersonneCapacity) -> PersonneRepr:
    return PersonneRepr(
        personne_id=personne.id,
        nom_prenom=personne.nom_prenom,
        email=personne.email,
        slug=personne.slug,
        roles=list(personne.roles),
        statut=personne.statut,
        capacite_formation_h=num(personne.capacite_formation_h),
        capacite_agence_h=num(personne.capacite_agence_h),
        heures_attribuees_formation=num(capacity.heures_attribuees_formation),
        heures_restantes_formation=num(capacity.heures_restantes_formation),
        heures_realisees_agence=num(capacity.heures_realisees_agence),
        heures_restantes_agence=num(capacity.heures_restantes_agence),
        capacite_totale_h=num(capacity.capacite_totale_h),
        heures_engagees_totales=num(capacity.heures_engagees_totales),
        heures_restantes_totales=num(capacity.heures_restantes_totales),
    )


@dataclass(frozen=True)
class AttributionRepr:
    attribution_id: int
    nom: str
    module: ModuleRef | None
    personne: PersonneRef | None
    heures_attribuees: Hours
    heures_realisees: Hours
    statut: str | None
    date_debut: date | None
    justification: str


def attribution_repr(attribution: Attribution) -> AttributionRepr:
    return AttributionRepr(
        attribution_id=attribution.id,
        nom=attribution.nom,
        module=_ref(ModuleRef, attribution.module),
        personne=_ref(PersonneRef, attribution.personne),
        heures_attribuees=num(attribution.heures_attribuees),
        heures_realisees=num(attribution.heures_realisees),
        statut=attribution.statut,
        date_debut=attribution.date_debut,
        justification=attribution.justification,
    )


@dataclass(frozen=True)
class InterventionRepr:
    intervention_id: int
    nom: str
    tache: TacheRef | None
    personne: PersonneRef | None
    date: date | None
    heures: Hours
    notes: str
    statut: str | None


def intervention_repr(intervention: Intervention) -> InterventionRepr:
    return InterventionRepr(
        intervention_id=intervention.id,
        nom=intervention.nom,
        tache=_ref(TacheRef, intervention.tache),
        personne=_ref(PersonneRef, intervention.personne),
        date=intervention.date,
        heures=num(intervention.heures),
        notes=intervention.notes,
        statut=intervention.statut,
    )


@dataclass(frozen=True)
class HoursRepr:
    """Hours of a module, or summed over a bloc or a formation."""

    heures: Hours
    heures_deja_attribuees: Hours
    heures_realisees_total: Hours
    heures_restantes: Hours


def hours_repr(hours: HoursRollup) -> HoursRepr:
    return HoursRepr(
        heures=num(hours.heures),
        heures_deja_attribuees=num(hours.heures_deja_attribuees),
        heures_realisees_total=num(hours.heures_realisees_total),
        heures_restantes=num(hours.heures_restantes),
    )


@dataclass(frozen=True)
class ModuleRepr(HoursRepr):
    module_id: int
    nom: str
    bloc: BlocRef | None
    statut: str | None


def module_repr(module: Module, hours: HoursRollup) -> ModuleRepr:
    return ModuleRepr(
        module_id=module.id,
        nom=module.nom,
        bloc=_ref(BlocRef, module.bloc),
        statut=module.statut,
        **fields_of(hours_repr(hours)),
    )


@dataclass(frozen=True)
class BlocRepr:
    bloc_id: int
    nom: str
    ordre: Hours
    formation: FormationRef | None
    docmost_page_id: str


def bloc_repr(bloc: Bloc) -> BlocRepr:
    return BlocRepr(
        bloc_id=bloc.id,
        nom=bloc.nom,
        ordre=num(bloc.ordre),
        formation=_ref(FormationRef, bloc.formation),
        docmost_page_id=bloc.docmost_page_id,
    )


@dataclass(frozen=True)
class FormationRepr:
    formation_id: int
    nom: str
    code: str
    statut: str | None
    date_debut: date | None
    date_fin: date | None
    docmost_space_id: str
    docmost_page_id: str


def formation_repr(formation: Formation) -> FormationRepr:
    return FormationRepr(
        formation_id=formation.id,
        nom=formation.nom,
        code=formation.code,
        statut=formation.statut,
        date_debut=formation.date_debut,
        date_fin=formation.date_fin,
        docmost_space_id=formation.docmost_space_id,
        docmost_page_id=formation.docmost_page_id,
    )


@dataclass(frozen=True)
class ClientRepr:
    client_id: int
    nom: str
    email: str
    telephone: str


def client_repr(client: Client) -> ClientRepr:
    return ClientRepr(
        client_id=client.id, nom=client.nom, email=client.email, telephone=client.telephone
    )


@dataclass(frozen=True)
class ProjetRepr:
    projet_id: int
    nom: str
    client: ClientRef | None
    statut: str | None
    charge_estimee_h: Hours
    docmost_page_id: str


def projet_repr(projet: Projet) -> ProjetRepr:
    return ProjetRepr(
        projet_id=projet.id,
        nom=projet.nom,
        client=_ref(ClientRef, projet.client),
        statut=projet.statut,
        charge_estimee_h=num(projet.charge_estimee_h),
        docmost_page_id=projet.docmost_page_id,
    )


@dataclass(frozen=True)
class TacheRepr:
    tache_id: int
    nom: str
    projet: ProjetRef | None
    statut: str | None
    estimation_h: Hours
    heures_realisees: Hours


def tache_repr(tache: Tache, realised: Decimal) -> TacheRepr:
    return TacheRepr(
        tache_id=tache.id,
        nom=tache.nom,
        projet=_ref(ProjetRef, tache.projet),
        statut=tache.statut,
        estimation_h=num(tache.estimation_h),
        heures_realisees=num(realised),
    )
