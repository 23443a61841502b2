"""Read operations of the API. Each returns JSON-ready data; views (and later MCP tools) call them.

Upstream cost is constant per operation: one Baserow request per table involved, related rows
fetched with a filter on the parents' ids. The costs are stated on each function and asserted
by the tests.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import QueryDict

from domain.entities import CANCELLED, Attribution, Intervention, Link, Personne
from domain.rollups import module_hours, personne_capacity, realised_hours, total_hours
from hub.cache import cached
from hub.queries import ListQuery, ListSpec, paginated, parse_list_query
from hub.repository import Repository
from hub.representations import (
    attribution_repr,
    bloc_repr,
    client_repr,
    formation_repr,
    hours_repr,
    intervention_repr,
    module_repr,
    num,
    personne_repr,
    projet_repr,
    tache_repr,
)
from integrations.baserow.client import Condition, Filters

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
FORMATION_LIST = ListSpec(
    "formation",
    filters={"statut": "statut", "code": "code"},
    sorts={
        "nom": "nom",
        "code": "code",
        "statut": "statut",
        "date_debut": "date_debut",
        "date_fin": "date_fin",
    },
)
CLIENT_LIST = ListSpec("client", filters={"nom": "nom", "email": "email"}, sorts={"nom": "nom"})
PROJET_LIST = ListSpec(
    "projet",
    filters={"statut": "statut", "client": "client"},
    sorts={"nom": "nom", "statut": "statut", "charge_estimee_h": "charge_estimee_h"},
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


def _by_link(items: Iterable[Any], attribute: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        target: Link | None = getattr(item, attribute)
        if target is not None:
            grouped[target.id].append(item)
    return grouped


def _list(repo: Repository, spec: ListSpec, params: QueryDict) -> tuple[list[Any], ListQuery, int]:
    query = parse_list_query(params, spec, repo)
    items, total = repo.page(
        spec.entity,
        page=query.page,
        per_page=query.per_page,
        filters=query.filters,
        order_by=query.order_by,
    )
    return items, query, total


# -- personnes ----------------------------------------------------------------------------------


def _personnes_with_capacity(repo: Repository, personnes: list[Personne]) -> list[dict[str, Any]]:
    ids = [p.id for p in personnes]
    attributions = _by_link(repo.linked("attribution", "personne", ids), "personne")
    interventions = _by_link(repo.linked("intervention", "personne", ids), "personne")
    return [
        personne_repr(p, personne_capacity(p, attributions[p.id], interventions[p.id]))
        for p in personnes
    ]


def personne_list(*, params: QueryDict) -> dict[str, Any]:
    """3 requests: the page of personnes, their attributions, their interventions."""
    repo = Repository()
    personnes, query, total = _list(repo, PERSONNE_LIST, params)
    return paginated(_personnes_with_capacity(repo, personnes), query, total)


def personne_detail(*, personne_id: int) -> dict[str, Any]:
    """3 requests on a miss (personne, attributions, interventions); 0 on a cache hit."""

    def load() -> dict[str, Any]:
        repo = Repository()
        return _personnes_with_capacity(repo, [repo.get("personne", personne_id)])[0]

    return cached("personne", personne_id, load)


def _personne_sublist(
    personne_id: int, spec: ListSpec, params: QueryDict, render: Any
) -> dict[str, Any]:
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
    items, query, total = _list(repo, scoped, params)
    return paginated([render(item) for item in items], query, total)


def personne_attributions(*, personne_id: int, params: QueryDict) -> dict[str, Any]:
    """2 requests: the personne, a page of its attributions (active and past)."""
    return _personne_sublist(personne_id, ATTRIBUTION_SUBLIST, params, attribution_repr)


def personne_interventions(*, personne_id: int, params: QueryDict) -> dict[str, Any]:
    """2 requests: the personne, a page of its interventions."""
    return _personne_sublist(personne_id, INTERVENTION_SUBLIST, params, intervention_repr)


def personne_dashboard(*, personne_id: int) -> dict[str, Any]:
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
        filters=_equal_option(repo, "projet", "statut", statut_id),
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
    return {
        "personne": personne_repr(personne, capacity),
        "attributions_actives": [
            attribution_repr(a) for a in attributions if a.statut not in (CANCELLED, "realise")
        ],
        "interventions_recentes": [intervention_repr(i) for i in recent[:10]],
        "projets_en_cours": [
            {**projet_repr(p), "heures_realisees_personne": num(hours_by_projet[p.id])}
            for p in projets_en_cours
            if p.id in hours_by_projet
        ],
    }


def _equal_option(repo: Repository, entity: str, logical: str, option_id: int | None) -> Filters:
    name = repo.field_name(entity, logical)
    return Filters(conditions=(Condition(name, "single_select_equal", option_id or 0),))


# -- formations, blocs, modules, attributions ---------------------------------------------------


def formation_list(*, params: QueryDict) -> dict[str, Any]:
    """1 request."""
    repo = Repository()
    formations, query, total = _list(repo, FORMATION_LIST, params)
    return paginated([formation_repr(f) for f in formations], query, total)


def _modules_tree(
    repo: Repository, bloc_ids: list[int]
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, Any]]:
    """Modules of the blocs with their hours, grouped by bloc; and each bloc's hour totals."""
    modules = repo.linked("module", "bloc", bloc_ids)
    attributions = repo.linked("attribution", "module", [m.id for m in modules])
    by_module = _by_link(attributions, "module")
    modules_by_bloc: dict[int, list[dict[str, Any]]] = defaultdict(list)
    hours_by_bloc: dict[int, list[Any]] = defaultdict(list)
    for module in sorted(modules, key=lambda m: m.id):
        hours = module_hours(module, by_module[module.id])
        if module.bloc is not None:
            modules_by_bloc[module.bloc.id].append(module_repr(module, hours))
            hours_by_bloc[module.bloc.id].append(hours)
    return modules_by_bloc, {bloc_id: total_hours(h) for bloc_id, h in hours_by_bloc.items()}


def formation_detail(*, formation_id: int) -> dict[str, Any]:
    """4 requests on a miss (formation, blocs, modules, attributions); 0 on a cache hit."""

    def load() -> dict[str, Any]:
        repo = Repository()
        formation = repo.get("formation", formation_id)
        blocs = sorted(
            repo.linked("bloc", "formation", [formation_id]), key=lambda b: (b.ordre, b.id)
        )
        modules_by_bloc, hours_by_bloc = _modules_tree(repo, [b.id for b in blocs])
        bloc_items = [
            {
                **bloc_repr(b),
                **hours_repr(hours_by_bloc.get(b.id, total_hours([]))),
                "modules": modules_by_bloc.get(b.id, []),
            }
            for b in blocs
        ]
        return {
            **formation_repr(formation),
            **hours_repr(total_hours(hours_by_bloc.values())),
            "blocs": bloc_items,
        }

    return cached("formation", formation_id, load)


def bloc_detail(*, bloc_id: int) -> dict[str, Any]:
    """3 requests: bloc, its modules, their attributions."""
    repo = Repository()
    bloc = repo.get("bloc", bloc_id)
    modules_by_bloc, hours_by_bloc = _modules_tree(repo, [bloc_id])
    return {
        **bloc_repr(bloc),
        **hours_repr(hours_by_bloc.get(bloc_id, total_hours([]))),
        "modules": modules_by_bloc.get(bloc_id, []),
    }


def module_detail(*, module_id: int) -> dict[str, Any]:
    """2 requests: module, its attributions."""
    repo = Repository()
    module = repo.get("module", module_id)
    attributions: list[Attribution] = repo.linked("attribution", "module", [module_id])
    return {
        **module_repr(module, module_hours(module, attributions)),
        "attributions_actives": [
            attribution_repr(a)
            for a in sorted(attributions, key=lambda a: a.id)
            if a.statut != CANCELLED
        ],
    }


def attribution_detail(*, attribution_id: int) -> dict[str, Any]:
    """1 request."""
    return attribution_repr(Repository().get("attribution", attribution_id))


# -- clients, projets, tâches -------------------------------------------------------------------


def client_list(*, params: QueryDict) -> dict[str, Any]:
    """1 request."""
    repo = Repository()
    clients, query, total = _list(repo, CLIENT_LIST, params)
    return paginated([client_repr(c) for c in clients], query, total)


def client_detail(*, client_id: int) -> dict[str, Any]:
    """2 requests: client, its projets."""
    repo = Repository()
    client = repo.get("client", client_id)
    projets = repo.linked("projet", "client", [client_id])
    return {
        **client_repr(client),
        "projets": [projet_repr(p) for p in sorted(projets, key=lambda p: p.id)],
    }


def projet_list(*, params: QueryDict) -> dict[str, Any]:
    """1 request."""
    repo = Repository()
    projets, query, total = _list(repo, PROJET_LIST, params)
    return paginated([projet_repr(p) for p in projets], query, total)


def _projet_with_work(
    repo: Repository, projet_id: int
) -> tuple[Any, list[Any], list[Intervention]]:
    projet = repo.get("projet", projet_id)
    taches = sorted(repo.linked("tache", "projet", [projet_id]), key=lambda t: t.id)
    interventions: list[Intervention] = repo.linked("intervention", "tache", [t.id for t in taches])
    return projet, taches, interventions


def projet_detail(*, projet_id: int) -> dict[str, Any]:
    """3 requests on a miss (projet, tâches, interventions); 0 on a cache hit."""

    def load() -> dict[str, Any]:
        repo = Repository()
        projet, taches, interventions = _projet_with_work(repo, projet_id)
        realised = realised_hours(interventions)
        return {
            **projet_repr(projet),
            "heures_realisees": num(realised),
            "heures_restantes": num(projet.charge_estimee_h - realised),
            "taches": [
                tache_repr(t, realised_hours(interventions, tache_ids={t.id})) for t in taches
            ],
        }

    return cached("projet", projet_id, load)


def projet_timeline(*, projet_id: int) -> dict[str, Any]:
    """3 requests: projet, tâches, interventions; interventions newest first."""
    repo = Repository()
    projet, _taches, interventions = _projet_with_work(repo, projet_id)
    ordered = sorted(interventions, key=lambda i: (i.date is not None, i.date, i.id), reverse=True)
    return {"projet": projet_repr(projet), "interventions": [intervention_repr(i) for i in ordered]}


def tache_detail(*, tache_id: int) -> dict[str, Any]:
    """2 requests: tâche, its interventions."""
    repo = Repository()
    tache = repo.get("tache", tache_id)
    interventions: list[Intervention] = repo.linked("intervention", "tache", [tache_id])
    return {
        **tache_repr(tache, realised_hours(interventions)),
        "interventions": [intervention_repr(i) for i in sorted(interventions, key=lambda i: i.id)],
    }
