"""Reads about formations, their blocs, modules and attributions (hours rolled up)."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.entities import CANCELLED, Attribution
from domain.rollups import module_hours, total_hours
from hub.cache import cached
from hub.queries import ListQuery, ListSpec, Page, page_of
from hub.repository import Repository
from hub.representations import (
    AttributionRepr,
    BlocRepr,
    FormationRepr,
    Hours,
    HoursRepr,
    ModuleRepr,
    attribution_repr,
    bloc_repr,
    fields_of,
    formation_repr,
    hours_repr,
    module_repr,
    num,
)
from hub.selectors.common import by_link, list_page


@dataclass(frozen=True)
class ModuleDetail(ModuleRepr):
    attributions_actives: list[AttributionRepr]


@dataclass(frozen=True)
class BlocDetail(HoursRepr, BlocRepr):
    """A bloc, its hours summed over its modules, and the modules."""

    modules: list[ModuleRepr]


@dataclass(frozen=True)
class FormationDetail(HoursRepr, FormationRepr):
    """A formation, its hours summed over its blocs, and the blocs with their modules."""

    blocs: list[BlocDetail]


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


def formation_list(*, query: ListQuery) -> Page[FormationRepr]:
    """1 request."""
    repo = Repository()
    formations, total = list_page(repo, FORMATION_LIST, query)
    return page_of([formation_repr(f) for f in formations], query, total)


def _modules_tree(
    repo: Repository, bloc_ids: list[int]
) -> tuple[dict[int, list[ModuleRepr]], dict[int, Any], list[Attribution]]:
    """Modules of the blocs with their hours, grouped by bloc; each bloc's hour totals; and the
    modules' attributions (2 requests)."""
    modules = repo.linked("module", "bloc", bloc_ids)
    attributions: list[Attribution] = repo.linked("attribution", "module", [m.id for m in modules])
    by_module = by_link(attributions, "module")
    modules_by_bloc: dict[int, list[ModuleRepr]] = defaultdict(list)
    hours_by_bloc: dict[int, list[Any]] = defaultdict(list)
    for module in sorted(modules, key=lambda m: m.id):
        hours = module_hours(module, by_module[module.id])
        if module.bloc is not None:
            modules_by_bloc[module.bloc.id].append(module_repr(module, hours))
            hours_by_bloc[module.bloc.id].append(hours)
    totals = {bloc_id: total_hours(h) for bloc_id, h in hours_by_bloc.items()}
    return modules_by_bloc, totals, attributions


def formation_detail_load(
    *, repo: Repository, formation_id: int
) -> tuple[FormationDetail, list[Attribution]]:
    """A formation with its rolled-up hours, and its modules' attributions (4 requests): what
    `formation_retrieve` caches, and what the formation report is built from."""
    formation = repo.get("formation", formation_id)
    blocs = sorted(repo.linked("bloc", "formation", [formation_id]), key=lambda b: (b.ordre, b.id))
    modules_by_bloc, hours_by_bloc, attributions = _modules_tree(repo, [b.id for b in blocs])
    bloc_items = [
        BlocDetail(
            **fields_of(bloc_repr(b)),
            **fields_of(hours_repr(hours_by_bloc.get(b.id, total_hours([])))),
            modules=modules_by_bloc.get(b.id, []),
        )
        for b in blocs
    ]
    detail = FormationDetail(
        **fields_of(formation_repr(formation)),
        **fields_of(hours_repr(total_hours(hours_by_bloc.values()))),
        blocs=bloc_items,
    )
    return detail, attributions


def formation_retrieve(*, formation_id: int) -> FormationDetail:
    """4 requests on a miss (formation, blocs, modules, attributions); 0 on a cache hit."""
    return cached(
        "formation",
        formation_id,
        lambda: formation_detail_load(repo=Repository(), formation_id=formation_id)[0],
    )


def bloc_retrieve(*, bloc_id: int) -> BlocDetail:
    """3 requests: bloc, its modules, their attributions."""
    repo = Repository()
    bloc = repo.get("bloc", bloc_id)
    modules_by_bloc, hours_by_bloc, _attributions = _modules_tree(repo, [bloc_id])
    return BlocDetail(
        **fields_of(bloc_repr(bloc)),
        **fields_of(hours_repr(hours_by_bloc.get(bloc_id, total_hours([])))),
        modules=modules_by_bloc.get(bloc_id, []),
    )


def module_retrieve(*, module_id: int) -> ModuleDetail:
    """2 requests: module, its attributions."""
    repo = Repository()
    module = repo.get("module", module_id)
    attributions: list[Attribution] = repo.linked("attribution", "module", [module_id])
    return ModuleDetail(
        **fields_of(module_repr(module, module_hours(module, attributions))),
        attributions_actives=[
            attribution_repr(a)
            for a in sorted(attributions, key=lambda a: a.id)
            if a.statut != CANCELLED
        ],
    )


def attribution_retrieve(*, attribution_id: int) -> AttributionRepr:
    """1 request."""
    return attribution_repr(Repository().get("attribution", attribution_id))


@dataclass(frozen=True)
class ModulesAAttribuer:
    """A formation's modules still to assign (hours attributed to nobody), blocs in order."""

    formation: FormationRepr
    modules: list[ModuleRepr]
    heures_a_attribuer: Hours


def formation_modules_a_attribuer(*, formation_id: int) -> ModulesAAttribuer:
    """From `formation_retrieve`: 4 requests on a miss, 0 on a cache hit."""
    detail = formation_retrieve(formation_id=formation_id)
    modules = [m for bloc in detail.blocs for m in bloc.modules if is_a_attribuer(m)]
    formation = FormationRepr(**{f: getattr(detail, f) for f in FormationRepr.__dataclass_fields__})
    return ModulesAAttribuer(
        formation=formation,
        modules=modules,
        heures_a_attribuer=num(
            sum((Decimal(str(m.heures_restantes)) for m in modules), Decimal(0))
        ),
    )


def is_a_attribuer(module: ModuleRepr) -> bool:
    """A module still to assign: some of its hours are attributed to nobody."""
    return module.heures_restantes > 0
