"""Docmost's cursor pagination: the `limit`/`cursor`/`beforeCursor` DTO, cursor encoding and the
page meta (CONTRACT §7.5)."""

import base64
from typing import Any
from urllib.parse import parse_qsl, quote

from integrations.fakes.docmost.models import FakeError, _b64url
from integrations.fakes.docmost.state import DocmostState
from integrations.fakes.docmost.validation import _is_string, _is_uuid, _limit, _Validator


class PaginationMixin(DocmostState):
    def _pagination(self, payload: Any, *more: str) -> tuple[str, int, str | None, str | None]:
        check = _Validator(payload)
        check.field("limit", _limit)
        check.field("cursor", _is_string)
        check.field("beforeCursor", _is_string)
        check.field("query", _is_string)
        for name in more:
            check.field(name, _is_uuid)
        fields = check.done()
        limit = int(fields.get("limit") or 20)
        return fields.get("query") or "", limit, fields.get("cursor"), fields.get("beforeCursor")

    @staticmethod
    def _encode_cursor(row: dict[str, Any], keys: tuple[str, ...]) -> str:
        text = "&".join(f"{key}={quote(str(row[key]), safe='')}" for key in keys)
        return _b64url(text.encode())

    @staticmethod
    def _decode_cursor(cursor: str, keys: tuple[str, ...]) -> tuple[str, ...]:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            text = base64.urlsafe_b64decode(padded.encode()).decode()
            values = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=True))
            return tuple(values[key] for key in keys)
        except (ValueError, KeyError, UnicodeDecodeError):
            raise FakeError(500) from None  # Docmost's cursor parser throws

    def _cursor_page(
        self,
        rows: list[dict[str, Any]],
        limit: int,
        cursor: str | None,
        keys: tuple[str, ...],
        *,
        descending: bool,
        before: str | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """`rows` already sorted by `keys`; Docmost's meta exactly (CONTRACT §7.5)."""

        def key_of(row: dict[str, Any]) -> tuple[str, ...]:
            return tuple(str(row[k]) for k in keys)

        def after(row: dict[str, Any], mark: tuple[str, ...]) -> bool:
            return key_of(row) < mark if descending else key_of(row) > mark

        if cursor is None and before is not None:  # the page just before `before`
            mark = self._decode_cursor(before, keys)
            earlier = [row for row in rows if not after(row, mark) and key_of(row) != mark]
            page, has_next, has_prev = earlier[-limit:], True, len(earlier) > limit
        else:
            if cursor is not None:
                mark = self._decode_cursor(cursor, keys)
                rows = [row for row in rows if after(row, mark)]
            page = rows[: limit + 1]
            has_next, has_prev = len(page) > limit, cursor is not None  # CONTRACT §7.5
            page = page[:limit]
        meta = {
            "limit": limit,
            "hasNextPage": has_next,
            "hasPrevPage": has_prev,
            "nextCursor": self._encode_cursor(page[-1], keys) if has_next and page else None,
            "prevCursor": self._encode_cursor(page[0], keys) if has_prev and page else None,
        }
        return page, meta
