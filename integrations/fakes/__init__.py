"""In-process doubles of Baserow and Docmost, built from their contracts.

Imported lazily, only by demo mode (no BASEROW_URL / DOCMOST_URL) and the tests.
"""
