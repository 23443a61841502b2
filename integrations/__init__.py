"""Clients of the external systems (Baserow, Docmost): one module each, no business logic."""
