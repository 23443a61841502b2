"""What the reports show (seed section 6.6): a formation, a personne or a projet with everything
its report prints.

Each is built by the same load as the read API's selector (`formation_detail_load`,
`personne_load`, `projet_detail_load`), so a report's totals are the API's totals for the same
data; the rest (formateurs, months, weeks, projets worked on) is derived from the rows that load
already fetched, plus the few rows it links to. Cache-aside like the API (`hub.cache`, part
"rapport"): the webhooks that invalidate a formation, a personne or a projet drop its report data
too, so a warm report costs no Baserow call; a miss also stores the API's representation from the
same reading, so the report and the API answer alike. Each carries `empreinte`, a hash of its
content: the report service keys rendered documents by it.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from django.utils import timezone

from domain.entities import CANCELLED, Intervention, Link
from hub.cache import cache_put, cached
from hub.repository import Repository
from hub.representations import (
    AttributionRepr,
    FormationRef,
    Hours,
    ModuleRepr,
    PersonneRef,
    PersonneRepr,
    ProjetRef,
    attribution_repr,
    num,
)
from hub.selectors.formations import FormationDetail, formation_detail_load, is_a_attribuer
from hub.selectors.personnes import personne_load
from hub.selectors.projets import ProjetDetail, projet_detail_load

# Periods of hours (months, weeks) listed with the empty ones between, up to this many.
PERIODS_FILLED_MAX = 156

# Attribution statuses that are over: the report lists them after the active ones.
PAST_ATTRIBUTION_STATUSES = (CANCELLED, "realise")


@dataclass(frozen=True)
class HeuresPersonne:
    """One formateur's live attributions on a formation."""

    personne: PersonneRef
    heures_attribuees: Hours
    heures_realisees: Hours


@dataclass(frozen=True)
class ModuleFormateurs:
    module_id: int
    formateurs: list[PersonneRef]  # active attributions, by name


@dataclass(frozen=True)
class FormationRapport:
    formation: FormationDetail  # exactly what GET /formations/{id} answers
    formateurs_par_module: list[ModuleFormateurs]
    formateurs: list[HeuresPersonne]  # by hours attributed, most first
    modules_a_attribuer: list[ModuleRepr]
    avancement_pct: Hours | None  # heures réalisées / heures prévues; None without hours
    donnees_lues_le: datetime  # when these rows were read from Baserow
    empreinte: str = ""  # a hash of everything above but the reading time


@dataclass(frozen=True)
class AttributionLigne(AttributionRepr):
    formation: FormationRef | None


@dataclass(frozen=True)
class HeuresPeriode:
    """Hours of valid interventions in the month or the week starting on `debut`."""

    debut: date
    heures: Hours


@dataclass(frozen=True)
class ProjetHeures:
    projet: ProjetRef
    statut: str | None
    heures: Hours


@dataclass(frozen=True)
class PersonneRapport:
    personne: PersonneRepr  # exactly what GET /personnes/{id} answers
    attributions_actives: list[AttributionLigne]  # by start date
    attributions_passees: list[AttributionLigne]  # realised or cancelled, newest first
    interventions_par_mois: list[HeuresPeriode]
    interventions_sans_date: Hours
    projets: list[ProjetHeures]  # by hours, most first
    donnees_lues_le: datetime  # when these rows were read from Baserow
    empreinte: str = ""  # a hash of everything above but the reading time


@dataclass(frozen=True)
class HeuresIntervenant:
    """One personne's valid interventions on a projet."""

    personne: PersonneRef
    heures: Hours
    interventions: int


@dataclass(frozen=True)
class ProjetRapport:
    projet: ProjetDetail  # exactly what GET /projets/{id} answers
    avancement_pct: Hours | None  # heures réalisées / charge estimée; None without a charge
    interventions_par_semaine: list[HeuresPeriode]
    interventions_sans_date: Hours
    personnes: list[HeuresIntervenant]  # by hours, most first
    donnees_lues_le: datetime  # when these rows were read from Baserow
    empreinte: str = ""  # a hash of everything above but the reading time


def _ref(link: Link) -> PersonneRef:
    return PersonneRef(personne_id=link.id, nom_prenom=link.value)


R = TypeVar("R", FormationRapport, PersonneRapport, ProjetRapport)


def _fingerprinted(data: R) -> R:
    content = asdict(data)
    del content["donnees_lues_le"], content["empreinte"]
    payload = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return replace(data, empreinte=hashlib.sha256(payload.encode()).hexdigest())


def formation_rapport(*, formation_id: int) -> FormationRapport:
    """4 requests on a miss (formation, blocs, modules, attributions); 0 on a cache hit."""
    return cached(
        "formation",
        formation_id,
        lambda: _fingerprinted(_formation_rapport_load(formation_id)),
        part="rapport",
    )


def personne_rapport(*, personne_id: int) -> PersonneRapport:
    """On a miss, 3 requests (personne, attributions, interventions), then the rows they link
    to: the modules and their blocs (for the formation), the tâches and their projets (for the
    statut), see `Repository.rows_by_id`; 0 on a cache hit. The names and statuts of those linked
    rows follow the personne's invalidation, not their own: they may lag by the cache's lifetime
    (CACHE_TTLS, 5 minutes)."""
    return cached(
        "personne",
        personne_id,
        lambda: _fingerprinted(_personne_rapport_load(personne_id)),
        part="rapport",
    )


def projet_rapport(*, projet_id: int) -> ProjetRapport:
    """3 requests on a miss (projet, tâches, interventions); 0 on a cache hit."""
    return cached(
        "projet", projet_id, lambda: _fingerprinted(_projet_rapport_load(projet_id)), part="rapport"
    )


def _formation_rapport_load(formation_id: int) -> FormationRapport:
    detail, attributions = formation_detail_load(repo=Repository(), formation_id=formation_id)
    cache_put("formation", formation_id, detail)  # the API answers from the same reading
    live = [a for a in attributions if a.statut != CANCELLED and a.personne is not None]
    names: dict[int, set[Link]] = defaultdict(set)
    hours: dict[Link, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for attribution in live:
        assert attribution.personne is not None
        if attribution.module is not None:
            names[attribution.module.id].add(attribution.personne)
        hours[attribution.personne][0] += attribution.heures_attribuees
        hours[attribution.personne][1] += attribution.heures_realisees
    modules = [m for bloc in detail.blocs for m in bloc.modules]
    formateurs = [
        HeuresPersonne(_ref(link), num(attribuees), num(realisees))
        for link, (attribuees, realisees) in hours.items()
    ]
    formateurs.sort(
        key=lambda f: (-f.heures_attribuees, f.personne.nom_prenom, f.personne.personne_id)
    )
    return FormationRapport(
        formation=detail,
        formateurs_par_module=[
            ModuleFormateurs(
                m.module_id,
                sorted(
                    (_ref(p) for p in names[m.module_id]),
                    key=lambda r: (r.nom_prenom, r.personne_id),
                ),
            )
            for m in modules
        ],
        formateurs=formateurs,
        modules_a_attribuer=[m for m in modules if is_a_attribuer(m)],
        avancement_pct=_percent(detail.heures_realisees_total, detail.heures),
        donnees_lues_le=timezone.now(),
    )


def _personne_rapport_load(personne_id: int) -> PersonneRapport:
    repo = Repository()
    personne, attributions, interventions = personne_load(repo=repo, personne_id=personne_id)
    cache_put("personne", personne_id, personne)  # the API answers from the same reading
    modules = repo.rows_by_id("module", (a.module.id for a in attributions if a.module))
    blocs = repo.rows_by_id("bloc", (m.bloc.id for m in modules.values() if m.bloc))
    formation_of_module: dict[int, FormationRef] = {}
    for module in modules.values():
        bloc = blocs.get(module.bloc.id) if module.bloc else None
        if bloc is not None and bloc.formation is not None:
            formation_of_module[module.id] = FormationRef(bloc.formation.id, bloc.formation.value)
    lignes = [
        AttributionLigne(
            **vars(attribution_repr(a)),
            formation=formation_of_module.get(a.module.id) if a.module else None,
        )
        for a in attributions
    ]
    actives = [line for line in lignes if line.statut not in PAST_ATTRIBUTION_STATUSES]
    passees = [line for line in lignes if line.statut in PAST_ATTRIBUTION_STATUSES]
    actives.sort(key=lambda a: (a.date_debut is None, a.date_debut or date.min, a.attribution_id))
    passees.sort(
        key=lambda a: (a.date_debut is not None, a.date_debut or date.min, a.attribution_id),
        reverse=True,
    )
    valid = [i for i in interventions if i.statut != CANCELLED]
    return PersonneRapport(
        personne=personne,
        attributions_actives=actives,
        attributions_passees=passees,
        interventions_par_mois=_by_period(valid, _month_start, _next_month),
        interventions_sans_date=num(sum((i.heures for i in valid if i.date is None), Decimal(0))),
        projets=_projets_worked_on(repo, valid),
        donnees_lues_le=timezone.now(),
    )


def _projets_worked_on(repo: Repository, interventions: list[Intervention]) -> list[ProjetHeures]:
    taches = repo.rows_by_id("tache", (i.tache.id for i in interventions if i.tache))
    hours: dict[int, Decimal] = defaultdict(Decimal)
    links: dict[int, Link] = {}
    for intervention in interventions:
        tache = taches.get(intervention.tache.id) if intervention.tache else None
        if tache is not None and tache.projet is not None:
            hours[tache.projet.id] += intervention.heures
            links[tache.projet.id] = tache.projet
    projets = repo.rows_by_id("projet", hours)
    items = [
        ProjetHeures(
            ProjetRef(projet_id, links[projet_id].value),
            projets[projet_id].statut if projet_id in projets else None,
            num(total),
        )
        for projet_id, total in hours.items()
    ]
    return sorted(items, key=lambda p: (-p.heures, p.projet.nom, p.projet.projet_id))


def _projet_rapport_load(projet_id: int) -> ProjetRapport:
    detail, interventions = projet_detail_load(repo=Repository(), projet_id=projet_id)
    cache_put("projet", projet_id, detail)  # the API answers from the same reading
    valid = [i for i in interventions if i.statut != CANCELLED]
    hours: dict[Link, Decimal] = defaultdict(Decimal)
    count: dict[Link, int] = defaultdict(int)
    for intervention in valid:
        if intervention.personne is not None:
            hours[intervention.personne] += intervention.heures
            count[intervention.personne] += 1
    personnes = [
        HeuresIntervenant(_ref(link), num(total), count[link]) for link, total in hours.items()
    ]
    personnes.sort(key=lambda p: (-p.heures, p.personne.nom_prenom, p.personne.personne_id))
    return ProjetRapport(
        projet=detail,
        avancement_pct=_percent(detail.heures_realisees, detail.charge_estimee_h),
        interventions_par_semaine=_by_period(valid, _week_start, _next_week),
        interventions_sans_date=num(sum((i.heures for i in valid if i.date is None), Decimal(0))),
        personnes=personnes,
        donnees_lues_le=timezone.now(),
    )


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(start: date) -> date:
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _next_week(start: date) -> date:
    return start + timedelta(days=7)


def _by_period(
    interventions: Iterable[Intervention],
    start_of: Callable[[date], date],
    next_of: Callable[[date], date],
) -> list[HeuresPeriode]:
    """Hours per period in date order, the empty periods between two busy ones at 0 (only the
    busy ones when they are spread over more than `PERIODS_FILLED_MAX` periods)."""
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for intervention in interventions:
        if intervention.date is not None:
            totals[start_of(intervention.date)] += intervention.heures
    busy = sorted(totals)
    periods = busy
    if busy:
        filled = [busy[0]]
        while filled[-1] < busy[-1] and len(filled) <= PERIODS_FILLED_MAX:
            filled.append(next_of(filled[-1]))
        if filled[-1] == busy[-1]:
            periods = filled
    return [HeuresPeriode(start, num(totals.get(start, Decimal(0)))) for start in periods]


def _percent(part: Hours, whole: Hours) -> Hours | None:
    if not whole:
        return None
    return num(round(Decimal(str(part)) * 100 / Decimal(str(whole)), 1))
