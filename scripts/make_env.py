"""Write a .env for local use with freshly generated secrets (used by `make env`).

Usage: python3 scripts/make_env.py [PATH]   (default: .env beside this script's parent)

The file holds secrets, so it is created with mode 0600 from the start (os.open with O_EXCL:
never readable by others, not even for an instant, and an existing file is never overwritten).
Standard library only: it runs before the virtualenv exists.
"""

import os
import secrets
import sys
from pathlib import Path

TEMPLATE = """# Written by `make env`. Every setting is documented in .env.example.
DEBUG=false
SECRET_KEY={secret_key}
TOKEN_PEPPER={token_pepper}
# Each Baserow webhook sends this secret in X-Bridge-Webhook-Secret; without one every delivery
# is refused (401). `manage.py baserow_webhooks` puts it into the webhooks it registers.
BASEROW_WEBHOOK_SECRETS={webhook_secret}
# Leave these unset for the embedded defaults (SQLite, in-process cache, inline tasks):
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/bridge
# REDIS_URL=redis://127.0.0.1:6379/0
# CELERY_BROKER_URL=redis://127.0.0.1:6379/1
"""


def env_text() -> str:
    """A fresh .env: 400-bit signing key, 256-bit pepper and webhook secret (URL-safe text,
    so the secret is a legal HTTP header value for Baserow)."""
    return TEMPLATE.format(
        secret_key=secrets.token_urlsafe(50),
        token_pepper=secrets.token_urlsafe(32),
        webhook_secret=secrets.token_urlsafe(32),
    )


def write_env(path: Path) -> bool:
    """Create `path` with mode 0600; False (and nothing written) when it already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(env_text())
    return True


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / ".env"
    if write_env(path):
        print(
            f"wrote {path} (mode 0600) with generated SECRET_KEY, TOKEN_PEPPER and "
            "BASEROW_WEBHOOK_SECRETS"
        )
    else:
        print(f"{path} already exists; not overwriting")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
