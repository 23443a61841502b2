"""Read operations of the API. Each returns JSON-ready data; views (and later MCP tools) call them.

Upstream cost is constant per operation: one Baserow request per table involved, related rows
fetched with a filter on the parents' ids. The costs are stated on each function and asserted
by the tests.
"""
