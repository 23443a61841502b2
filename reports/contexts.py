"""What each report's template gets: the report data, arranged in the document's order, and its
charts. Nothing is computed here that the data does not hold, except presentation (an écart, a
chart's series)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from hub.representations import Hours
from hub.selectors.formations import is_a_attribuer
from hub.selectors.rapports import (
    FormationRapport,
    HeuresPeriode,
    PersonneRapport,
    ProjetRapport,
)
from reports.charts import COLORS, DONE, bar_chart
from reports.formatting import clip, mois, semaine


@dataclass(frozen=True)
class CapacityRow:
    nom: str
    capacite: Hours
    engagees: Hours
    engagees_quoi: str
    restantes: Hours


# A chart shows at most this many groups (the table beside it lists them all).
CHART_GROUPS_MAX = 24


def _periods(
    name: str,
    periods: list[HeuresPeriode],
    label: Callable[[date], str],
    unit: str,
    sans_date: Hours,
    total: Hours,
) -> dict[str, Any]:
    """Hours per month or week: a chart of the latest periods and a table of all of them."""
    shown = periods[-CHART_GROUPS_MAX:]
    chart = None
    if any(p.heures for p in shown):
        chart = bar_chart(
            name,
            [label(p.debut) for p in shown],
            [("Heures", [p.heures for p in shown])],
            colors=DONE,
        )
    return {
        "unit": unit,
        "chart": chart,
        "partial": len(periods) > CHART_GROUPS_MAX,
        "rows": [(label(p.debut), p.heures) for p in periods],
        "sans_date": sans_date,
        "total": total,
    }


def formation_context(data: FormationRapport) -> dict[str, Any]:
    formation = data.formation
    formateurs = {m.module_id: m.formateurs for m in data.formateurs_par_module}
    blocs = [
        {
            "bloc": bloc,
            "modules": [
                {
                    "module": module,
                    "formateurs": formateurs.get(module.module_id, []),
                    "a_attribuer": is_a_attribuer(module),
                }
                for module in bloc.modules
            ],
        }
        for bloc in formation.blocs
    ]
    shown = formation.blocs[:CHART_GROUPS_MAX]
    chart = None
    if shown:
        chart = bar_chart(
            "blocs",
            [clip(b.nom, 40) for b in shown],
            [
                ("Prévues", [b.heures for b in shown]),
                ("Attribuées", [b.heures_deja_attribuees for b in shown]),
                ("Réalisées", [b.heures_realisees_total for b in shown]),
            ],
        )
    bloc_of = {m.module_id: b.nom for b in formation.blocs for m in b.modules}
    return {
        "titre": f"Rapport de formation — {clip(formation.nom, 120)}",
        "data": data,
        "formation": formation,
        "blocs": blocs,
        "chart": chart,
        "chart_partial": len(formation.blocs) > CHART_GROUPS_MAX,
        "a_attribuer": [
            {"module": m, "bloc": bloc_of.get(m.module_id, "")} for m in data.modules_a_attribuer
        ],
        "heures_a_attribuer": sum(m.heures_restantes for m in data.modules_a_attribuer),
    }


def personne_context(data: PersonneRapport) -> dict[str, Any]:
    personne = data.personne
    capacity = [
        CapacityRow(
            "Formation",
            personne.capacite_formation_h,
            personne.heures_attribuees_formation,
            "attribuées",
            personne.heures_restantes_formation,
        ),
        CapacityRow(
            "Agence",
            personne.capacite_agence_h,
            personne.heures_realisees_agence,
            "réalisées",
            personne.heures_restantes_agence,
        ),
        CapacityRow(
            "Total",
            personne.capacite_totale_h,
            personne.heures_engagees_totales,
            "engagées",
            personne.heures_restantes_totales,
        ),
    ]
    capacity_chart = bar_chart(
        "capacite",
        ["Formation", "Agence"],
        [
            ("Capacité", [row.capacite for row in capacity[:2]]),
            ("Engagées", [row.engagees for row in capacity[:2]]),
        ],
        horizontal=True,
        height=220,
    )
    return {
        "titre": f"Rapport personne — {clip(personne.nom_prenom, 120)}",
        "data": data,
        "personne": personne,
        "capacity": capacity,
        "depassement": any(row.restantes < 0 for row in capacity),
        "capacity_chart": capacity_chart,
        "periodes": _periods(
            "mois",
            data.interventions_par_mois,
            mois,
            "mois",
            data.interventions_sans_date,
            personne.heures_realisees_agence,
        ),
    }


def projet_context(data: ProjetRapport) -> dict[str, Any]:
    projet = data.projet
    taches = [{"tache": t, "ecart": t.heures_realisees - t.estimation_h} for t in projet.taches]
    shown = projet.taches[:CHART_GROUPS_MAX]
    charge_chart = bar_chart(
        "charge",
        ["Projet", *[clip(t.nom, 40) for t in shown]],
        [
            ("Estimée", [projet.charge_estimee_h, *[t.estimation_h for t in shown]]),
            ("Réalisée", [projet.heures_realisees, *[t.heures_realisees for t in shown]]),
        ],
        horizontal=True,
        height=min(160 + 34 * (len(shown) + 1), 760),
        colors=(COLORS[0], COLORS[2]),
    )
    return {
        "titre": f"Rapport projet — {clip(projet.nom, 120)}",
        "data": data,
        "projet": projet,
        "taches": taches,
        "charge_chart": charge_chart,
        "taches_partial": len(projet.taches) > CHART_GROUPS_MAX,
        "periodes": _periods(
            "semaines",
            data.interventions_par_semaine,
            semaine,
            "semaine",
            data.interventions_sans_date,
            projet.heures_realisees,
        ),
    }
