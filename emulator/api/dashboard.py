"""``/__emulator/ui``: the dashboard, a plain HTML/CSS/JS page served from the package (no CDN, no
build step). The page and its assets hold no data, so they never need the control token (like
``/docs``); everything the page shows it fetches from the control plane with the token the user
typed in (kept in ``sessionStorage``, sent as ``X-Emulator-Control-Token``), and it hears about
changes from ``/__emulator/events``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from emulator.api.routing import route
from emulator.bundled import dashboard_dir
from emulator.core.errors import ResourceNotFound

UI_PATH = "/__emulator/ui"
# The files served, with their content types (set here, not guessed from the host's mime.types).
ASSETS = {
    "dashboard.js": "text/javascript",
    "dashboard.css": "text/css",
    "icon.svg": "image/svg+xml",
}
# The page loads only its own files and talks only to its own server.
CSP_RULES = (
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
)
CSP = "; ".join(CSP_RULES)
PAGE_HEADERS = {"Content-Security-Policy": CSP, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


async def dashboard(request: Request) -> Response:
    return FileResponse(dashboard_dir() / "index.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


async def dashboard_asset(request: Request) -> Response:
    name = request.path_params["asset"]
    if name not in ASSETS:
        raise ResourceNotFound("asset")
    return FileResponse(dashboard_dir() / name, media_type=ASSETS[name], headers=PAGE_HEADERS)


routes = [
    route("GET", "/ui", dashboard, "emulatorDashboard"),
    route("GET", "/ui/assets/{asset}", dashboard_asset, "emulatorDashboardAsset"),
]
