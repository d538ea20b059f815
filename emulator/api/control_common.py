"""Shared by the control-plane routers: plain Starlette routes behind the optional control token,
body and query parsing into RingCentral-shaped errors, and how times are written (ISO 8601, UTC,
milliseconds).

The routes are plain Starlette routes, not FastAPI's: FastAPI builds a dependency graph and
pydantic fields per route (and imports ``pydantic.v1`` for the first typed parameter), which made
start-up ~40% slower for routes that only read a query value or two."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.responses import Response
from starlette.routing import Route

from emulator.api.params import Endpoint, plain_route
from emulator.core.errors import (
    CannotParseRequest,
    ControlTokenRequired,
    EmulatorError,
    InvalidParameter,
    MalformedJson,
)
from emulator.core.scenario import CallState

PREFIX = "/__emulator"
TOKEN_HEADER = "x-emulator-control-token"
M = TypeVar("M", bound=BaseModel)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def require_control_token(request: Request) -> None:
    """With ``control_token`` set, the request must carry it (either header; see README)."""
    token: str | None = request.app.state.settings.control_token
    if token is None:
        return
    given = request.headers.get(TOKEN_HEADER)
    if given is None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        given = value.strip() if scheme.lower() == "bearer" else None
    if given is None or not hmac.compare_digest(given.encode(), token.encode()):
        raise ControlTokenRequired()


class ControlRouter:
    """``@router.get("/clock")`` and friends, as plain Starlette routes under ``/__emulator``
    (``protected``: behind the control token, checked before anything else). Like FastAPI's
    routes, each serves only its method (no implicit HEAD)."""

    def __init__(self, *, protected: bool = True) -> None:
        self.protected = protected
        self.routes: list[Route] = []

    def route(self, method: str, path: str) -> Callable[[Endpoint], Endpoint]:
        def add(endpoint: Endpoint) -> Endpoint:
            served = _guarded(endpoint) if self.protected else endpoint
            self.routes.append(plain_route(method, PREFIX + path, served, endpoint.__name__))
            return endpoint

        return add

    def get(self, path: str) -> Callable[[Endpoint], Endpoint]:
        return self.route("GET", path)

    def post(self, path: str) -> Callable[[Endpoint], Endpoint]:
        return self.route("POST", path)

    def put(self, path: str) -> Callable[[Endpoint], Endpoint]:
        return self.route("PUT", path)

    def delete(self, path: str) -> Callable[[Endpoint], Endpoint]:
        return self.route("DELETE", path)

    def install(self, app: FastAPI) -> None:
        app.router.routes.extend(self.routes)


def _guarded(endpoint: Endpoint) -> Endpoint:
    async def guarded(request: Request) -> Response:
        require_control_token(request)
        return await endpoint(request)

    return guarded


def control_router() -> ControlRouter:
    return ControlRouter()


async def parse_body(request: Request, model: type[M]) -> M:
    """An optional JSON body (empty = ``{}``) into ``model``: CMN-103 / CMN-104 / CMN-101."""
    body = await request.body()
    try:
        return model.model_validate_json(body if body.strip() else b"{}")
    except ValidationError as exc:
        raise body_error(exc) from None


def body_error(exc: ValidationError) -> EmulatorError:
    first = exc.errors()[0]
    if first["type"] == "json_invalid":
        return MalformedJson()
    loc = [str(part) for part in first["loc"]]
    if not loc:
        return CannotParseRequest(detail="The body must be a JSON object.")
    return InvalidParameter(".".join(loc))


def iso(when: float | None) -> str | None:
    if when is None:
        return None
    return datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def status_json(state: CallState) -> dict[str, str]:
    return {"callStatus": state.call.value, "callerStatus": state.caller.value, "calleeStatus": state.callee.value}


def no_content() -> Response:
    return Response(status_code=204)
