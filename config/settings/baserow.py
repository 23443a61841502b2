"""Baserow connection. Without BASEROW_URL the bridge runs against an in-process demo Baserow."""

from config.env import env

BASEROW_URL = env.str("BASEROW_URL", default="")
# Database token (Baserow: Settings → Database tokens) with read, create, update and delete.
BASEROW_DATABASE_TOKEN = env.str("BASEROW_DATABASE_TOKEN", default="")
# A Baserow user for the endpoints that only accept a JWT (schema bootstrap, webhook checks).
BASEROW_EMAIL = env.str("BASEROW_EMAIL", default="")
BASEROW_PASSWORD = env.str("BASEROW_PASSWORD", default="")
# Database (application) id where `baserow_bootstrap` creates the tables.
BASEROW_DATABASE_ID = env.int("BASEROW_DATABASE_ID", default=0)
# The mapping printed by `baserow_bootstrap`: a JSON or YAML file, or inline JSON.
BASEROW_SCHEMA_FILE = env.str("BASEROW_SCHEMA_FILE", default="")
BASEROW_SCHEMA = env.str("BASEROW_SCHEMA", default="")
BASEROW_CONNECT_TIMEOUT = env.float("BASEROW_CONNECT_TIMEOUT", default=3.05)
BASEROW_READ_TIMEOUT = env.float("BASEROW_READ_TIMEOUT", default=15.0)
BASEROW_MAX_RETRIES = env.int("BASEROW_MAX_RETRIES", default=3)
# Demo mode only: how many personnes the in-process Baserow is seeded with (at least 30).
BASEROW_DEMO_PERSONNES = env.int("BASEROW_DEMO_PERSONNES", default=30)
# Seconds the field metadata (select option ids) of a table is reused.
BASEROW_FIELDS_CACHE_SECONDS = env.int("BASEROW_FIELDS_CACHE_SECONDS", default=600)
