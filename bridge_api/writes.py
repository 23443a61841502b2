"""Write operations (seed sections 6.2–6.5) with the business rules, one function each.

Every write follows the same path: take the locks of what it may over-commit (module, personne,
the row itself) → read fresh state from Baserow (never the cache) → check the rules → stop here
for a dry run, answering with the rollups as they would be → write to Baserow with
`send_webhook_events=false`, record it in the echo ledger and the audit trail, invalidate the
cached representations, and queue notifications once the database transaction commits.
"""

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from prometheus_client import Counter

from bridge_api import tasks
from bridge_api.cache import (
    cache_invalidate_formation,
    cache_invalidate_personne,
    cache_invalidate_projet,
)
from bridge_api.errors import BridgeError, ErrorCode
from bridge_api.locks import entity_locks
from bridge_api.logging import current_request_id
from bridge_api.models import AuditEntry
from bridge_api.repository import Repository
from bridge_api.representations import iso, num
from domain import rules
from domain.entities import Attribution, Intervention, Link, Module, Personne
from domain.errors import NotFound
from domain.rollups import module_hours, personne_capacity
from integrations.baserow.client import BaserowNotFound, BaserowRequestError
from integrations.baserow.parsing import parse_row
from sync.echo import echo_record
from sync.models import Alert

AGENCY_OVERCAPACITY = Counter(
    "bridge_agency_overcapacity_total", "Interventions that pushed a personne over agency capacity."
)


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who asked for a write: recorded in the audit trail."""

    token_key_id: str = ""
    token_name: str = ""
    request_id: str = ""

    @classmethod
    def from_request(cls, request: Any) -> "Actor":
        token = request.auth
        return cls(
            token_key_id=getattr(token, "key_id", ""),
            token_name=getattr(token, "name", ""),
            request_id=current_request_id(),
        )


def audit_record(
    *,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """One row of the audit trail (token, action, entity, before/after, request id)."""
    return AuditEntry.objects.create(
        token_key_id=actor.token_key_id,
        token_name=actor.token_name,
        request_id=actor.request_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
    )


@dataclasses.dataclass
class WriteResult:
    data: dict[str, Any]
    effects: list[str] = dataclasses.field(default_factory=list)  # cascades (OP-07, …)


def _enforce(*violations: rules.Violation | None) -> None:
    for violation in violations:
        if violation is not None:
            raise BridgeError(
                ErrorCode.CONFLICT if violation.conflict else ErrorCode.RG_VIOLATION,
                violation.message,
                details={"rule": violation.rule, **violation.details},
            )


def _referenced(repo: Repository, entity: str, row_id: int, field: str) -> Any:
    """A row named in the request body: unknown is a validation error on that field."""
    try:
        return repo.get(entity, row_id)
    except NotFound:
        raise BridgeError(
            ErrorCode.VALIDATION_ERROR,
            f"No {entity} with id {row_id}.",
            details={field: [f"No {entity} with id {row_id}."]},
        ) from None


def _numbers_fit(entity: str, **given: tuple[str, Decimal]) -> None:
    """Refuse, before any lock, read or write (dry runs too), numbers their Baserow fields
    cannot hold: `given` maps each field to (the request field that carried it, its value)."""
    Repository().to_baserow(
        entity,
        {field: value for field, (_, value) in given.items()},
        inputs={field: name for field, (name, _) in given.items()},
    )


class Writer:
    """One write request: the repository, who asks, and whether it is a dry run."""

    def __init__(self, actor: Actor, dry_run: bool) -> None:
        self.repo = Repository()
        self.actor = actor
        self.dry_run = dry_run
        self.effects: list[str] = []

    def write(
        self,
        entity: str,
        action: str,
        values: Mapping[str, Any],
        *,
        before: Any = None,
        row_id: int | None = None,
    ) -> Any:
        """Create (row_id None) or update a row; returns the parsed row as Baserow now has it.

        A row gone meanwhile is NOT_FOUND; any other refusal is Baserow's (BASEROW_REJECTED), and
        drops the cached field formats the body was built from, so a retry uses fresh ones."""
        table = self.repo.mapping.table(entity)
        payload = self.repo.to_baserow(entity, values)
        client = self.repo.client
        try:
            if row_id is None:
                row = client.create_row(table.table_id, payload, send_webhook_events=False)
            else:
                row = client.update_row(table.table_id, row_id, payload, send_webhook_events=False)
        except BaserowNotFound as exc:
            if exc.row_missing and row_id is not None:
                raise NotFound(entity, row_id) from None
            raise
        except BaserowRequestError:
            self.repo.fields_forget(entity)
            raise
        written = parse_row(entity, row, table)
        with transaction.atomic():
            echo_record(entity=entity, row_id=written.id, values=values)
            audit_record(
                actor=self.actor,
                action=action,
                entity=entity,
                entity_id=written.id,
                before=_jsonable(before),
                after=_jsonable(written),
            )
        return written

    def on_commit(self, task: Callable[[], Any]) -> None:
        if not self.dry_run:
            transaction.on_commit(task)


def _jsonable(entity: Any) -> Any:
    if entity is None:
        return None
    data = dataclasses.asdict(entity)
    return {key: _plain(value) for key, value in data.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return num(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):  # a Link, as asdict leaves it
        return value
    if isinstance(value, tuple):
        return list(value)
    return value


def _replace(items: list[Any], new: Any) -> list[Any]:
    return [item for item in items if item.id != new.id] + [new]


def _formation_of(repo: Repository, module: Module) -> int | None:
    if module.bloc is None:
        return None
    bloc = repo.get("bloc", module.bloc.id)
    return bloc.formation.id if bloc.formation else None


# -- attributions -----------------------------------------------------------------------------


def attribution_result(
    attribution: Attribution,
    module: Module,
    module_attributions: list[Attribution],
    personne: Personne,
    personne_attributions: list[Attribution],
) -> dict[str, Any]:
    """The seed's section 12 shape: the attribution, its module's and personne's rollups."""
    hours = module_hours(module, module_attributions)
    capacity = personne_capacity(personne, personne_attributions, [])
    return {
        "attribution_id": attribution.id,
        "nom": attribution.nom,
        "heures_attribuees": num(attribution.heures_attribuees),
        "heures_realisees": num(attribution.heures_realisees),
        "statut": attribution.statut,
        "date_debut": iso(attribution.date_debut),
        "justification": attribution.justification,
        "module": {
            "module_id": module.id,
            "module_nom": module.nom,
            "statut": module.statut,
            "heures_module": num(module.heures),
            "heures_deja_attribuees": num(hours.heures_deja_attribuees),
            "heures_realisees_total": num(hours.heures_realisees_total),
            "heures_restantes": num(hours.heures_restantes),
        },
        "personne": {
            "personne_id": personne.id,
            "nom_prenom": personne.nom_prenom,
            "capacite_formation_h": num(personne.capacite_formation_h),
            "heures_attribuees_formation": num(capacity.heures_attribuees_formation),
            "heures_restantes_formation": num(capacity.heures_restantes_formation),
        },
    }


def attribution_create(
    *,
    module_id: int,
    personne_id: int,
    heures: Decimal,
    date_debut: date | None,
    actor: Actor,
    dry_run: bool = False,
) -> WriteResult:
    """POST /modules/{id}/attribuer: RG-06 eligibility, RG-01 module and RG-02 personne capacity."""
    _numbers_fit("attribution", heures_attribuees=("heures", heures))
    writer = Writer(actor, dry_run)
    repo = writer.repo
    with entity_locks(f"module:{module_id}", f"personne:{personne_id}"):
        module: Module = repo.get("module", module_id)
        personne: Personne = _referenced(repo, "personne", personne_id, "personne_id")
        module_attributions = repo.linked("attribution", "module", [module_id])
        personne_attributions = repo.linked("attribution", "personne", [personne_id])
        _enforce(
            rules.check_attribution_eligibility(personne),
            rules.check_module_capacity(module, module_attributions, heures),
            rules.check_personne_capacity(personne, personne_attributions, heures),
        )
        nom = f"{module.nom} — {personne.nom_prenom}"
        values = {
            "nom": nom,
            "module": [module_id],
            "personne": [personne_id],
            "heures_attribuees": heures,
            "heures_realisees": Decimal(0),
            "statut": "prevu",
            "date_debut": date_debut,
            "justification": "",
        }
        if dry_run:
            attribution = Attribution(
                id=0,
                nom=nom,
                module=Link(module.id, module.nom),
                personne=Link(personne.id, personne.nom_prenom),
                heures_attribuees=heures,
                heures_realisees=Decimal(0),
                statut="prevu",
                date_debut=date_debut,
                justification="",
            )
        else:
            attribution = writer.write("attribution", "attribution.create", values)
            if module.statut == "a_attribuer":
                module = writer.write(
                    "module",
                    "module.status",
                    {"statut": "attribue"},
                    before=module,
                    row_id=module.id,
                )
                writer.effects.append(f"module {module.id} → attribue")
            cache_invalidate_personne(personne_id)
            formation_id = _formation_of(repo, module)
            if formation_id:
                cache_invalidate_formation(formation_id)
            new_id = attribution.id
            writer.on_commit(lambda: tasks.notify_attribution_created.delay(new_id))
        data = attribution_result(
            attribution,
            module,
            [*module_attributions, attribution],
            personne,
            [*personne_attributions, attribution],
        )
    return WriteResult(data, writer.effects)


def _attribution_change(
    attribution_id: int,
    actor: Actor,
    dry_run: bool,
    check: Callable[[Attribution], list[rules.Violation | None]],
    change: Callable[[Attribution], dict[str, Any]],
    action: str,
    after_write: Callable[[Writer, Module, list[Attribution]], Module] | None = None,
) -> WriteResult:
    writer = Writer(actor, dry_run)
    repo = writer.repo
    # The module's lock too: two attributions of one module closing at once must see each
    # other (OP-07), and a creation on the module must not interleave.
    peek: Attribution = repo.get("attribution", attribution_id)
    module_lock = f"module:{peek.module.id}" if peek.module else f"attribution:{attribution_id}"
    with entity_locks(f"attribution:{attribution_id}", module_lock):
        current: Attribution = repo.get("attribution", attribution_id)
        _enforce(*check(current))
        values = change(current)
        if current.module is None or current.personne is None:
            raise BridgeError(
                ErrorCode.CONFLICT, f"Attribution {attribution_id} has no module or no personne."
            )
        module: Module = repo.get("module", current.module.id)
        personne: Personne = repo.get("personne", current.personne.id)
        module_attributions = repo.linked("attribution", "module", [module.id])
        personne_attributions = repo.linked("attribution", "personne", [personne.id])
        if dry_run:
            updated = dataclasses.replace(current, **values)
        else:
            updated = writer.write("attribution", action, values, before=current, row_id=current.id)
        module_attributions = _replace(module_attributions, updated)
        personne_attributions = _replace(personne_attributions, updated)
        if after_write is not None:
            module = after_write(writer, module, module_attributions)
        if not dry_run:
            cache_invalidate_personne(personne.id)
            formation_id = _formation_of(repo, module)
            if formation_id:
                cache_invalidate_formation(formation_id)
        data = attribution_result(
            updated, module, module_attributions, personne, personne_attributions
        )
    return WriteResult(data, writer.effects)


def attribution_set_realised(
    *, attribution_id: int, heures_realisees: Decimal, actor: Actor, dry_run: bool = False
) -> WriteResult:
    """PATCH /attributions/{id}/heures-realisees: RG-04, RG-03; prevu moves to en_cours."""
    _numbers_fit("attribution", heures_realisees=("heures_realisees", heures_realisees))

    def change(current: Attribution) -> dict[str, Any]:
        values: dict[str, Any] = {"heures_realisees": heures_realisees}
        if current.statut == "prevu" and heures_realisees > 0:
            values["statut"] = "en_cours"
        return values

    return _attribution_change(
        attribution_id,
        actor,
        dry_run,
        lambda a: [
            rules.check_modifiable("attribution", a.id, a.statut),
            rules.check_realised_hours(a, heures_realisees),
        ],
        change,
        "attribution.heures_realisees",
    )


def attribution_close(*, attribution_id: int, actor: Actor, dry_run: bool = False) -> WriteResult:
    """POST /attributions/{id}/cloturer: en_cours → realise (RG-04), then OP-07 upwards."""
    return _attribution_change(
        attribution_id,
        actor,
        dry_run,
        lambda a: [rules.check_transition("attribution", a.id, a.statut, "realise")],
        lambda _a: {"statut": "realise"},
        "attribution.close",
        after_write=_close_upwards,
    )


def attribution_cancel(
    *, attribution_id: int, justification: str | None, actor: Actor, dry_run: bool = False
) -> WriteResult:
    """POST /attributions/{id}/annuler: RG-04 (not final), RG-05 (a justification)."""
    return _attribution_change(
        attribution_id,
        actor,
        dry_run,
        lambda a: [
            rules.check_transition("attribution", a.id, a.statut, "annule"),
            rules.check_justification(justification),
        ],
        lambda _a: {"statut": "annule", "justification": (justification or "").strip()},
        "attribution.cancel",
    )


def _close_upwards(writer: Writer, module: Module, attributions: list[Attribution]) -> Module:
    """OP-07: a module whose hours are all realised is realised; then maybe its formation."""
    if module.statut == "realise" or not rules.module_is_complete(module, attributions):
        return module
    repo = writer.repo
    if writer.dry_run:
        module = dataclasses.replace(module, statut="realise")
    else:
        module = writer.write(
            "module", "module.status", {"statut": "realise"}, before=module, row_id=module.id
        )
    writer.effects.append(f"module {module.id} → realise")
    formation_id = _formation_of(repo, module)
    if formation_id is not None:
        _close_formation_if_complete(writer, formation_id, just_realised=module)
    return module


def _close_formation_if_complete(
    writer: Writer, formation_id: int, *, just_realised: Module | None = None
) -> str | None:
    """OP-07: close the formation when every one of its modules is realised (`just_realised`
    stands in for its stored version, which a dry run has not written)."""
    repo = writer.repo
    blocs = repo.linked("bloc", "formation", [formation_id])
    modules = repo.linked("module", "bloc", [b.id for b in blocs])
    if just_realised is not None:
        modules = _replace(modules, just_realised)
    if not rules.formation_should_close(modules):
        return None
    formation = repo.get("formation", formation_id)
    if formation.statut == "cloturee":
        return None
    if not writer.dry_run:
        writer.write(
            "formation",
            "formation.auto_close",
            {"statut": "cloturee"},
            before=formation,
            row_id=formation_id,
        )
        cache_invalidate_formation(formation_id)
    effect = f"formation {formation_id} → cloturee (OP-07)"
    writer.effects.append(effect)
    return effect


# -- interventions ----------------------------------------------------------------------------


def intervention_result(
    intervention: Intervention, personne: Personne, interventions: list[Intervention]
) -> dict[str, Any]:
    capacity = personne_capacity(personne, [], interventions)
    return {
        "intervention_id": intervention.id,
        "nom": intervention.nom,
        "date": iso(intervention.date),
        "heures": num(intervention.heures),
        "notes": intervention.notes,
        "statut": intervention.statut,
        "tache": (
            {"tache_id": intervention.tache.id, "tache_nom": intervention.tache.value}
            if intervention.tache
            else None
        ),
        "personne": {
            "personne_id": personne.id,
            "nom_prenom": personne.nom_prenom,
            "capacite_agence_h": num(personne.capacite_agence_h),
            "heures_realisees_agence": num(capacity.heures_realisees_agence),
            "heures_restantes_agence": num(capacity.heures_restantes_agence),
        },
        "depassement_capacite_agence": capacity.heures_restantes_agence < 0,
    }


def _after_intervention_write(
    writer: Writer, personne: Personne, interventions: list[Intervention], tache_id: int | None
) -> None:
    """Invalidate, and alert the admins when the personne is now over agency capacity."""
    if writer.dry_run:
        return
    cache_invalidate_personne(personne.id)
    if tache_id is not None:
        tache = writer.repo.get("tache", tache_id)
        if tache.projet is not None:
            cache_invalidate_projet(tache.projet.id)
    alert = alert_if_over_agency_capacity(personne, interventions)
    if alert is not None:
        writer.effects.append(f"alert {alert.pk}: agency over-capacity")


def alert_if_over_agency_capacity(
    personne: Personne, interventions: list[Intervention]
) -> Alert | None:
    """Over agency capacity is allowed, but the admins hear of it (console, email, metric)."""
    capacity = personne_capacity(personne, [], interventions)
    if capacity.heures_restantes_agence >= 0:
        return None
    AGENCY_OVERCAPACITY.inc()
    with transaction.atomic():
        alert = Alert.objects.create(
            kind=Alert.Kind.AGENCY_OVERCAPACITY,
            entity="personne",
            entity_id=personne.id,
            message=(
                f"{personne.nom_prenom} a {num(capacity.heures_realisees_agence)} h "
                f"d'interventions pour une capacité agence de {num(personne.capacite_agence_h)} h "
                f"(dépassement de {num(-capacity.heures_restantes_agence)} h)."
            ),
            details={
                "capacite_agence_h": num(personne.capacite_agence_h),
                "heures_realisees_agence": num(capacity.heures_realisees_agence),
            },
        )
        alert_id = alert.pk
        transaction.on_commit(lambda: tasks.alert_agency_overcapacity.delay(alert_id))
    return alert


def intervention_create(
    *,
    tache_id: int,
    personne_id: int,
    heures: Decimal,
    day: date,
    notes: str,
    actor: Actor,
    dry_run: bool = False,
) -> WriteResult:
    """POST /interventions: RG-06 (active personne, hours in ]0, 24], date not in the future)."""
    _numbers_fit("intervention", heures=("heures", heures))
    writer = Writer(actor, dry_run)
    repo = writer.repo
    with entity_locks(f"personne:{personne_id}"):
        tache = _referenced(repo, "tache", tache_id, "tache_id")
        personne: Personne = _referenced(repo, "personne", personne_id, "personne_id")
        _enforce(rules.check_intervention(personne, heures, day, today=timezone.localdate()))
        interventions = repo.linked("intervention", "personne", [personne_id])
        nom = f"{tache.nom} — {personne.nom_prenom} — {day.isoformat()}"
        values = {
            "nom": nom,
            "tache": [tache_id],
            "personne": [personne_id],
            "date": day,
            "heures": heures,
            "notes": notes,
            "statut": "valide",
        }
        if dry_run:
            intervention = Intervention(
                id=0,
                nom=nom,
                tache=Link(tache.id, tache.nom),
                personne=Link(personne.id, personne.nom_prenom),
                date=day,
                heures=heures,
                notes=notes,
                statut="valide",
            )
        else:
            intervention = writer.write("intervention", "intervention.create", values)
        interventions = _replace(interventions, intervention)
        _after_intervention_write(writer, personne, interventions, tache_id)
        data = intervention_result(intervention, personne, interventions)
    return WriteResult(data, writer.effects)


def _intervention_change(
    intervention_id: int,
    actor: Actor,
    dry_run: bool,
    check: Callable[[Intervention, Personne], list[rules.Violation | None]],
    change: Callable[[Intervention], dict[str, Any]],
    action: str,
) -> WriteResult:
    writer = Writer(actor, dry_run)
    repo = writer.repo
    with entity_locks(f"intervention:{intervention_id}"):
        current: Intervention = repo.get("intervention", intervention_id)
        if current.personne is None:
            raise BridgeError(
                ErrorCode.CONFLICT, f"Intervention {intervention_id} has no personne."
            )
        personne: Personne = repo.get("personne", current.personne.id)
        _enforce(*check(current, personne))
        values = change(current)
        interventions = repo.linked("intervention", "personne", [personne.id])
        if dry_run:
            updated = dataclasses.replace(current, **values)
        else:
            updated = writer.write(
                "intervention", action, values, before=current, row_id=current.id
            )
        interventions = _replace(interventions, updated)
        _after_intervention_write(
            writer, personne, interventions, updated.tache.id if updated.tache else None
        )
        data = intervention_result(updated, personne, interventions)
    return WriteResult(data, writer.effects)


def intervention_update(
    *,
    intervention_id: int,
    changes: dict[str, Any],
    actor: Actor,
    dry_run: bool = False,
) -> WriteResult:
    """PATCH /interventions/{id}: any of heures, date, notes; RG-04 (not cancelled), RG-06."""
    if "heures" in changes:
        _numbers_fit("intervention", heures=("heures", changes["heures"]))

    def check(current: Intervention, personne: Personne) -> list[rules.Violation | None]:
        merged = dataclasses.replace(current, **changes)
        violations = [rules.check_modifiable("intervention", current.id, current.statut)]
        if "heures" in changes or "date" in changes:
            violations.append(
                rules.check_intervention(
                    personne,
                    merged.heures,
                    merged.date or timezone.localdate(),
                    today=timezone.localdate(),
                )
            )
        return violations

    return _intervention_change(
        intervention_id, actor, dry_run, check, lambda _c: dict(changes), "intervention.update"
    )


def intervention_cancel(
    *, intervention_id: int, justification: str | None, actor: Actor, dry_run: bool = False
) -> WriteResult:
    """POST /interventions/{id}/annuler: valide → annule (RG-04), with a justification (RG-05)."""

    def change(current: Intervention) -> dict[str, Any]:
        reason = f"Annulée : {(justification or '').strip()}"
        return {"statut": "annule", "notes": f"{current.notes}\n{reason}".strip()}

    return _intervention_change(
        intervention_id,
        actor,
        dry_run,
        lambda current, _p: [
            rules.check_transition("intervention", current.id, current.statut, "annule"),
            rules.check_justification(justification),
        ],
        change,
        "intervention.cancel",
    )


def formation_close_if_complete(*, formation_id: int, actor: Actor) -> str | None:
    """OP-07 when a module's statut changed outside the bridge (a Baserow webhook)."""
    writer = Writer(actor, dry_run=False)
    with entity_locks(f"formation:{formation_id}"):
        return _close_formation_if_complete(writer, formation_id)


def docmost_ids_write_back(
    *, entity: str, row_id: int, values: Mapping[str, Any], actor: Actor
) -> None:
    """Store Docmost ids on a Baserow row (sync), without firing webhooks, in the echo ledger."""
    Writer(actor, dry_run=False).write(entity, f"{entity}.docmost_ids", values, row_id=row_id)


def projet_close(*, projet_id: int, actor: Actor, dry_run: bool = False) -> WriteResult:
    """The "Clôturer projet" button: statut → cloture (from en_cours or livre), then the page.

    Idempotent: a projet already closed answers the same, without writing.
    """
    writer = Writer(actor, dry_run)
    repo = writer.repo
    with entity_locks(f"projet:{projet_id}"):
        projet = repo.get("projet", projet_id)
        if projet.statut == "cloture":
            writer.effects.append("already closed")
            if not dry_run:
                writer.effects.append(_refresh_projet_page(projet_id))
        else:
            _enforce(rules.check_transition("projet", projet.id, projet.statut, "cloture"))
            if dry_run:
                projet = dataclasses.replace(projet, statut="cloture")
            else:
                projet = writer.write(
                    "projet", "projet.close", {"statut": "cloture"}, before=projet, row_id=projet_id
                )
                cache_invalidate_projet(projet_id)
                writer.effects.append(_refresh_projet_page(projet_id))
    return WriteResult(
        {
            "projet_id": projet.id,
            "nom": projet.nom,
            "statut": projet.statut,
            "docmost_page_id": projet.docmost_page_id,
        },
        writer.effects,
    )


def _refresh_projet_page(projet_id: int) -> str:
    """The page shows the new statut. Baserow is already right: a Docmost failure here is
    reported as an effect (the next reconciliation, or a force sync, refreshes the page), not as
    an error that would invite a retry of a write that happened."""
    from integrations.docmost.client import DocmostError
    from sync.services import sync_projet

    try:
        return sync_projet(projet_id)
    except (DocmostError, BridgeError) as exc:
        return f"page refresh pending ({exc}); a force sync or the reconciliation will do it"
