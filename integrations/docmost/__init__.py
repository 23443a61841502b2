"""Docmost: HTTP client and an in-process fake (tests and demo)."""
