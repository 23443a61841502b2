"""Baserow webhooks and Docmost sync (webhook inbox, sync jobs, echo ledger)."""
