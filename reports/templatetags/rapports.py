"""Template filters of the reports: `{{ value|heures }}`, `{{ day|date_longue }}`, … (see
`reports.formatting`)."""

from django import template

from reports import formatting

register = template.Library()

FILTERS = (
    "nombre", "heures", "pourcentage", "date_longue", "date_courte", "mois", "semaine",
    "date_heure", "statut", "clip",
)  # fmt: skip
for _name in FILTERS:
    register.filter(_name, getattr(formatting, _name))
