"""The Baserow schema the bridge owns (SPEC section 3), and where it lives in a given Baserow.

`SCHEMA` describes every entity's table and fields: it drives `baserow_bootstrap` and tells the
parsers what to expect. `SchemaMapping` is the configuration of a deployment: each entity's table
id and the Baserow name of each field (defaults: the field's own name). Logic never hard-codes a
table id or a field name; it asks the mapping.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class FieldSpec:
    type: str  # Baserow field type: text, long_text, email, number, date, single_select, ...
    options: tuple[str, ...] = ()  # select options
    decimals: int = 0  # number fields: number_decimal_places
    negative: bool = False  # number fields: number_negative
    link_to: str | None = None  # link_row target entity
    primary: bool = False


def _select(*options: str) -> FieldSpec:
    return FieldSpec("single_select", options=options)


HOURS = FieldSpec("number", decimals=2)

SCHEMA: dict[str, dict[str, FieldSpec]] = {
    "personne": {
        "nom_prenom": FieldSpec("text", primary=True),
        "email": FieldSpec("email"),
        "slug": FieldSpec("text"),
        "roles": FieldSpec("multiple_select", options=("formateur", "developpeur", "admin")),
        "statut": _select("actif", "inactif"),
        "capacite_formation_h": HOURS,
        "capacite_agence_h": HOURS,
    },
    "formation": {
        "nom": FieldSpec("text", primary=True),
        "code": FieldSpec("text"),
        "statut": _select("brouillon", "en_cours", "cloturee"),
        "date_debut": FieldSpec("date"),
        "date_fin": FieldSpec("date"),
        "docmost_space_id": FieldSpec("text"),
        "docmost_page_id": FieldSpec("text"),
    },
    "bloc": {
        "nom": FieldSpec("text", primary=True),
        "formation": FieldSpec("link_row", link_to="formation"),
        "ordre": FieldSpec("number"),
        "docmost_page_id": FieldSpec("text"),
    },
    "module": {
        "nom": FieldSpec("text", primary=True),
        "bloc": FieldSpec("link_row", link_to="bloc"),
        "heures": HOURS,
        "statut": _select("a_attribuer", "attribue", "en_cours", "realise"),
    },
    "attribution": {
        "nom": FieldSpec("text", primary=True),
        "module": FieldSpec("link_row", link_to="module"),
        "personne": FieldSpec("link_row", link_to="personne"),
        "heures_attribuees": HOURS,
        "heures_realisees": HOURS,
        "statut": _select("prevu", "en_cours", "realise", "annule"),
        "date_debut": FieldSpec("date"),
        "justification": FieldSpec("long_text"),
    },
    "client": {
        "nom": FieldSpec("text", primary=True),
        "email": FieldSpec("email"),
        "telephone": FieldSpec("text"),
    },
    "projet": {
        "nom": FieldSpec("text", primary=True),
        "client": FieldSpec("link_row", link_to="client"),
        "statut": _select("en_cours", "livre", "cloture"),
        "charge_estimee_h": HOURS,
        "docmost_page_id": FieldSpec("text"),
    },
    "tache": {
        "nom": FieldSpec("text", primary=True),
        "projet": FieldSpec("link_row", link_to="projet"),
        "statut": _select("a_faire", "en_cours", "terminee"),
        "estimation_h": HOURS,
    },
    "intervention": {
        "nom": FieldSpec("text", primary=True),
        "tache": FieldSpec("link_row", link_to="tache"),
        "personne": FieldSpec("link_row", link_to="personne"),
        "date": FieldSpec("date"),
        "heures": HOURS,
        "notes": FieldSpec("long_text"),
        "statut": _select("valide", "annule"),
    },
    "compte_rendu": {
        "titre": FieldSpec("text", primary=True),
        "date": FieldSpec("date"),
        "projet": FieldSpec("link_row", link_to="projet"),
        "docmost_page_id": FieldSpec("text"),
    },
}

ENTITIES = tuple(SCHEMA)


def primary_field(entity: str) -> str:
    return next(name for name, spec in SCHEMA[entity].items() if spec.primary)


@dataclass(frozen=True)
class TableMapping:
    table_id: int
    fields: dict[str, str] = field(default_factory=dict)  # logical name -> Baserow field name

    def name(self, logical: str) -> str:
        return self.fields.get(logical, logical)


@dataclass(frozen=True)
class SchemaMapping:
    """Where each entity lives in one Baserow database."""

    tables: dict[str, TableMapping]

    def table(self, entity: str) -> TableMapping:
        return self.tables[entity]

    def to_json(self) -> dict[str, Any]:
        return {
            entity: {"table_id": mapping.table_id, "fields": dict(mapping.fields)}
            for entity, mapping in self.tables.items()
        }


def parse_mapping(raw: Any, *, source: str) -> SchemaMapping:
    """Validate a mapping document; every problem is reported at once, naming the entry."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"{source}: the Baserow mapping must be a JSON object.")
    tables: dict[str, TableMapping] = {}
    for entity in ENTITIES:
        entry = raw.get(entity)
        if not isinstance(entry, dict):
            problems.append(f"{entity}: missing (expected {{'table_id': <int>, 'fields': {{…}}}})")
            continue
        table_id = entry.get("table_id")
        if not isinstance(table_id, int) or isinstance(table_id, bool) or table_id <= 0:
            problems.append(f"{entity}.table_id: expected a positive integer, got {table_id!r}")
            continue
        fields = entry.get("fields", {})
        if not isinstance(fields, dict):
            problems.append(f"{entity}.fields: expected an object of logical name -> Baserow name")
            continue
        for logical, name in fields.items():
            if logical not in SCHEMA[entity]:
                problems.append(f"{entity}.fields.{logical}: not a field of {entity}")
            elif not isinstance(name, str) or not name.strip():
                problems.append(f"{entity}.fields.{logical}: expected a non-empty field name")
        tables[entity] = TableMapping(table_id=table_id, fields=dict(fields))
    unknown = sorted(set(raw) - set(ENTITIES))
    if unknown:
        problems.append(f"unknown entities: {', '.join(unknown)}")
    if problems:
        raise ImproperlyConfigured(
            f"{source}: invalid Baserow mapping:\n  - " + "\n  - ".join(problems)
        )
    return SchemaMapping(tables=tables)


def load_mapping(*, path: str = "", inline: str = "") -> SchemaMapping:
    """The mapping from BASEROW_SCHEMA (inline JSON) or BASEROW_SCHEMA_FILE (JSON or YAML)."""
    if inline:
        try:
            return parse_mapping(json.loads(inline), source="BASEROW_SCHEMA")
        except json.JSONDecodeError as exc:
            raise ImproperlyConfigured(f"BASEROW_SCHEMA is not valid JSON: {exc}") from exc
    if not path:
        raise ImproperlyConfigured(
            "BASEROW_URL is set but no mapping is: set BASEROW_SCHEMA_FILE (the file printed by "
            "`manage.py baserow_bootstrap`) or BASEROW_SCHEMA."
        )
    file = Path(path)
    if not file.is_file():
        raise ImproperlyConfigured(f"BASEROW_SCHEMA_FILE {path} does not exist.")
    text = file.read_text()
    if file.suffix in (".yaml", ".yml"):
        import yaml

        return parse_mapping(yaml.safe_load(text), source=path)
    try:
        return parse_mapping(json.loads(text), source=path)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{path} is not valid JSON: {exc}") from exc
