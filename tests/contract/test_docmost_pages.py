"""Docmost: spaces, pages in each format, what `update` returns, recent and its cursors,
trash and restore, shares, and the error bodies (CONTRACT §2–§4, §7.4, §7.5, errata 1–3, 5–7)."""

from typing import Any

import pytest

from integrations.docmost.client import DocmostNotFound, DocmostRequestError
from tests.contract.targets import DocmostTarget

EMBED: dict[str, Any] = {
    "type": "embed",
    "attrs": {
        "src": "https://bridge.example.org/cards/x",
        "provider": "iframe",
        "align": "center",
        "width": 640,
        "height": 260,
    },
}


def _call(target: DocmostTarget, path: str, body: Any) -> Any:
    response = target.post(path, body, token=target.token())
    assert response.status_code == 200, response.text
    return response.json().get("data")


def _error(target: DocmostTarget, path: str, body: Any) -> tuple[int, Any]:
    response = target.post(path, body, token=target.token())
    return response.status_code, response.json()


def test_a_space_is_created_and_read_with_the_membership(docmost_target: DocmostTarget) -> None:
    space = docmost_target.space()
    assert {"id", "name", "slug", "description", "createdAt", "memberCount"} <= space.keys()
    info = docmost_target.client.get_space(space["slug"].upper())  # slugs: case-insensitive
    assert info["id"] == space["id"]
    assert info["membership"]["role"] == "admin"
    assert {"action": "manage", "subject": "page"} in info["membership"]["permissions"]


def test_a_taken_slug_is_a_400(docmost_target: DocmostTarget) -> None:
    space = docmost_target.space()
    status, body = _error(
        docmost_target, "/api/spaces/create", {"name": "Again", "slug": space["slug"]}
    )
    assert (status, body["message"]) == (400, "Space slug exists. Please use a unique space slug")


def test_an_unknown_space_is_a_404_space_not_found(docmost_target: DocmostTarget) -> None:
    with pytest.raises(DocmostNotFound) as caught:
        docmost_target.client.get_space("0190e7a4-0000-7000-8000-000000000000")
    assert caught.value.messages == ["Space not found"]
    status, body = _error(
        docmost_target,
        "/api/pages/create",
        {"spaceId": "0190e7a4-0000-7000-8000-000000000000", "title": "x"},
    )
    assert (status, body["message"]) == (404, "Space permissions not found")


def test_a_page_in_markdown_reads_in_each_format(docmost_target: DocmostTarget) -> None:
    space = docmost_target.space()
    page = docmost_target.client.create_page(
        space_id=space["id"], title="Projet", markdown="# Titre\n\nUn paragraphe."
    )
    assert "content" not in page
    assert page["permissions"]["canEdit"] is True
    assert {"id", "slugId", "title", "position", "spaceId", "createdAt", "updatedAt"} <= page.keys()
    markdown = docmost_target.client.get_page(page["id"], format="markdown")
    assert markdown["content"].rstrip("\n") == "# Titre\n\nUn paragraphe."
    assert not markdown["content"].endswith("\n")
    doc = docmost_target.client.get_page(page["slugId"], format="json")["content"]
    assert (doc["type"], doc["attrs"]) == ("doc", {"dir": "auto"})
    heading, paragraph = doc["content"]
    assert (heading["type"], paragraph["type"]) == ("heading", "paragraph")
    assert set(heading["attrs"]) == {"id", "dir", "level", "indent", "textAlign"}
    assert set(paragraph["attrs"]) == {"id", "dir", "indent", "textAlign"}
    assert (heading["attrs"]["dir"], heading["attrs"]["level"]) == ("auto", 1)
    html = docmost_target.client.get_page(page["id"], format="html")["content"]
    assert "<h1" in html
    assert "Un paragraphe." in html
    info = docmost_target.client.get_page(page["id"])
    assert info["deletedAt"] is None
    assert "deletedBy" in info


def test_docmost_adds_dir_and_indent_to_json_and_keeps_an_embed(
    docmost_target: DocmostTarget,
) -> None:
    space = docmost_target.space()
    page = docmost_target.client.create_page(space_id=space["id"], title="Embed")
    sent = {
        "type": "doc",
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Carte"}]},
            EMBED,
        ],
    }
    _call(
        docmost_target,
        "/api/pages/update",
        {"pageId": page["id"], "content": sent, "format": "json", "operation": "replace"},
    )
    doc = docmost_target.client.get_page(page["id"], format="json")["content"]
    paragraph, embed = doc["content"]
    assert paragraph["attrs"] == {"dir": "auto", "indent": 0}  # not stored byte for byte
    assert paragraph["attrs"]["indent"] == 0
    assert paragraph["content"] == [{"type": "text", "text": "Carte"}]
    assert embed == {"type": "embed", "attrs": {"dir": "auto", **EMBED["attrs"]}}


def test_update_returns_the_content_in_the_requests_format(docmost_target: DocmostTarget) -> None:
    space = docmost_target.space()
    page = docmost_target.client.create_page(space_id=space["id"], title="Avant")
    updated = _call(
        docmost_target,
        "/api/pages/update",
        {
            "pageId": page["id"],
            "title": "Après",
            "content": "Corps **gras**.",
            "format": "markdown",
            "operation": "replace",
        },
    )
    assert updated["title"] == "Après"
    assert isinstance(updated["content"], str)
    assert "Corps" in updated["content"]
    assert "deletedBy" not in updated
    assert updated["updatedAt"] > page["updatedAt"]


def test_update_with_content_but_no_format_is_a_400(docmost_target: DocmostTarget) -> None:
    space = docmost_target.space()
    page = docmost_target.client.create_page(space_id=space["id"], title="P")
    status, body = _error(
        docmost_target,
        "/api/pages/update",
        {"pageId": page["id"], "content": "x", "operation": "replace"},
    )
    assert status == 400
    assert body["message"] == ["format must be one of the following values: json, markdown, html"]


def test_recent_is_newest_first_with_cursors(docmost_target: DocmostTarget) -> None:
    space = docmost_target.space()
    made = [
        docmost_target.client.create_page(space_id=space["id"], title=f"R{i}") for i in range(3)
    ]
    first = _call(docmost_target, "/api/pages/recent", {"spaceId": space["id"], "limit": 2})
    assert [p["title"] for p in first["items"]] == ["R2", "R1"]
    assert first["meta"]["hasNextPage"] is True
    assert first["meta"]["hasPrevPage"] is False
    assert first["meta"]["limit"] == 2
    second = _call(
        docmost_target,
        "/api/pages/recent",
        {"spaceId": space["id"], "limit": 2, "cursor": first["meta"]["nextCursor"]},
    )
    assert [p["title"] for p in second["items"]] == ["R0"]
    assert second["meta"]["hasNextPage"] is False
    assert second["meta"]["nextCursor"] is None
    titles = [p["title"] for p in docmost_target.client.iter_recent_pages(space_id=space["id"])]
    assert titles == ["R2", "R1", "R0"]
    assert {"space"} <= first["items"][0].keys()
    assert len(made) == 3


def test_a_trashed_page_leaves_recent_and_comes_back_on_restore(
    docmost_target: DocmostTarget,
) -> None:
    space = docmost_target.space()
    parent = docmost_target.client.create_page(space_id=space["id"], title="Parent")
    child = docmost_target.client.create_page(
        space_id=space["id"], title="Enfant", parent_page_id=parent["id"]
    )
    assert _call(docmost_target, "/api/pages/delete", {"pageId": parent["id"]}) is None
    trashed = docmost_target.client.get_page(child["id"])
    assert trashed["deletedAt"] is not None  # the subtree goes too
    assert list(docmost_target.client.iter_recent_pages(space_id=space["id"])) == []
    restored = _call(docmost_target, "/api/pages/restore", {"pageId": parent["id"]})
    assert restored["id"] == parent["id"]
    assert docmost_target.client.get_page(child["id"])["deletedAt"] is None


def test_a_share_is_created_once(docmost_target: DocmostTarget) -> None:
    space = docmost_target.space()
    page = docmost_target.client.create_page(space_id=space["id"], title="Partagée")
    share = docmost_target.client.create_share(page_id=page["id"])
    assert {"id", "key", "pageId", "includeSubPages", "spaceId"} <= share.keys()
    assert share["pageId"] == page["id"]
    assert docmost_target.client.create_share(page_id=page["id"])["id"] == share["id"]


def test_an_unknown_page_is_a_404(docmost_target: DocmostTarget) -> None:
    with pytest.raises(DocmostNotFound) as caught:
        docmost_target.client.get_page("0190e7a4-0000-7000-8000-000000000000")
    assert caught.value.detail == {
        "message": "Page not found",
        "error": "Not Found",
        "statusCode": 404,
    }


def test_validation_errors_are_a_message_list(docmost_target: DocmostTarget) -> None:
    status, body = _error(docmost_target, "/api/pages/create", {"title": 5})
    assert status == 400
    assert body["error"] == "Bad Request"
    assert isinstance(body["message"], list)
    assert "spaceId must be a UUID" in body["message"]
    status, body = _error(docmost_target, "/api/pages/recent", {"limit": "20"})
    assert (status, body["message"]) == (400, ["limit must not be greater than 100"])


def test_an_empty_json_body_is_a_400_without_an_error_key(docmost_target: DocmostTarget) -> None:
    response = docmost_target.post("/api/pages/info", token=docmost_target.token(), data=b"")
    assert (response.status_code, response.json()) == (
        400,
        {
            "statusCode": 400,
            "message": "Body cannot be empty when content-type is set to 'application/json'",
        },
    )


def test_the_client_reads_docmost_errors(docmost_target: DocmostTarget) -> None:
    with pytest.raises(DocmostRequestError) as caught:
        docmost_target.client.create_space(name="x", slug="-bad-")
    assert caught.value.status == 400
    assert caught.value.messages
