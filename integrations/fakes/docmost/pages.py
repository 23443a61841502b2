"""Pages: create, info, update (content operations), soft and permanent delete, restore, and the
`recent` and `sidebar-pages` lists."""

import copy
from typing import Any

from integrations.fakes.docmost.content import _checked_content, _combine, _render
from integrations.fakes.docmost.models import (
    FORMATS,
    OPERATIONS,
    PAGE_COLUMNS,
    UUID_RE,
    FakeError,
    _not_found,
)
from integrations.fakes.docmost.pagination import PaginationMixin
from integrations.fakes.docmost.validation import (
    _is_bool,
    _is_string,
    _is_uuid,
    _not_empty,
    _one_of,
    _Validator,
)


class PagesMixin(PaginationMixin):
    def content(self, page_id: str, kind: str = "markdown") -> Any:
        """A page's stored body rendered in `kind` (None when it never had content)."""
        return _render(self._contents.get(page_id), kind)

    def add_page(
        self,
        space_id: str,
        title: str | None = "Page",
        *,
        markdown: str | None = None,
        parent_page_id: str | None = None,
        by_other_user: bool = False,
    ) -> dict[str, Any]:
        """Insert a page directly (no permission check), e.g. one written by a person."""
        with self._lock:
            creator = self.other_user if by_other_user else self.user
            content = ("markdown", markdown) if markdown is not None else None
            return self._insert_page(space_id, title, None, parent_page_id, content, creator)

    def _permissions(self, page: dict[str, Any]) -> dict[str, Any]:
        role = self._roles.get(page["spaceId"], "reader")
        return {"canEdit": role != "reader", "hasRestriction": False}

    def _base(self, page: dict[str, Any]) -> dict[str, Any]:
        return {key: copy.deepcopy(page[key]) for key in PAGE_COLUMNS}

    def _space_ref(self, space_id: str) -> dict[str, Any]:
        space = self._spaces[space_id]
        return {"id": space["id"], "name": space["name"], "slug": space["slug"]}

    def _full(self, page: dict[str, Any], kind: str) -> dict[str, Any]:
        return {
            **self._base(page),
            "content": _render(self._contents.get(page["id"]), kind),
            "creator": self._user_ref(page["creatorId"]),
            "lastUpdatedBy": self._user_ref(page["lastUpdatedById"]),
            "contributors": [self._user_ref(uid) for uid in page["contributorIds"]],
            "deletedBy": self._user_ref(self._deleted_by.get(page["id"])),
            "space": self._space_ref(page["spaceId"]),
            "permissions": self._permissions(page),
        }

    def _children(self, page_id: str) -> list[dict[str, Any]]:
        return [p for p in self._pages.values() if p["parentPageId"] == page_id]

    def _subtree(self, page: dict[str, Any]) -> list[dict[str, Any]]:
        found, todo = [], [page]
        while todo:
            current = todo.pop()
            found.append(current)
            todo.extend(self._children(current["id"]))
        return found

    def _create_page(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("spaceId", _is_uuid, required=True)
        check.field("parentPageId", _is_string)
        check.field("title", _is_string)
        check.field("icon", _is_string)
        if isinstance(payload, dict) and "content" in payload:
            check.clean["content"] = payload["content"]
            # The DTO's default does not apply to an absent key: content needs an explicit format.
            check.field("format", _one_of(*FORMATS), required=True)
        else:
            check.field("format", _one_of(*FORMATS))
        fields = check.done()
        space_id = fields["spaceId"].lower()
        parent_id = None
        if fields.get("parentPageId"):
            parent = self._find_page(fields["parentPageId"])
            if parent is None or parent["deletedAt"] or parent["spaceId"] != space_id:
                raise _not_found("Parent page not found")
            parent_id = parent["id"]
        self._require(space_id, "writer")
        content = None
        if fields.get("content") is not None:
            content = _checked_content(fields["format"], fields["content"])
        page = self._insert_page(
            space_id, fields.get("title"), fields.get("icon"), parent_id, content, self.user
        )
        return {**self._base(page), "permissions": self._permissions(page)}

    def _page_info(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("pageId", _is_string, _not_empty, required=True)
        check.field("format", _one_of(*FORMATS))
        fields = check.done()
        page = self._page(fields["pageId"])
        self._role_in(page["spaceId"])
        return self._full(page, fields.get("format") or "json")

    def _update_page(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("pageId", _is_string, _not_empty, required=True)
        check.field("title", _is_string)
        check.field("icon", _is_string)
        with_content = isinstance(payload, dict) and "content" in payload
        if with_content:
            check.clean["content"] = payload["content"]
        # Content needs both: without `format` it is a 400 (CONTRACT errata), not a no-op.
        check.field("operation", _one_of(*OPERATIONS), required=with_content)
        check.field("format", _one_of(*FORMATS), required=with_content)
        fields = check.done()
        page = self._page(fields["pageId"])
        self._require(page["spaceId"], "writer")
        content = None
        if fields.get("content") is not None and fields.get("format"):
            content = _checked_content(fields["format"], fields["content"])
        for key in ("title", "icon"):
            if key in fields:
                page[key] = fields[key]
        page["updatedAt"] = self._stamp()
        page["lastUpdatedById"] = self.user["id"]
        if self.user["id"] not in page["contributorIds"]:
            page["contributorIds"].append(self.user["id"])
        # With the collaboration engine cut off (COLLAB_DISABLE_REDIS) every content update is
        # dropped silently.
        if content is not None and not self.ignore_content_updates:
            old = self._contents.get(page["id"])
            self._contents[page["id"]] = _combine(old, content, fields["operation"])
        full = self._full(page, fields.get("format") or "json")
        del full["deletedBy"]  # update's page object has none (info's has)
        return full

    def _delete_page(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("pageId", _is_string, _not_empty, required=True)
        check.field("permanentlyDelete", _is_bool)
        fields = check.done()
        if not UUID_RE.match(fields["pageId"]):
            raise FakeError(500)  # a slugId reaches a uuid column (CONTRACT errata)
        page = self._page(fields["pageId"])
        subtree = self._subtree(page)
        if fields.get("permanentlyDelete"):
            self._require(page["spaceId"], "admin")
            for node in subtree:
                del self._pages[node["id"]]
                self._contents.pop(node["id"], None)
                self._shares.pop(node["id"], None)
            return None
        self._require(page["spaceId"], "writer")
        now = self._stamp()
        for node in subtree:  # soft delete: the whole subtree, without bumping updatedAt
            if node["deletedAt"] is None:
                node["deletedAt"] = now
                self._deleted_by[node["id"]] = self.user["id"]
            self._shares.pop(node["id"], None)
        return None

    def _restore_page(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("pageId", _is_string, _not_empty, required=True)
        fields = check.done()
        if not UUID_RE.match(fields["pageId"]):
            raise FakeError(500)
        page = self._page(fields["pageId"])
        self._require(page["spaceId"], "writer")
        stamp = page["deletedAt"]
        for node in self._subtree(page):
            if node["deletedAt"] is not None and node["deletedAt"] == stamp:
                node["deletedAt"] = None
                self._deleted_by.pop(node["id"], None)
        return {**self._base(page), "hasChildren": bool(self._live_children(page["id"]))}

    def _live_children(self, page_id: str) -> list[dict[str, Any]]:
        return [p for p in self._children(page_id) if p["deletedAt"] is None]

    def _recent(self, payload: Any, **_: Any) -> Any:
        _query, limit, cursor, before = self._pagination(payload, "spaceId")
        space_id = payload.get("spaceId") if isinstance(payload, dict) else None
        if space_id:
            self._role_in(space_id.lower())
            spaces = {space_id.lower()}
        else:
            spaces = set(self._roles)
        rows = [p for p in self._pages.values() if p["spaceId"] in spaces and not p["deletedAt"]]
        rows.sort(key=lambda p: (p["updatedAt"], p["id"]), reverse=True)
        page, meta = self._cursor_page(
            rows, limit, cursor, ("updatedAt", "id"), descending=True, before=before
        )
        items = [{**self._base(p), "space": self._space_ref(p["spaceId"])} for p in page]
        return {"items": items, "meta": meta}

    def _sidebar_pages(self, payload: Any, **_: Any) -> Any:
        _query, limit, cursor, before = self._pagination(payload, "spaceId")
        fields = payload if isinstance(payload, dict) else {}
        page_id, space_id = fields.get("pageId"), fields.get("spaceId")
        if page_id is not None:
            if not isinstance(page_id, str) or not UUID_RE.match(page_id):
                raise FakeError(500)  # a slugId here reaches a uuid column
            parent = self._page(page_id)
            space_id, parent_id = parent["spaceId"], parent["id"]
        elif space_id:
            space_id, parent_id = space_id.lower(), None
        else:
            raise FakeError(400, "Either spaceId or pageId is required")
        role = self._role_in(space_id)
        rows = [
            p
            for p in self._pages.values()
            if p["spaceId"] == space_id and p["parentPageId"] == parent_id and not p["deletedAt"]
        ]
        rows.sort(key=lambda p: (p["position"], p["id"]))
        page, meta = self._cursor_page(
            rows, limit, cursor, ("position", "id"), descending=False, before=before
        )
        keys = ("id", "slugId", "title", "icon", "position", "parentPageId", "spaceId")
        items = [
            {
                **{key: p[key] for key in (*keys, "creatorId", "isBase", "deletedAt")},
                "hasChildren": bool(self._live_children(p["id"])),
                "canEdit": role != "reader",
            }
            for p in page
        ]
        return {"items": items, "meta": meta}
