"""Request-scoped logging context and secret redaction.

The request id lives in a context variable so every log record emitted while serving a request
(or running a task that set it) carries it, whichever logger wrote the record.
"""

import contextvars
import logging
import re

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# What the client sent as X-Request-ID: logged for correlation, never used for decisions.
_client_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "client_request_id", default=""
)

# Anything that looks like a bridge token, a bearer credential or a Baserow/Docmost token.
_SECRET_PATTERNS = re.compile(
    r"(brg_[0-9A-Za-z_]{8,})|((?:Bearer|Token|JWT)\s+)[^\s\"',]+",
)


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(request_id: str) -> contextvars.Token[str]:
    return _request_id.set(request_id)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)


def set_client_request_id(client_request_id: str) -> contextvars.Token[str]:
    return _client_request_id.set(client_request_id)


def reset_client_request_id(token: contextvars.Token[str]) -> None:
    _client_request_id.reset(token)


def redact(text: str) -> str:
    """Replace token-like substrings so a secret that slipped into a message is not logged."""
    return _SECRET_PATTERNS.sub(
        lambda m: "brg_[REDACTED]" if m.group(1) else f"{m.group(2)}[REDACTED]", text
    )


class RequestContextFilter(logging.Filter):
    """Adds `request_id` (and `client_request_id`, when the client sent one) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        client_request_id = _client_request_id.get()
        if client_request_id:
            record.client_request_id = client_request_id
        return True


class RedactSecretsFilter(logging.Filter):
    """Last line of defence: no token-shaped string reaches the log output."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
