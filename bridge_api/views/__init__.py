"""REST views, one module per area; each view is one operation over a hub/ function."""
