"""Entity tags for answers that can be revalidated (reports, cards): one reading of
`If-None-Match` for every door."""

import hashlib


def etag_of(content: str | bytes) -> str:
    """A strong ETag for this content: `"<32 hex digits of its sha256>"`."""
    data = content.encode() if isinstance(content, str) else content
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an `If-None-Match` header names `etag` (weak or strong, in a list) or is `*`."""
    if not if_none_match:
        return False
    candidates = {part.strip().removeprefix("W/") for part in if_none_match.split(",")}
    return etag in candidates or "*" in candidates
