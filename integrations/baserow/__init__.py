"""Baserow: HTTP client, schema mapping, bootstrap, and an in-process fake (tests and demo)."""
