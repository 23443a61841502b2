"""What the write services share: their result, the rule check, and a few row helpers.

Every write follows the same path: take the locks of what it may over-commit (module, personne,
the row itself) → read fresh state from Baserow (never the cache) → check the rules → stop here
for a dry run, answering with the rollups as they would be → write through the audited `Writer`,
invalidate the cached representations, and queue notifications once the transaction commits.
"""

import dataclasses
from decimal import Decimal
from typing import Any, Generic, TypeVar

from domain import rules
from domain.entities import Module
from domain.errors import NotFound
from hub.errors import ApplicationError, ErrorCode
from hub.repository import Repository

T = TypeVar("T")


@dataclasses.dataclass
class WriteResult(Generic[T]):
    """What a write answers: the row as it is (or would be, in a dry run) with its rollups, and
    the cascades it caused (`effects`: OP-07 closures, alerts, page refreshes)."""

    data: T
    effects: list[str] = dataclasses.field(default_factory=list)


def enforce(*violations: rules.Violation | None) -> None:
    for violation in violations:
        if violation is not None:
            raise ApplicationError(
                ErrorCode.CONFLICT if violation.conflict else ErrorCode.RG_VIOLATION,
                violation.message,
                details={"rule": violation.rule, **violation.details},
            )


def referenced(repo: Repository, entity: str, row_id: int, field: str) -> Any:
    """A row named in the request body: unknown is a validation error on that field."""
    try:
        return repo.get(entity, row_id)
    except NotFound:
        raise ApplicationError(
            ErrorCode.VALIDATION_ERROR,
            f"No {entity} with id {row_id}.",
            details={field: [f"No {entity} with id {row_id}."]},
        ) from None


def numbers_fit(entity: str, **given: tuple[str, Decimal]) -> None:
    """Refuse, before any lock, read or write (dry runs too), numbers their Baserow fields
    cannot hold: `given` maps each field to (the request field that carried it, its value)."""
    Repository().to_baserow(
        entity,
        {field: value for field, (_, value) in given.items()},
        inputs={field: name for field, (name, _) in given.items()},
    )


def replace_item(items: list[Any], new: Any) -> list[Any]:
    return [item for item in items if item.id != new.id] + [new]


def formation_of(*, repo: Repository, module: Module) -> int | None:
    if module.bloc is None:
        return None
    bloc = repo.get("bloc", module.bloc.id)
    return bloc.formation.id if bloc.formation else None
