"""Public shares of pages (idempotent create)."""

import copy
import string
from typing import Any

from integrations.fakes.docmost.models import _nanoid, _uuid7
from integrations.fakes.docmost.state import DocmostState
from integrations.fakes.docmost.validation import _is_bool, _is_string, _not_empty, _Validator


class SharesMixin(DocmostState):
    @property
    def shares(self) -> dict[str, dict[str, Any]]:
        """Public shares by page id."""
        return self._shares

    def _create_share(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("pageId", _is_string, _not_empty, required=True)
        check.field("includeSubPages", _is_bool)
        check.field("searchIndexing", _is_bool)
        fields = check.done()
        page = self._page(fields["pageId"])
        self._require(page["spaceId"], "writer")
        if page["id"] in self._shares:  # idempotent: the existing share, unchanged
            return copy.deepcopy(self._shares[page["id"]])
        now = self._stamp()
        share = {
            "id": _uuid7(),
            "key": _nanoid(10, string.digits + string.ascii_lowercase),
            "pageId": page["id"],
            "includeSubPages": bool(fields.get("includeSubPages")),
            "searchIndexing": bool(fields.get("searchIndexing")),
            "creatorId": self.user["id"],
            "spaceId": page["spaceId"],
            "workspaceId": self.workspace_id,
            "createdAt": now,
            "updatedAt": now,
            "deletedAt": None,
        }
        self._shares[page["id"]] = share
        return copy.deepcopy(share)
