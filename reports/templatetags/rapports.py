"""Template filters of the reports: `{{ value|heures }}`, `{{ day|date_longue }}`, … (see
`reports.formatting`)."""

from django import template

from reports import formatting

register = template.Library()

for _name in ("nombre", "heures", "pourcentage", "date_longue", "mois", "semaine", "date_heure"):
    register.filter(_name, getattr(formatting, _name))
register.filter("statut", formatting.statut)
register.filter("clip", formatting.clip)
