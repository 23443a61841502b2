"""Token format and digests.

A token reads `brg_<key id>_<secret><checksum>`:
- key id: 12 base62 characters, public, used to find the token's row;
- secret: 43 base62 characters (≈256 bits of entropy), never stored;
- checksum: 6 base62 characters of CRC32 over everything before it, so a mistyped or truncated
  token is rejected without touching the database.

Only HMAC-SHA256(pepper, secret) is stored. The pepper comes from settings and can be rotated:
each digest records the id of the pepper it was made with.
"""

import hashlib
import hmac
import re
import secrets
import zlib
from dataclasses import dataclass

from django.conf import settings

PREFIX = "brg_"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
KEY_ID_LENGTH = 12
SECRET_LENGTH = 43
CHECKSUM_LENGTH = 6
TOKEN_LENGTH = len(PREFIX) + KEY_ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH
_TOKEN_RE = re.compile(
    rf"^{PREFIX}([0-9A-Za-z]{{{KEY_ID_LENGTH}}})_([0-9A-Za-z]{{{SECRET_LENGTH}}})"
    rf"([0-9A-Za-z]{{{CHECKSUM_LENGTH}}})$"
)


@dataclass(frozen=True)
class ParsedToken:
    key_id: str
    secret: str


def _random_base62(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, remainder = divmod(number, 62)
        digits.append(ALPHABET[remainder])
    return "".join(reversed(digits)).rjust(width, ALPHABET[0])


def checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode("ascii")), CHECKSUM_LENGTH)


def generate_key_id() -> str:
    return _random_base62(KEY_ID_LENGTH)


def generate_secret() -> str:
    return _random_base62(SECRET_LENGTH)


def compose(key_id: str, secret: str) -> str:
    body = f"{PREFIX}{key_id}_{secret}"
    return body + checksum(body)


def parse(raw: str) -> ParsedToken | None:
    """The token's parts if it is well formed and its checksum matches, else None."""
    if len(raw) != TOKEN_LENGTH:
        return None
    match = _TOKEN_RE.match(raw)
    if match is None:
        return None
    key_id, secret, check = match.groups()
    if not hmac.compare_digest(check, checksum(f"{PREFIX}{key_id}_{secret}")):
        return None
    return ParsedToken(key_id=key_id, secret=secret)


def pepper_id(pepper: str) -> str:
    """A short, non-secret name for a pepper, stored beside each digest."""
    return hashlib.sha256(b"bridge-token-pepper:" + pepper.encode()).hexdigest()[:8]


def current_pepper() -> tuple[str, str]:
    pepper = settings.TOKEN_PEPPER
    return pepper_id(pepper), pepper


def pepper_by_id(identifier: str) -> str | None:
    for pepper in (settings.TOKEN_PEPPER, *settings.TOKEN_PEPPERS_PREVIOUS):
        if pepper_id(pepper) == identifier:
            return pepper
    return None


def digest(secret: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), secret.encode(), hashlib.sha256).hexdigest()
