"""The bridge's domain: typed entities parsed from Baserow rows, rollups, business rules.

Pure code: no I/O, no Django. Tested without a database or network.
"""
