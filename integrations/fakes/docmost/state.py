"""What the fake Docmost holds (the workspace, its users, spaces, roles, pages, contents and
shares), its clock, the inserts and lookups every resource uses, and `snapshot`/`restore`."""

import copy
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from integrations.fakes.docmost.models import (
    ROLES,
    UUID_RE,
    Call,
    FakeError,
    _nanoid,
    _not_found,
    _position,
    _uuid7,
)


class DocmostState:
    """The stored data and settings; the resource mixins work on it."""

    def __init__(
        self,
        *,
        base_url: str = "http://docmost.test",
        email: str = "bridge@example.org",
        password: str = "fake-docmost-password",  # noqa: S107 - a fake, not a secret
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.email = email
        self.password = password
        self.calls: list[Call] = []
        self.logins = 0  # successful logins (tokens issued)
        self.latency = 0.0  # seconds added to every request (concurrency tests)
        self.ignore_content_updates = False  # Docmost with COLLAB_DISABLE_REDIS=true
        self.workspace_role = "admin"  # the service user's workspace role
        self.clock: Callable[[], float] = time.monotonic  # the login throttle's clock
        self._secret = secrets.token_bytes(32)
        self._sessions: dict[str, str] = {}  # token -> session id
        # The login throttle, per client address (the first X-Forwarded-For hop, Docmost trusts
        # the proxy): a window of LOGIN_WINDOW s from the first login, then a block as long.
        self._login_windows: dict[str, tuple[float, int]] = {}  # address -> (window start, hits)
        self._login_blocks: dict[str, float] = {}  # address -> blocked until
        self._client_address = "127.0.0.1"
        self._current_token = ""
        self._failures: list[tuple[int, Any, dict[str, str]]] = []
        self._lock = threading.RLock()
        self._last_now = datetime(2000, 1, 1, tzinfo=UTC)
        self.workspace_id = _uuid7()
        self.user = self._new_user("Bridge Service", email)
        self.other_user = self._new_user("Someone Else", "someone@example.org")
        self._spaces: dict[str, dict[str, Any]] = {}
        self._roles: dict[str, str] = {}  # space id -> the service user's role
        self._member_counts: dict[str, int] = {}
        self._pages: dict[str, dict[str, Any]] = {}
        self._contents: dict[str, tuple[str, Any]] = {}  # page id -> (format, value)
        self._deleted_by: dict[str, str] = {}
        self._next_position: dict[tuple[str, str | None], int] = {}
        self._shares: dict[str, dict[str, Any]] = {}  # page id -> share
        self.general = self._insert_space("General", "general", "", role="admin")

    @property
    def pages(self) -> dict[str, dict[str, Any]]:
        """Every page by id (trashed ones included), live records."""
        return self._pages

    @property
    def spaces(self) -> dict[str, dict[str, Any]]:
        return self._spaces

    def snapshot(self) -> Any:
        """The stored data, to `restore()` later."""
        with self._lock:
            return copy.deepcopy(
                (
                    self._spaces,
                    self._roles,
                    self._member_counts,
                    self._pages,
                    self._contents,
                    self._deleted_by,
                    self._next_position,
                    self._shares,
                )
            )

    def restore(self, state: Any) -> None:
        with self._lock:
            (
                self._spaces,
                self._roles,
                self._member_counts,
                self._pages,
                self._contents,
                self._deleted_by,
                self._next_position,
                self._shares,
            ) = copy.deepcopy(state)
            self.calls.clear()
            self._failures.clear()
            self.latency = 0.0
            self.ignore_content_updates = False

    # -- time, ids, users -------------------------------------------------------------------------

    def _now(self) -> datetime:
        """Strictly increasing, millisecond precision: each write gets its own `updatedAt`."""
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if now <= self._last_now:
            now = self._last_now + timedelta(milliseconds=1)
        self._last_now = now
        return now

    def _stamp(self) -> str:
        now = self._now()
        return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"

    def _new_user(self, name: str, email: str) -> dict[str, Any]:
        return {"id": _uuid7(), "name": name, "email": email, "avatarUrl": None}

    def _user_ref(self, user_id: str | None) -> dict[str, Any] | None:
        for user in (self.user, self.other_user):
            if user["id"] == user_id:
                return {"id": user["id"], "name": user["name"], "avatarUrl": None}
        return None

    # -- inserts and lookups -----------------------------------------------------------------------

    def _insert_space(
        self, name: str, slug: str, description: str, *, role: str | None
    ) -> dict[str, Any]:
        now = self._stamp()
        creator = self.user if role else self.other_user
        space = {
            "id": _uuid7(),
            "name": name,
            "description": description,
            "slug": slug,
            "logo": None,
            "visibility": "private",
            "defaultRole": "writer",
            "creatorId": creator["id"],
            "workspaceId": self.workspace_id,
            "createdAt": now,
            "updatedAt": now,
            "deletedAt": None,
            "settings": None,
            "isPersonal": False,
        }
        self._spaces[space["id"]] = space
        self._member_counts[space["id"]] = 1
        if role:
            self._roles[space["id"]] = role
        return space

    def _find_space(self, ref: str) -> dict[str, Any] | None:
        if UUID_RE.match(ref):
            return self._spaces.get(ref.lower())
        return next((s for s in self._spaces.values() if s["slug"].lower() == ref.lower()), None)

    def _role_in(self, space_id: str) -> str:
        """The service user's role; no role at all is a 404, as in Docmost."""
        role = self._roles.get(space_id)
        if role is None:
            raise _not_found("Space permissions not found")
        return role

    def _require(self, space_id: str, least: str) -> str:
        role = self._role_in(space_id)
        if ROLES.index(role) < ROLES.index(least):
            raise FakeError(403)
        return role

    def _insert_page(
        self,
        space_id: str,
        title: str | None,
        icon: str | None,
        parent_id: str | None,
        content: tuple[str, Any] | None,
        creator: dict[str, Any],
    ) -> dict[str, Any]:
        now = self._stamp()
        slot = (space_id, parent_id)
        index = self._next_position.get(slot, 0)
        self._next_position[slot] = index + 1
        page = {
            "id": _uuid7(),
            "slugId": _nanoid(10),
            "title": title,
            "icon": icon,
            "coverPhoto": None,
            "position": _position(index),
            "parentPageId": parent_id,
            "creatorId": creator["id"],
            "lastUpdatedById": creator["id"],
            "spaceId": space_id,
            "workspaceId": self.workspace_id,
            "isLocked": False,
            "isBase": False,
            "createdAt": now,
            "updatedAt": now,
            "deletedAt": None,
            "contributorIds": [],
        }
        self._pages[page["id"]] = page
        if content is not None:
            self._contents[page["id"]] = content
        return page

    def _find_page(self, ref: Any) -> dict[str, Any] | None:
        if not isinstance(ref, str):
            return None
        if UUID_RE.match(ref):
            return self._pages.get(ref.lower())
        return next((p for p in self._pages.values() if p["slugId"] == ref), None)

    def _page(self, ref: str) -> dict[str, Any]:
        page = self._find_page(ref)
        if page is None:
            raise _not_found("Page not found")
        return page
