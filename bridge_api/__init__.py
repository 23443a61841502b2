"""HTTP surface of the bridge: error envelope, middleware, health, OpenAPI, rate limits."""
