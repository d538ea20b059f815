"""HTTP layer: thin FastAPI routers, request schemas, and the one error serialiser."""
