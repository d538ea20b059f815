"""The contract, served: ``openapi.yaml`` and Swagger UI over it (control plane, not RingCentral's)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse, Response

from emulator.bundled import bundled_openapi_file

OPENAPI_PATH = "/__emulator/openapi.yaml"

router = APIRouter(prefix="/__emulator", tags=["Emulator control plane"])


@router.get("/openapi.yaml", operation_id="emulatorOpenApi")
async def openapi_document() -> Response:
    """The file as shipped, byte for byte (read per request: it is small and this is not hot)."""
    return Response(bundled_openapi_file().read_bytes(), media_type="application/yaml")


@router.get("/docs", operation_id="emulatorDocs")
async def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=OPENAPI_PATH, title="ringout-emulator: API")
