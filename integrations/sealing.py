"""Sealing small secrets kept in a shared cache (the Docmost session token), under SECRET_KEY.

Anyone who can read Redis must not be able to reuse what the bridge parks there. A sealed value
is encrypted and authenticated (Fernet, from `cryptography`: AES-128-CBC with HMAC-SHA256) under
a key derived from SECRET_KEY for one purpose (HKDF-SHA256). A value sealed for another purpose,
tampered with, or sealed under a retired key does not open, and the caller treats it as absent.
Values sealed under one of SECRET_KEY_FALLBACKS still open, so SECRET_KEY can be rotated.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _fernet(*, secret: str, purpose: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"bridge.sealing.v2:{purpose}".encode(),
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _keyring(purpose: str) -> MultiFernet:
    """The current key first (it seals), then the fallbacks (they only open)."""
    secrets = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    return MultiFernet([_fernet(secret=secret, purpose=purpose) for secret in secrets])


def seal(plaintext: str, *, purpose: str) -> str:
    """`plaintext` encrypted and authenticated for `purpose`, as URL-safe text."""
    return _keyring(purpose).encrypt(plaintext.encode()).decode("ascii")


def unseal(sealed: str, *, purpose: str) -> str | None:
    """The plaintext, or None when `sealed` was not sealed by `seal` for `purpose` under
    SECRET_KEY (or one of SECRET_KEY_FALLBACKS), or was altered."""
    try:
        return _keyring(purpose).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError, TypeError):
        return None
