"""The fake Baserow's error answers: `{"error", "detail"}` bodies and DRF validation details."""

from typing import Any


class FakeError(Exception):
    def __init__(self, status: int, error: str | None, detail: Any = "") -> None:
        super().__init__(error)
        self.status = status
        self.body: dict[str, Any] = (
            {"detail": detail} if error is None else {"error": error, "detail": detail}
        )


def _validation(detail: Any) -> FakeError:
    return FakeError(400, "ERROR_REQUEST_BODY_VALIDATION", detail)


def _field_error(message: str, code: str = "invalid") -> list[dict[str, str]]:
    return [{"error": message, "code": code}]


def _required() -> list[dict[str, str]]:
    return _field_error("This field is required.", "required")


def _rows_missing(ids: list[Any]) -> FakeError:
    """Baserow formats the Python list it has: ids from the URL are strings on get and delete."""
    return FakeError(404, "ERROR_ROW_DOES_NOT_EXIST", f"The rows {ids} do not exist.")


class _Invalid(Exception):
    """One field's DRF validation errors, in Baserow's serialized shape."""

    def __init__(self, detail: Any) -> None:
        super().__init__(detail)
        self.detail = detail
