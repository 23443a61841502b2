"""What the fake Baserow holds (one workspace, one database, its tables, tokens and webhooks), the
lookups every resource uses, and `snapshot`/`restore`."""

import itertools
import threading
from collections.abc import Callable
from typing import Any

from integrations.fakes.baserow.errors import FakeError
from integrations.fakes.baserow.models import (
    Call,
    FakeField,
    FakeTable,
    WebhookDelivery,
    WebhookSender,
)


class BaserowState:
    """The stored data and settings; the resource mixins work on it."""

    def __init__(
        self,
        *,
        database_token: str = "fake-database-token-0123456789ab",  # noqa: S107 - a fake, not a secret
        email: str = "bridge@example.org",
        password: str = "fake-password",  # noqa: S107 - a fake, not a secret
        database_id: int = 1,
        base_url: str = "http://baserow.test",
    ) -> None:
        self.database_token = database_token
        self.email = email
        self.password = password
        self.database_id = database_id
        self.base_url = base_url
        self.tables: dict[int, FakeTable] = {}
        self.calls: list[Call] = []
        self.access_lifetime = 600.0
        self.latency = 0.0  # seconds added to every request (concurrency tests)
        self._access_tokens: dict[str, float] = {}
        self._refresh_tokens: set[str] = set()
        self._failures: list[tuple[int, Any, dict[str, str]]] = []
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self.webhook_listener: Callable[[dict[str, Any]], None] | None = None
        # Makes each call of the registered webhooks and answers its HTTP status (None: 200) or
        # raises OSError; None sends nothing (the listener above still hears every change).
        # Retries follow at once (Baserow waits 2**n s between them, CONTRACT 6.5).
        self.webhook_sender: WebhookSender | None = None
        self._outbox: list[WebhookDelivery] = []  # sent once the current request is answered
        self._call_ids = itertools.count(1)
        self.workspace_id = 1
        self.webhooks: dict[int, list[dict[str, Any]]] = {}  # table id -> webhook objects
        # BASEROW_WEBHOOKS_ALLOW_PRIVATE_ADDRESS: when set, webhook URLs are not validated at all.
        self.webhooks_allow_private_address = False
        # Whether Baserow could open a TCP connection to a webhook URL's host right now (it
        # checks at create/update time unless private addresses are allowed).
        self.webhook_url_reachable: Callable[[str], bool] = lambda _url: True
        self.webhooks_max_per_table = 20  # BASEROW_WEBHOOKS_MAX_PER_TABLE
        self.webhooks_max_retries = 8  # BASEROW_WEBHOOKS_MAX_RETRIES_PER_CALL
        self.webhooks_max_failures = 8  # BASEROW_WEBHOOKS_MAX_CONSECUTIVE_TRIGGER_FAILURES

    def snapshot(self) -> Any:
        """The stored data, to `restore()` later (tests build a data set once, reuse it often)."""
        import copy

        return copy.deepcopy((self.tables, self._ids, self.webhooks))

    def restore(self, state: Any) -> None:
        import copy

        self.tables, self._ids, self.webhooks = copy.deepcopy(state)
        self.calls.clear()
        self._failures.clear()
        self.latency = 0.0
        self.webhook_listener = None
        self.webhook_sender = None
        self._outbox.clear()

    def table_by_name(self, name: str) -> FakeTable:
        return next(table for table in self.tables.values() if table.name == name)

    def webhook(self, webhook_id: int) -> dict[str, Any]:
        """The stored webhook object (tests read and change it directly)."""
        try:
            return self._find_webhook(webhook_id)[1]
        except FakeError:
            raise KeyError(webhook_id) from None

    # -- lookups -----------------------------------------------------------------------------------

    def _database(self, database_id: int) -> None:
        if database_id != self.database_id:
            raise FakeError(
                404,
                "ERROR_APPLICATION_DOES_NOT_EXIST",
                f"The application {database_id} does not exist.",
            )

    def _table(self, table_id: int) -> FakeTable:
        table = self.tables.get(table_id)
        if table is None:
            raise FakeError(
                404, "ERROR_TABLE_DOES_NOT_EXIST", "The requested table does not exist."
            )
        return table

    def _find_webhook(self, webhook_id: int) -> tuple[int, dict[str, Any]]:
        for table_id, webhooks in self.webhooks.items():
            for webhook in webhooks:
                if webhook.get("id") == webhook_id:
                    return table_id, webhook
        raise FakeError(
            404, "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST", "The requested table webhook does not exist."
        )

    def _find_field(self, field_id: int) -> FakeField:
        for table in self.tables.values():
            for candidate in table.fields:
                if candidate.id == field_id:
                    return candidate
        raise FakeError(404, "ERROR_FIELD_DOES_NOT_EXIST", f"The field {field_id} does not exist.")
