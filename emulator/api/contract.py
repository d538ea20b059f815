"""The contract, served: ``openapi.yaml`` and Swagger UI over it (control plane, not RingCentral's)."""

from __future__ import annotations

from fastapi.openapi.docs import get_swagger_ui_html
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.routing import route
from emulator.bundled import bundled_openapi_file

OPENAPI_PATH = "/__emulator/openapi.yaml"


async def openapi_document(request: Request) -> Response:
    """The file as shipped, byte for byte (read per request: it is small and this is not hot)."""
    return Response(bundled_openapi_file().read_bytes(), media_type="application/yaml")


async def swagger_ui(request: Request) -> Response:
    return get_swagger_ui_html(openapi_url=OPENAPI_PATH, title="ringout-emulator: API")


routes = [
    route("GET", "/openapi.yaml", openapi_document, "emulatorOpenApi"),
    route("GET", "/docs", swagger_ui, "emulatorDocs"),
]
