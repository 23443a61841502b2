"""Page content: Markdown, ProseMirror JSON and HTML, converted into one another (deliberately
simple: Markdown blocks ↔ paragraphs and headings, with CommonMark's inline escapes, entities,
links and images), validated and combined (append, prepend, replace)."""

import copy
import html
import re
import string
from typing import Any

from integrations.fakes.docmost.models import FakeError, _nanoid


def _blocks(markdown: str) -> list[str]:
    return [block.strip() for block in re.split(r"\n\s*\n", markdown) if block.strip()]


# Inline Markdown as Docmost's import reads it (CommonMark): a backslash escape is the character
# itself, an entity its character; links, images and raw <img> tags become link marks and
# image nodes. Link destinations may hold balanced parentheses (`javascript:alert(1)`).
_DESTINATION = r"(?:[^()\s]|\([^()\s]*\))*"
_INLINE = re.compile(
    r"\\(?P<escaped>[!-/:-@\[-`{-~])"
    rf"|!\[(?P<alt>[^\]]*)\]\((?P<src>{_DESTINATION})\)"
    rf"|\[(?P<label>[^\]]*)\]\((?P<href>{_DESTINATION})\)"
    r"|(?P<img><img\b[^>]*>)"
    r"|(?P<entity>&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);)"
)
_IMG_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def _inline(text: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    plain: list[str] = []

    def flush() -> None:  # ProseMirror has no empty text nodes
        if "".join(plain):
            nodes.append({"type": "text", "text": "".join(plain)})
        plain.clear()

    position = 0
    for match in _INLINE.finditer(text):
        plain.append(text[position : match.start()])
        position = match.end()
        if match["escaped"] is not None:
            plain.append(match["escaped"])
        elif match["entity"] is not None:
            plain.append(html.unescape(match["entity"]))
        elif match["label"] is not None:
            flush()
            mark = {"type": "link", "attrs": {"href": match["href"]}}
            nodes.append({"type": "text", "text": match["label"], "marks": [mark]})
        else:
            flush()
            if match["img"] is not None:
                found = _IMG_SRC.search(match["img"])
                src, alt = (next(g for g in found.groups() if g is not None) if found else ""), ""
            else:
                src, alt = match["src"], match["alt"]
            nodes.append({"type": "image", "attrs": {"src": src, "alt": alt}})
    plain.append(text[position:])
    flush()
    return nodes


def _markdown_to_json(markdown: str) -> dict[str, Any]:
    nodes = []
    for block in _blocks(markdown):
        heading = re.match(r"(#{1,6})\s+(.*)", block, re.S)
        attrs: dict[str, Any] = {
            "id": _nanoid(12, string.ascii_lowercase),
            "dir": "auto",
            "indent": 0,
        }
        attrs["textAlign"] = None
        if heading:
            text, kind = heading.group(2), "heading"
            attrs["level"] = len(heading.group(1))
        else:
            text, kind = block, "paragraph"
        nodes.append({"type": kind, "attrs": attrs, "content": _inline(text)})
    return {"type": "doc", "attrs": {"dir": "auto"}, "content": nodes}


def _with_defaults(node: Any) -> Any:
    """ProseMirror JSON as Docmost stores it: every node but the doc and text gets `dir: "auto"`,
    paragraphs and headings `indent: 0`, unless given (an `embed` is kept as sent otherwise)."""
    if not isinstance(node, dict):
        return node
    node = dict(node)
    if node.get("type") not in ("doc", "text"):
        attrs = {"dir": "auto", **(node.get("attrs") or {})}
        if node.get("type") in ("paragraph", "heading"):
            attrs.setdefault("indent", 0)
        node["attrs"] = attrs
    if isinstance(node.get("content"), list):
        node["content"] = [_with_defaults(child) for child in node["content"]]
    return node


def _node_text(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    return "".join(_node_text(child) for child in node.get("content") or [])


def _json_to_markdown(doc: dict[str, Any]) -> str:
    blocks = []
    for node in doc.get("content") or []:
        text = _node_text(node)
        if isinstance(node, dict) and node.get("type") == "heading":
            level = (node.get("attrs") or {}).get("level", 1)
            text = "#" * int(level) + " " + text
        blocks.append(text)
    return "\n\n".join(blocks)


def _html_to_markdown(source: str) -> str:
    source = re.sub(r"<h([1-6])[^>]*>", lambda m: "\n\n" + "#" * int(m.group(1)) + " ", source)
    source = re.sub(r"</(p|h[1-6]|div|li|ul|ol)>|<br\s*/?>", "\n\n", source)
    return "\n\n".join(_blocks(html.unescape(re.sub(r"<[^>]+>", "", source))))


def _inline_html(text: str) -> str:
    parts = []
    for node in _inline(text):
        if node["type"] == "image":
            parts.append(f'<img src="{html.escape(node["attrs"]["src"])}">')
        elif node.get("marks"):
            href = html.escape(node["marks"][0]["attrs"]["href"])
            parts.append(f'<a href="{href}">{html.escape(node["text"])}</a>')
        else:
            parts.append(html.escape(node["text"]))
    return "".join(parts)


def _markdown_to_html(markdown: str) -> str:
    parts = []
    for block in _blocks(markdown):
        heading = re.match(r"(#{1,6})\s+(.*)", block, re.S)
        if heading:
            level = len(heading.group(1))
            parts.append(f"<h{level}>{_inline_html(heading.group(2))}</h{level}>")
        else:
            parts.append(f"<p>{_inline_html(block)}</p>")
    return "".join(parts)


def _as_markdown(content: tuple[str, Any]) -> str:
    kind, value = content
    if kind == "json":
        return _json_to_markdown(value)
    if kind == "html":
        return _html_to_markdown(value)
    return str(value)


def _render(content: tuple[str, Any] | None, kind: str) -> Any:
    if content is None:
        return None
    if content[0] == kind:
        return copy.deepcopy(content[1])
    markdown = _as_markdown(content)
    if kind == "markdown":
        return markdown
    return _markdown_to_json(markdown) if kind == "json" else _markdown_to_html(markdown)


def _checked_content(kind: str, value: Any) -> tuple[str, Any]:
    if kind == "json":
        valid = (
            isinstance(value, dict)
            and value.get("type") == "doc"
            and isinstance(value.get("content", []), list)
        )
    else:
        valid = isinstance(value, str)
    if not valid:
        raise FakeError(400, "Invalid content format")
    return kind, _with_defaults(copy.deepcopy(value)) if kind == "json" else value


def _combine(old: tuple[str, Any] | None, new: tuple[str, Any], operation: str) -> tuple[str, Any]:
    if operation == "replace" or old is None:
        return new
    first, second = (old, new) if operation == "append" else (new, old)
    if first[0] == second[0] == "json":
        return "json", {"type": "doc", "content": first[1]["content"] + second[1]["content"]}
    return "markdown", _as_markdown(first).rstrip("\n") + "\n\n" + _as_markdown(second)
