"""Print a .env for local use with freshly generated secrets (used by `make env`)."""

import secrets

print(f"""# Written by `make env`. Every setting is documented in .env.example.
DEBUG=false
SECRET_KEY={secrets.token_urlsafe(50)}
TOKEN_PEPPER={secrets.token_urlsafe(32)}
# Leave these unset for the embedded defaults (SQLite, in-process cache, inline tasks):
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/bridge
# REDIS_URL=redis://127.0.0.1:6379/0
# CELERY_BROKER_URL=redis://127.0.0.1:6379/1
""")
