"""Spaces: list, info, create, update; the service user's roles in them."""

from typing import Any

from integrations.fakes.docmost.models import PERMISSIONS, SLUG_RE, FakeError, _nanoid, _not_found
from integrations.fakes.docmost.pagination import PaginationMixin
from integrations.fakes.docmost.validation import (
    _is_string,
    _is_uuid,
    _length,
    _matches,
    _not_empty,
    _Validator,
)


class SpacesMixin(PaginationMixin):
    def add_foreign_space(self, name: str = "Elsewhere", slug: str | None = None) -> dict[str, Any]:
        """A space created by someone else, in which the service user has no role."""
        with self._lock:
            return self._insert_space(name, slug or _nanoid(8).lower(), "", role=None)

    def set_role(self, space_id: str, role: str | None) -> None:
        """The service user's role in a space (None: not a member)."""
        with self._lock:
            if role is None:
                self._roles.pop(space_id, None)
            else:
                self._roles[space_id] = role

    def _slug_taken(self, slug: str) -> bool:
        return any(s["slug"].lower() == slug.lower() for s in self._spaces.values())

    def _space_out(self, space: dict[str, Any], *, membership: bool = False) -> dict[str, Any]:
        data = {**space, "memberCount": self._member_counts.get(space["id"], 1)}
        if membership:
            role = self._roles[space["id"]]
            data["membership"] = {
                "userId": self.user["id"],
                "role": role,
                "permissions": [{"action": a, "subject": s} for a, s in PERMISSIONS[role]],
            }
        return data

    def _list_spaces(self, payload: Any, **_: Any) -> Any:
        query, limit, cursor, _before = self._pagination(payload)
        rows = [
            s
            for s in self._spaces.values()
            if s["id"] in self._roles
            and (not query or query.lower() in (s["name"] + s["description"]).lower())
        ]
        rows.sort(key=lambda s: (s["name"], s["id"]))
        page, meta = self._cursor_page(rows, limit, cursor, ("name", "id"), descending=False)
        items = []
        for space in page:
            data = self._space_out(space)
            data["membership"] = {"userId": self.user["id"], "role": self._roles[space["id"]]}
            items.append(data)
        return {"items": items, "meta": meta}

    def _space_info(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("spaceId", _is_string, _not_empty, required=True)
        ref = check.done()["spaceId"]
        space = self._find_space(ref)
        if space is None:
            raise _not_found("Space not found")
        self._role_in(space["id"])
        return self._space_out(space, membership=True)

    def _create_space(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("name", _length(2, 100), required=True, transform=str.strip)
        check.field("slug", _length(2, 100), _matches(SLUG_RE), required=True)
        check.field("description", _is_string, _length(0, 500))
        fields = check.done()
        if self.workspace_role not in ("admin", "owner"):
            raise FakeError(403)
        if self._slug_taken(fields["slug"]):
            raise FakeError(400, "Space slug exists. Please use a unique space slug")
        space = self._insert_space(
            fields["name"], fields["slug"], fields.get("description") or "", role="admin"
        )
        return self._space_out(space)

    def _update_space(self, payload: Any, **_: Any) -> Any:
        check = _Validator(payload)
        check.field("spaceId", _is_uuid, required=True)
        check.field("name", _length(2, 100), transform=str.strip)
        check.field("slug", _length(2, 100), _matches(SLUG_RE))
        check.field("description", _is_string, _length(0, 500))
        fields = check.done()
        space = self._spaces.get(fields["spaceId"].lower())
        if space is None:
            raise _not_found("Space permissions not found")
        self._require(space["id"], "admin")
        # Docmost checks the slug against every space, this one included (CONTRACT errata).
        if fields.get("slug") is not None and self._slug_taken(fields["slug"]):
            raise FakeError(400, "Space slug exists. Please use a unique space slug")
        for key in ("name", "slug", "description"):
            if fields.get(key) is not None:
                space[key] = fields[key]
        space["updatedAt"] = self._stamp()
        return self._space_out(space)
