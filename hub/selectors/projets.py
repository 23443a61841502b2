"""Reads about clients, projets and their tâches (hours realised from interventions)."""

from dataclasses import dataclass
from typing import Any

from domain.entities import Intervention
from domain.rollups import realised_hours
from hub.cache import cached
from hub.queries import ListQuery, ListSpec, Page, page_of
from hub.repository import Repository
from hub.representations import (
    ClientRepr,
    Hours,
    InterventionRepr,
    ProjetRepr,
    TacheRepr,
    client_repr,
    fields_of,
    intervention_repr,
    num,
    projet_repr,
    tache_repr,
)
from hub.selectors.common import list_page


@dataclass(frozen=True)
class ClientDetail(ClientRepr):
    projets: list[ProjetRepr]


@dataclass(frozen=True)
class ProjetDetail(ProjetRepr):
    """A projet, its hours realised (interventions on its tâches) and its tâches."""

    heures_realisees: Hours
    heures_restantes: Hours
    taches: list[TacheRepr]


@dataclass(frozen=True)
class ProjetTimeline:
    projet: ProjetRepr
    interventions: list[InterventionRepr]  # newest first


@dataclass(frozen=True)
class TacheDetail(TacheRepr):
    interventions: list[InterventionRepr]


CLIENT_LIST = ListSpec("client", filters={"nom": "nom", "email": "email"}, sorts={"nom": "nom"})
PROJET_LIST = ListSpec(
    "projet",
    filters={"statut": "statut", "client": "client"},
    sorts={"nom": "nom", "statut": "statut", "charge_estimee_h": "charge_estimee_h"},
)


def client_list(*, query: ListQuery) -> Page[ClientRepr]:
    """1 request."""
    repo = Repository()
    clients, total = list_page(repo, CLIENT_LIST, query)
    return page_of([client_repr(c) for c in clients], query, total)


def client_retrieve(*, client_id: int) -> ClientDetail:
    """2 requests: client, its projets."""
    repo = Repository()
    client = repo.get("client", client_id)
    projets = repo.linked("projet", "client", [client_id])
    return ClientDetail(
        **fields_of(client_repr(client)),
        projets=[projet_repr(p) for p in sorted(projets, key=lambda p: p.id)],
    )


def projet_list(*, query: ListQuery) -> Page[ProjetRepr]:
    """1 request."""
    repo = Repository()
    projets, total = list_page(repo, PROJET_LIST, query)
    return page_of([projet_repr(p) for p in projets], query, total)


def _projet_with_work(
    repo: Repository, projet_id: int
) -> tuple[Any, list[Any], list[Intervention]]:
    projet = repo.get("projet", projet_id)
    taches = sorted(repo.linked("tache", "projet", [projet_id]), key=lambda t: t.id)
    interventions: list[Intervention] = repo.linked("intervention", "tache", [t.id for t in taches])
    return projet, taches, interventions


def projet_detail_load(
    *, repo: Repository, projet_id: int
) -> tuple[ProjetDetail, list[Intervention]]:
    """A projet with its hours and tâches, and the interventions on them (3 requests): what
    `projet_retrieve` caches, and what the projet report is built from."""
    projet, taches, interventions = _projet_with_work(repo, projet_id)
    realised = realised_hours(interventions)
    detail = ProjetDetail(
        **fields_of(projet_repr(projet)),
        heures_realisees=num(realised),
        heures_restantes=num(projet.charge_estimee_h - realised),
        taches=[tache_repr(t, realised_hours(interventions, tache_ids={t.id})) for t in taches],
    )
    return detail, interventions


def projet_retrieve(*, projet_id: int) -> ProjetDetail:
    """3 requests on a miss (projet, tâches, interventions); 0 on a cache hit."""
    return cached(
        "projet", projet_id, lambda: projet_detail_load(repo=Repository(), projet_id=projet_id)[0]
    )


def projet_timeline(*, projet_id: int) -> ProjetTimeline:
    """3 requests: projet, tâches, interventions; interventions newest first."""
    repo = Repository()
    projet, _taches, interventions = _projet_with_work(repo, projet_id)
    ordered = sorted(interventions, key=lambda i: (i.date is not None, i.date, i.id), reverse=True)
    return ProjetTimeline(
        projet=projet_repr(projet), interventions=[intervention_repr(i) for i in ordered]
    )


def tache_retrieve(*, tache_id: int) -> TacheDetail:
    """2 requests: tâche, its interventions."""
    repo = Repository()
    tache = repo.get("tache", tache_id)
    interventions: list[Intervention] = repo.linked("intervention", "tache", [tache_id])
    return TacheDetail(
        **fields_of(tache_repr(tache, realised_hours(interventions))),
        interventions=[intervention_repr(i) for i in sorted(interventions, key=lambda i: i.id)],
    )
