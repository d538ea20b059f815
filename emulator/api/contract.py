"""The contract, served: ``openapi.yaml``, Swagger UI over it (its script, style and icon served
from the package, so the page works offline), and the landing page at ``/`` that points to them.
All of it is the emulator's own, not RingCentral's API.

``routes`` sit under the control plane (paths relative to ``/__emulator``); ``root_routes`` at the
top (``GET /``)."""

from __future__ import annotations

import html
from typing import Any

from fastapi.openapi.docs import get_swagger_ui_html, swagger_ui_default_parameters
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from emulator import __version__
from emulator.api.inputs import header
from emulator.api.responses import json_response
from emulator.api.routing import route
from emulator.bundled import bundled_openapi_file, swagger_ui_dir
from emulator.core.errors import ResourceNotFound

CONTROL = "/__emulator"
OPENAPI_PATH = f"{CONTROL}/openapi.yaml"
DOCS_PATH = f"{CONTROL}/docs"
ASSETS_PATH = f"{DOCS_PATH}/assets"
RINGOUT_PATH = "/restapi/v1.0/account/~/extension/~/ring-out"

# The vendored Swagger UI files that are served (emulator/static/swagger-ui/VENDORED.md), with
# their content types: set here, not guessed from the host's mime.types.
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
# No online validator badge: it would call validator.swagger.io.
SWAGGER_UI_PARAMETERS = {**swagger_ui_default_parameters, "validatorUrl": None}


async def openapi_document(request: Request) -> Response:
    """The file as shipped, byte for byte (read per request: it is small and this is not hot)."""
    return Response(bundled_openapi_file().read_bytes(), media_type="application/yaml")


async def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=OPENAPI_PATH,
        title="ringout-emulator: API",
        swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PATH}/favicon-32x32.png",
        swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
    )


async def docs_asset(request: Request) -> Response:
    name = request.path_params["asset"]
    if name not in ASSETS:
        raise ResourceNotFound("asset")
    return FileResponse(swagger_ui_dir() / name, media_type=ASSETS[name], headers={"Cache-Control": "max-age=3600"})


def landing_links() -> dict[str, str]:
    return {
        "name": "ringout-emulator",
        "version": __version__,
        "docs": DOCS_PATH,
        "dashboard": f"{CONTROL}/ui",
        "openapi": OPENAPI_PATH,
        "health": f"{CONTROL}/health",
        "ready": f"{CONTROL}/ready",
        "ringOut": RINGOUT_PATH,
    }


def wants_json(request: Request) -> bool:
    """JSON when the client asks for it and not for HTML (a browser asks for HTML; curl for ``*/*``)."""
    accept = header(request.scope, b"accept") or ""
    return "application/json" in accept and "text/html" not in accept


LANDING_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ringout-emulator {version}</title>
<link rel="icon" href="{icon}">
</head>
<body>
<h1>ringout-emulator {version}</h1>
<p>A local emulator of RingCentral's RingOut API, for tests and CI. It is not RingCentral.</p>
<ul>
<li>Dashboard: <a href="{dashboard}">{dashboard}</a> (calls, clock, scenarios, journal: live)</li>
<li>API docs: <a href="{docs}">{docs}</a> (Swagger UI over <a href="{openapi}">{openapi}</a>)</li>
<li>Health: <a href="{health}">{health}</a>, readiness: <a href="{ready}">{ready}</a></li>
<li>RingOut: <code>POST {ringOut}</code>, then <code>GET</code> or <code>DELETE {ringOut}/&lt;id&gt;</code></li>
</ul>
</body>
</html>
"""


async def landing(request: Request) -> Response:
    """What this server is and where to go next; JSON for ``Accept: application/json``."""
    links = landing_links()
    headers = {"Vary": "Accept"}
    if wants_json(request):
        return json_response(links, headers=headers)
    escaped: dict[str, Any] = {key: html.escape(value) for key, value in links.items()}
    return HTMLResponse(LANDING_HTML.format(icon=f"{ASSETS_PATH}/favicon-32x32.png", **escaped), headers=headers)


routes = [
    route("GET", "/openapi.yaml", openapi_document, "emulatorOpenApi"),
    route("GET", "/docs", swagger_ui, "emulatorDocs"),
    route("GET", "/docs/assets/{asset}", docs_asset, "emulatorDocsAsset"),
]

root_routes = [route("GET", "/", landing, "emulatorLanding")]
