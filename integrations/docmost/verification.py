"""Checking that Docmost applied a content write: the text that must survive its Markdown →
editor → Markdown round trip, compared with markers, escapes and whitespace normalised."""

import re


def verification_lines(markdown: str) -> list[str]:
    """The text of every non-empty line, without its Markdown markers: what must survive
    Docmost's Markdown → editor → Markdown round trip. Every line is checked, not only the
    first, so an update that changed a single line is verified too."""
    lines = []
    for line in markdown.splitlines():
        text = _plain(line)
        if text and set(text) - set("-=|:"):  # skip rules and table separators
            lines.append(text)
    return lines


def verification_text(markdown: str) -> str | None:
    """The first line `verification_lines` would check (None for empty content)."""
    lines = verification_lines(markdown)
    return lines[0] if lines else None


_BLOCK_MARKER = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-*+](?=\s|$)|\d+[.)](?=\s)|\[[ xX]\])\s*")
_INLINE_MARKERS = re.compile(r"[*_`~\\]+")


def _plain(line: str) -> str:
    text = line.strip()
    while True:  # nested markers: "> > quote", "- [x] task"
        stripped = _BLOCK_MARKER.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return " ".join(_INLINE_MARKERS.sub("", text).split())


def normalised_text(text: str) -> str:
    # Docmost re-renders Markdown: markers, escapes and whitespace may differ line by line.
    return " ".join(_plain(line) for line in text.splitlines())
