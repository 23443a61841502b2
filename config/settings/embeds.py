"""Live cards framed in Docmost pages (`embeds/`): where browsers load Docmost from, the base of
minted card URLs, and the keys that sign them."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env

# The origin(s) people's browsers load Docmost from, comma-separated: the only pages allowed to
# frame a card (CSP frame-ancestors). Defaults to DOCMOST_URL.
DOCMOST_PUBLIC_URL = env.list("DOCMOST_PUBLIC_URL", default=[])
# The base of minted card URLs is BRIDGE_PUBLIC_URL (config/settings/sync.py), the bridge's
# public address; unset, `make run`'s http://127.0.0.1:8000.

# Keys signing card URLs, `key_id:secret` comma-separated, the first signing new URLs and every
# one verifying: add a key in front to rotate, remove one to retire every URL it signed.
# Without it, one key derived from SECRET_KEY (key id `s`).
_keys = env.list("CARD_SIGNING_KEYS", default=[])
CARD_SIGNING_KEYS: dict[str, str] = {}
for _entry in _keys:
    _kid, _, _secret = _entry.partition(":")
    if not _kid or not _kid.isalnum() or len(_secret) < 32:
        raise ImproperlyConfigured(
            "CARD_SIGNING_KEYS: each entry is `key_id:secret`, an alphanumeric key id and a "
            "secret of at least 32 characters (e.g. `k2:$(openssl rand -hex 32)`)."
        )
    CARD_SIGNING_KEYS[_kid] = _secret
# Minted URLs expire after this many seconds unless asked otherwise (0: never).
CARD_URL_DEFAULT_TTL = env.int("CARD_URL_DEFAULT_TTL", default=0)
