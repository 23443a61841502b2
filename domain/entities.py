"""Typed domain objects for the Baserow entities (SPEC section 3)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Link:
    """A reference to a row of another table, with its primary value as Baserow shows it."""

    id: int
    value: str


@dataclass(frozen=True, slots=True)
class Personne:
    id: int
    nom_prenom: str
    email: str
    slug: str
    roles: tuple[str, ...]
    statut: str | None
    capacite_formation_h: Decimal
    capacite_agence_h: Decimal


@dataclass(frozen=True, slots=True)
class Formation:
    id: int
    nom: str
    code: str
    statut: str | None
    date_debut: date | None
    date_fin: date | None
    docmost_space_id: str
    docmost_page_id: str


@dataclass(frozen=True, slots=True)
class Bloc:
    id: int
    nom: str
    formation: Link | None
    ordre: Decimal
    docmost_page_id: str


@dataclass(frozen=True, slots=True)
class Module:
    id: int
    nom: str
    bloc: Link | None
    heures: Decimal
    statut: str | None


@dataclass(frozen=True, slots=True)
class Attribution:
    id: int
    nom: str
    module: Link | None
    personne: Link | None
    heures_attribuees: Decimal
    heures_realisees: Decimal
    statut: str | None
    date_debut: date | None
    justification: str


@dataclass(frozen=True, slots=True)
class Client:
    id: int
    nom: str
    email: str
    telephone: str


@dataclass(frozen=True, slots=True)
class Projet:
    id: int
    nom: str
    client: Link | None
    statut: str | None
    charge_estimee_h: Decimal
    docmost_page_id: str


@dataclass(frozen=True, slots=True)
class Tache:
    id: int
    nom: str
    projet: Link | None
    statut: str | None
    estimation_h: Decimal


@dataclass(frozen=True, slots=True)
class Intervention:
    id: int
    nom: str
    tache: Link | None
    personne: Link | None
    date: date | None
    heures: Decimal
    notes: str
    statut: str | None


@dataclass(frozen=True, slots=True)
class CompteRendu:
    id: int
    titre: str
    date: date | None
    projet: Link | None
    docmost_page_id: str


Entity = (
    Personne
    | Formation
    | Bloc
    | Module
    | Attribution
    | Client
    | Projet
    | Tache
    | Intervention
    | CompteRendu
)

ENTITY_CLASSES: dict[str, type] = {
    "personne": Personne,
    "formation": Formation,
    "bloc": Bloc,
    "module": Module,
    "attribution": Attribution,
    "client": Client,
    "projet": Projet,
    "tache": Tache,
    "intervention": Intervention,
    "compte_rendu": CompteRendu,
}

# Attribution and intervention statuses that no longer count against a capacity.
CANCELLED = "annule"
