"""The Docmost HTTP client: the only code that talks to Docmost.

Thin typed calls, one per Docmost endpoint the bridge uses (spaces, pages, shares), over
`DocmostTransport` (one session, retries of transient failures only, the login shared through a
`TokenStore`: `integrations/docmost/transport.py`). Content writes are read back and checked
(`integrations/docmost/verification.py`), because Docmost can answer 200 to a content update it
did not apply. What it raises is in `integrations/docmost/errors.py`, importable from here too.
"""

from collections.abc import Iterator
from typing import Any

from integrations.docmost.errors import (
    DocmostAuthError,
    DocmostError,
    DocmostNotFound,
    DocmostRequestError,
    DocmostUnavailable,
    DocmostVerificationError,
)
from integrations.docmost.transport import DocmostTransport, TokenStore
from integrations.docmost.verification import normalised_text, verification_lines, verification_text

__all__ = [
    "CONTENT_FORMATS",
    "PAGE_LIMIT_MAX",
    "DocmostAuthError",
    "DocmostClient",
    "DocmostError",
    "DocmostNotFound",
    "DocmostRequestError",
    "DocmostUnavailable",
    "DocmostVerificationError",
    "TokenStore",
    "verification_lines",
    "verification_text",
]

PAGE_LIMIT_MAX = 100
CONTENT_FORMATS = ("json", "markdown", "html")


class DocmostClient(DocmostTransport):
    """Docmost's JSON API, one method per endpoint the bridge uses."""

    # -- account and spaces ----------------------------------------------------------------------

    def check(self) -> dict[str, Any]:
        """`{user, workspace}` of the service account; raises unless Docmost accepts it."""
        return self._object("/api/users/me", {})

    def create_space(self, *, name: str, slug: str, description: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {"name": name, "slug": slug}
        if description:
            body["description"] = description
        return self._object("/api/spaces/create", body)

    def get_space(self, space_id: str) -> dict[str, Any]:
        """The space (UUID or slug), with `memberCount` and the service user's `membership`."""
        return self._object("/api/spaces/info", {"spaceId": space_id})

    def update_space(
        self, *, space_id: str, name: str | None = None, description: str | None = None
    ) -> dict[str, Any]:
        """Renames or re-describes a space. The slug is never sent: Docmost refuses a space's own
        current slug as "already taken" (CONTRACT errata)."""
        body: dict[str, Any] = {"spaceId": space_id}
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        if len(body) == 1:
            raise ValueError("update_space needs a name or a description")
        return self._object("/api/spaces/update", body)

    # -- pages -----------------------------------------------------------------------------------

    def create_page(
        self,
        *,
        space_id: str,
        title: str,
        markdown: str | None = None,
        parent_page_id: str | None = None,
        icon: str | None = None,
    ) -> dict[str, Any]:
        """The new page (base columns + `permissions`, no content), placed last among siblings.

        With `markdown`, the page is read back and checked (DocmostVerificationError if the title
        or the content did not take; the page then exists: see the error's `page_id`)."""
        body: dict[str, Any] = {"spaceId": space_id, "title": title}
        if parent_page_id is not None:
            body["parentPageId"] = parent_page_id
        if icon is not None:
            body["icon"] = icon
        if markdown is not None:
            body |= {"content": markdown, "format": "markdown"}
        page = self._object("/api/pages/create", body)
        if markdown is not None:
            self._verify(_page_id(page, "pages.create"), title=title, markdown=markdown)
        return page

    def update_page(
        self,
        *,
        page_id: str,
        title: str | None = None,
        icon: str | None = None,
        markdown: str | None = None,
    ) -> dict[str, Any]:
        """Sets what is given; `markdown` replaces the whole body. Title and content are read back
        and checked (DocmostVerificationError when Docmost answered 200 without applying them)."""
        body: dict[str, Any] = {"pageId": page_id}
        if title is not None:
            body["title"] = title
        if icon is not None:
            body["icon"] = icon
        if markdown is not None:
            # All three or Docmost silently ignores the content (CONTRACT §3.2).
            body |= {"content": markdown, "format": "markdown", "operation": "replace"}
        if len(body) == 1:
            raise ValueError("update_page needs a title, an icon or markdown")
        page = self._object("/api/pages/update", body)
        if title is not None or markdown is not None:
            self._verify(page.get("id") or page_id, title=title, markdown=markdown)
        return page

    def get_page(self, page_id: str, *, format: str = "markdown") -> dict[str, Any]:
        """The page (UUID or slugId) with `content` in `format`; trashed pages have `deletedAt`."""
        if format not in CONTENT_FORMATS:
            raise ValueError(f"format must be one of {', '.join(CONTENT_FORMATS)}")
        return self._object("/api/pages/info", {"pageId": page_id, "format": format})

    def iter_recent_pages(
        self, *, space_id: str | None = None, limit: int = PAGE_LIMIT_MAX
    ) -> Iterator[dict[str, Any]]:
        """Live pages, most recently updated first (then id desc), fetched as consumed.

        Without `space_id`: every space the service user belongs to."""
        body: dict[str, Any] = {"limit": _checked_limit(limit)}
        if space_id is not None:
            body["spaceId"] = space_id
        return self._paginate("/api/pages/recent", body)

    def iter_sidebar_pages(
        self, *, space_id: str | None = None, page_id: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """One tree level in position order: the roots of a space, or the children of a page."""
        if (space_id is None) == (page_id is None):
            raise ValueError("iter_sidebar_pages needs exactly one of space_id and page_id")
        body: dict[str, Any] = {"limit": PAGE_LIMIT_MAX}
        if space_id is not None:
            body["spaceId"] = space_id
        else:
            body["pageId"] = page_id
        return self._paginate("/api/pages/sidebar-pages", body)

    # -- shares ----------------------------------------------------------------------------------

    def create_share(self, *, page_id: str, include_sub_pages: bool = False) -> dict[str, Any]:
        """The page's public share; Docmost returns the existing one unchanged if there is one."""
        return self._object(
            "/api/shares/create", {"pageId": page_id, "includeSubPages": include_sub_pages}
        )

    # -- verification ----------------------------------------------------------------------------

    def _verify(self, page_id: str, *, title: str | None, markdown: str | None) -> None:
        page = self.get_page(page_id, format="markdown")
        problems = []
        if title is not None and page.get("title") != title:
            problems.append(f"title is {page.get('title')!r}, not {title!r}")
        content = page.get("content")
        stored = normalised_text(content if isinstance(content, str) else "")
        for expected in verification_lines(markdown or ""):
            if normalised_text(expected) not in stored:
                problems.append(f"content lacks {expected[:60]!r}")
                break
        if problems:
            raise DocmostVerificationError(
                f"Docmost did not apply the write to page {page_id}: {'; '.join(problems)}.",
                page_id=page_id,
                detail={"title": page.get("title"), "updatedAt": page.get("updatedAt")},
            )


def _page_id(page: dict[str, Any], endpoint: str) -> str:
    page_id = page.get("id")
    if not isinstance(page_id, str) or not page_id:
        raise DocmostUnavailable(f"Docmost answered {endpoint} without a page id.", detail=page)
    return page_id


def _checked_limit(limit: int) -> int:
    if isinstance(limit, bool) or not 1 <= limit <= PAGE_LIMIT_MAX:
        raise ValueError(f"limit must be within 1..{PAGE_LIMIT_MAX}")
    return limit
