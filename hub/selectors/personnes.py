"""Reads about personnes: the list, one personne with its capacity, its attributions and
interventions, its dashboard. Baserow requests per call are stated on each function."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.cache import cache

from domain.entities import CANCELLED, Attribution, Intervention, Personne
from domain.errors import NotFound
from domain.rollups import personne_capacity
from hub.cache import cached
from hub.queries import ListQuery, ListSpec, Page, page_of
from hub.repository import Repository
from hub.representations import (
    AttributionRepr,
    Hours,
    InterventionRepr,
    PersonneRepr,
    ProjetRepr,
    attribution_repr,
    fields_of,
    intervention_repr,
    num,
    personne_repr,
    projet_repr,
)
from hub.selectors.common import by_link, equal_option, list_page
from integrations.baserow.client import Condition, Filters


@dataclass(frozen=True)
class ProjetEnCours(ProjetRepr):
    heures_realisees_personne: Hours


@dataclass(frozen=True)
class PersonneDashboard:
    """A personne's capacity, active attributions, recent interventions and current projets."""

    personne: PersonneRepr
    attributions_actives: list[AttributionRepr]
    interventions_recentes: list[InterventionRepr]
    projets_en_cours: list[ProjetEnCours]


# How long a slug's row id is remembered (seconds): slugs seldom change, and a changed one is
# looked up again (the cached personne no longer has it).
SLUG_TTL = 24 * 3600
# No slug is longer: a longer one is not looked up in Baserow.
SLUG_MAX_LENGTH = 200

PERSONNE_LIST = ListSpec(
    "personne",
    filters={"role": "roles", "statut": "statut", "email": "email", "slug": "slug"},
    sorts={
        "nom_prenom": "nom_prenom",
        "email": "email",
        "statut": "statut",
        "capacite_formation_h": "capacite_formation_h",
        "capacite_agence_h": "capacite_agence_h",
    },
)
ATTRIBUTION_SUBLIST = ListSpec(
    "attribution",
    filters={"statut": "statut", "module": "module"},
    sorts={
        "date_debut": "date_debut",
        "heures_attribuees": "heures_attribuees",
        "statut": "statut",
    },
)
INTERVENTION_SUBLIST = ListSpec(
    "intervention",
    filters={"statut": "statut", "tache": "tache"},
    sorts={"date": "date", "heures": "heures"},
)


def _personnes_with_capacity(repo: Repository, personnes: list[Personne]) -> list[PersonneRepr]:
    ids = [p.id for p in personnes]
    attributions = by_link(repo.linked("attribution", "personne", ids), "personne")
    interventions = by_link(repo.linked("intervention", "personne", ids), "personne")
    return [
        personne_repr(p, personne_capacity(p, attributions[p.id], interventions[p.id]))
        for p in personnes
    ]


def personne_list(*, query: ListQuery) -> Page[PersonneRepr]:
    """3 requests: the page of personnes, their attributions, their interventions."""
    repo = Repository()
    personnes, total = list_page(repo, PERSONNE_LIST, query)
    return page_of(_personnes_with_capacity(repo, personnes), query, total)


def personne_load(
    *, repo: Repository, personne_id: int
) -> tuple[PersonneRepr, list[Attribution], list[Intervention]]:
    """A personne with its capacity, and its attributions and interventions (3 requests): what
    `personne_retrieve` caches, and what the personne report is built from."""
    personne = repo.get("personne", personne_id)
    attributions: list[Attribution] = repo.linked("attribution", "personne", [personne_id])
    interventions: list[Intervention] = repo.linked("intervention", "personne", [personne_id])
    return (
        personne_repr(personne, personne_capacity(personne, attributions, interventions)),
        attributions,
        interventions,
    )


def personne_retrieve(*, personne_id: int) -> PersonneRepr:
    """3 requests on a miss (personne, attributions, interventions); 0 on a cache hit."""
    return cached(
        "personne",
        personne_id,
        lambda: personne_load(repo=Repository(), personne_id=personne_id)[0],
    )


def personne_retrieve_by_slug(*, slug: str) -> PersonneRepr:
    """The personne whose `slug` is this one (the `@mention` of a card): 1 request to find it,
    then `personne_retrieve`; the slug's row id is remembered (a day), so a warm call costs 0."""
    if not slug or len(slug) > SLUG_MAX_LENGTH:
        raise NotFound("personne", slug[:SLUG_MAX_LENGTH])
    key = f"personne-slug:{slug}"
    personne_id = cache.get(key) if slug.isascii() else None
    if isinstance(personne_id, int):
        found = personne_retrieve(personne_id=personne_id)
        if found.slug == slug:
            return found
    repo = Repository()
    condition = Condition(repo.field_name("personne", "slug"), "equal", slug)
    rows, _total = repo.page(
        "personne", page=1, per_page=2, filters=Filters(conditions=(condition,))
    )
    match = next((row for row in rows if row.slug == slug), None)
    if match is None:
        raise NotFound("personne", slug)
    if slug.isascii():
        cache.set(key, match.id, SLUG_TTL)
    return personne_retrieve(personne_id=match.id)


def _personne_sublist(personne_id: int, spec: ListSpec, query: ListQuery, render: Any) -> Page[Any]:
    repo = Repository()
    repo.get("personne", personne_id)  # 404 for an unknown personne, not an empty list
    scoped = ListSpec(
        spec.entity,
        filters=spec.filters,
        sorts=spec.sorts,
        extra_conditions=(
            Condition(repo.field_name(spec.entity, "personne"), "link_row_has", personne_id),
        ),
    )
    items, total = list_page(repo, scoped, query)
    return page_of([render(item) for item in items], query, total)


def personne_attributions_list(*, personne_id: int, query: ListQuery) -> Page[AttributionRepr]:
    """2 requests: the personne, a page of its attributions (active and past)."""
    return _personne_sublist(personne_id, ATTRIBUTION_SUBLIST, query, attribution_repr)


def personne_interventions_list(*, personne_id: int, query: ListQuery) -> Page[InterventionRepr]:
    """2 requests: the personne, a page of its interventions."""
    return _personne_sublist(personne_id, INTERVENTION_SUBLIST, query, intervention_repr)


def personne_dashboard(*, personne_id: int) -> PersonneDashboard:
    """5 requests: personne, attributions, interventions, projets en cours, their tâches."""
    repo = Repository()
    personne = repo.get("personne", personne_id)
    attributions: list[Attribution] = repo.linked("attribution", "personne", [personne_id])
    interventions: list[Intervention] = repo.linked("intervention", "personne", [personne_id])
    capacity = personne_capacity(personne, attributions, interventions)

    statut_id = repo.option_id("projet", "statut", "en_cours")
    projets_en_cours, _total = repo.page(
        "projet",
        page=1,
        per_page=200,
        filters=equal_option(repo, "projet", "statut", statut_id),
    )
    taches = repo.linked("tache", "projet", [p.id for p in projets_en_cours])
    projet_of_tache = {t.id: t.projet.id for t in taches if t.projet is not None}
    hours_by_projet: dict[int, Decimal] = defaultdict(Decimal)
    for intervention in interventions:
        if intervention.statut == CANCELLED or intervention.tache is None:
            continue
        projet_id = projet_of_tache.get(intervention.tache.id)
        if projet_id is not None:
            hours_by_projet[projet_id] += intervention.heures
    recent = sorted(
        (i for i in interventions if i.date is not None),
        key=lambda i: i.date or date.min,
        reverse=True,
    )
    return PersonneDashboard(
        personne=personne_repr(personne, capacity),
        attributions_actives=[
            attribution_repr(a) for a in attributions if a.statut not in (CANCELLED, "realise")
        ],
        interventions_recentes=[intervention_repr(i) for i in recent[:10]],
        projets_en_cours=[
            ProjetEnCours(
                **fields_of(projet_repr(p)), heures_realisees_personne=num(hours_by_projet[p.id])
            )
            for p in projets_en_cours
            if p.id in hours_by_projet
        ],
    )
