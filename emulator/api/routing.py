"""How a route is made, and the control plane's mount.

Each ``api`` module exports ``routes``, a list of ``route(...)`` objects (Starlette's own idiom);
``create_app`` assembles one table from those lists, with the control plane as one ``Mount`` at
``/__emulator`` whose control-token check is middleware bound when the app is built. Every route
is named by its ``operationId`` in ``openapi.yaml``."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterator, Sequence

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.api.account_scope import AccountScope
from emulator.api.errors import error_response
from emulator.api.inputs import header
from emulator.api.journal import STATE_KEYS
from emulator.core.errors import ControlTokenRequired, EmulatorError

Endpoint = Callable[[Request], Awaitable[Response]]
CONTROL_PREFIX = "/__emulator"
TOKEN_HEADER = b"x-emulator-control-token"
# Paths under the mount a client may use without the control token: probes, the docs and the
# dashboard's page and assets (they hold no data; what the page shows it fetches with the token).
UNGUARDED = ("/health", "/ready", "/openapi.yaml", "/docs", "/ui")
UNGUARDED_PREFIXES = ("/docs/", "/ui/")
OPERATION_KEY = STATE_KEYS["operation"]


class OperationRoute(Route):
    """A route that answers ``endpoint`` itself, without Starlette's per-route exception wrapper:
    it notes its name (the operationId) in the request's state — what rate limits count against
    and the journal records — and turns a domain error into its RingCentral answer on the spot
    (``api/errors.error_response``, the same as the app's handler does). Anything else goes on to
    the app's handlers. This sits on every request's path: one frame, no extra ``send`` wrapper."""

    def __init__(self, path: str, endpoint: Endpoint, method: str, name: str) -> None:
        super().__init__(path, endpoint, methods=[method], name=name)
        self.methods = {method}  # Starlette would add HEAD to a GET
        self.app = operation_app(endpoint, name)


def operation_app(endpoint: Endpoint, name: str) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scope["state"][OPERATION_KEY] = name
        try:
            response = await endpoint(Request(scope, receive, send))
        except EmulatorError as error:
            response = error_response(error, path=scope["path"])
        await response(scope, receive, send)

    return app


def route(method: str, path: str, endpoint: Endpoint, name: str) -> Route:
    """A route serving only ``method``, named ``name``."""
    return OperationRoute(path, endpoint, method, name)


class ControlTokenGuard:
    """With a control token set, every control-plane request but the ``UNGUARDED`` ones must carry
    it, in ``X-Emulator-Control-Token`` or as ``Authorization: Bearer``."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token.encode() if token is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.token is None or scope["type"] != "http" or self._open(scope["path"]) or self._carries(scope):
            await self.app(scope, receive, send)
            return
        await error_response(ControlTokenRequired())(scope, receive, send)

    @staticmethod
    def _open(path: str) -> bool:
        inner = path[len(CONTROL_PREFIX) :]
        return inner in UNGUARDED or inner.startswith(UNGUARDED_PREFIXES)

    def _carries(self, scope: Scope) -> bool:
        assert self.token is not None
        given = header(scope, TOKEN_HEADER)
        if given is None:
            scheme, _, value = (header(scope, b"authorization") or "").partition(" ")
            given = value.strip() if scheme.lower() == "bearer" else None
        return given is not None and hmac.compare_digest(given.encode(), self.token)


def control_mount(routes: Sequence[BaseRoute], token: str | None) -> Mount:
    guard = Middleware(ControlTokenGuard, token=token)
    return Mount(
        CONTROL_PREFIX, routes=list(routes), middleware=[guard, Middleware(AccountScope, prefix=CONTROL_PREFIX)]
    )


def served_routes(routes: Sequence[BaseRoute]) -> dict[tuple[str, str], Route]:
    """(method, full path) -> route for every route of a table, through mounts (HEAD and OPTIONS
    aside): what the contract test and the fuzzer compare with ``openapi.yaml``."""
    served: dict[tuple[str, str], Route] = {}
    for path, made in _walk(routes, ""):
        for method in (made.methods or set()) - {"HEAD", "OPTIONS"}:
            served[(method, path)] = made
    return served


def _walk(routes: Sequence[BaseRoute], prefix: str) -> Iterator[tuple[str, Route]]:
    for made in routes:
        if isinstance(made, Mount):
            yield from _walk(made.routes, prefix + made.path)
        elif isinstance(made, Route):
            yield prefix + made.path, made
        elif isinstance(made, WebSocketRoute):
            continue  # no HTTP operation (README "WebSocket subscriptions": OpenAPI cannot describe it)
        else:
            raise TypeError(f"a route served_routes cannot read: {made!r}")


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route of the table serves at this request's path (for ``Allow``)."""
    found: list[str] = []
    top = {**scope, "root_path": scope.get("app_root_path", scope.get("root_path", ""))}  # as before any mount
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        if _serves(routes, {**top, "method": method}):
            found.append(method)
    return found


def _serves(routes: Sequence[BaseRoute], scope: Scope) -> bool:
    for made in routes:
        match, child = made.matches(scope)
        if isinstance(made, Mount):
            if match is not Match.NONE and _serves(made.routes, {**scope, **child}):
                return True
        elif match is Match.FULL:
            return True
    return False
