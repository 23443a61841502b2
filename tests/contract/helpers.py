"""Small helpers shared by the scenarios."""

from typing import Any


def error_of(response: Any) -> tuple[int, Any, Any]:
    """(status, Baserow `error` code or None, `detail`)."""
    body = response.json()
    return response.status_code, body.get("error"), body.get("detail")
