"""Serializers of the REST API: `read` (responses of the read API), `write` (bodies and answers
of the Baserow writes), `docmost` (the Docmost writes), `common` (what they share)."""
