"""Request bodies checked as Docmost's DTOs do (class-validator with `whitelist` and
`stopAtFirstError`)."""

import math
import re
from collections.abc import Callable
from typing import Any

from integrations.fakes.docmost.models import UUID_RE, FakeError


class _Validator:
    """class-validator with `whitelist` and `stopAtFirstError`: one message per bad property."""

    def __init__(self, payload: Any) -> None:
        self.payload: dict[str, Any] = payload if isinstance(payload, dict) else {}
        self.clean: dict[str, Any] = {}
        self.errors: list[str] = []
        self._failed: set[str] = set()

    def _fail(self, name: str, message: str) -> None:
        if name not in self._failed:
            self._failed.add(name)
            self.errors.append(message)

    def field(
        self,
        name: str,
        *checks: Callable[[Any], str | None],
        required: bool = False,
        transform: Callable[[Any], Any] | None = None,
    ) -> None:
        if name not in self.payload or self.payload[name] is None:
            if required:
                for check in checks:  # a missing value fails the first constraint
                    message = check(None)
                    if message:
                        self._fail(name, f"{name} {message}")
                        return
            elif name in self.payload:
                self.clean[name] = None
            return
        value = self.payload[name]
        if transform is not None and isinstance(value, str):
            value = transform(value)
        for check in checks:
            message = check(value)
            if message:
                self._fail(name, f"{name} {message}")
                return
        self.clean[name] = value

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise FakeError(400, self.errors)
        return self.clean


def _is_string(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _not_empty(value: Any) -> str | None:
    return None if value not in (None, "") else "should not be empty"


def _is_uuid(value: Any) -> str | None:
    return None if isinstance(value, str) and UUID_RE.match(value) else "must be a UUID"


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be a boolean value"


def _is_email(value: Any) -> str | None:
    ok = isinstance(value, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value)
    return None if ok else "must be an email"


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value in choices:
            return None
        return f"must be one of the following values: {', '.join(choices)}"

    return check


def _length(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be a string"
        if len(value) < low:
            return f"must be longer than or equal to {low} characters"
        if len(value) > high:
            return f"must be shorter than or equal to {high} characters"
        return None

    return check


def _matches(pattern: re.Pattern[str]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and pattern.match(value):
            return None
        return f"must match {pattern.pattern} regular expression"

    return check


def _limit(value: Any) -> str | None:
    """@IsNumber @Min(1) @Max(100), checked last to first with stopAtFirstError: anything that
    is not a number fails @Max first ("20" → "must not be greater than 100")."""
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return "must not be greater than 100"
    if value > 100:
        return "must not be greater than 100"
    if value < 1:
        return "must not be less than 1"
    return None
