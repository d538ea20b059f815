"""Plain Starlette routes and their parameters: query and path values parsed by hand into
RingCentral-shaped errors (CMN-101 naming the parameter), as FastAPI's validation did, without
FastAPI's per-route dependency graph (cheaper to build at start-up, nothing to solve per request)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator.core.errors import InvalidParameter

E = TypeVar("E", bound=Enum)
INTEGER = re.compile(r"[+-]?[0-9]+")
Endpoint = Callable[[Request], Awaitable[Response]]


def plain_route(method: str, path: str, endpoint: Endpoint, name: str) -> Route:
    """A route serving only ``method`` (like FastAPI's: Starlette would add HEAD to a GET)."""
    route = Route(path, endpoint, methods=[method], name=name)
    route.methods = {method}
    return route


def header(request: Request, name: bytes) -> str | None:
    """The first ``name`` header (lower-case bytes, as ASGI names them), or None: a plain scan of
    the raw headers, cheaper than ``request.headers.get`` on the hot routes (no ``Headers``
    object, no KeyError when absent)."""
    for key, value in request.scope["headers"]:
        if key == name:
            return value.decode("latin-1")  # type: ignore[no-any-return]
    return None


def query_value(request: Request, name: str) -> str | None:
    """The query parameter (the last one, if repeated), or None."""
    return request.query_params.get(name)


def query_int(request: Request, name: str, *, minimum: int | None = None) -> int | None:
    """An optional integer query parameter; anything else answers CMN-101 naming it."""
    raw = query_value(request, name)
    if raw is None:
        return None
    if INTEGER.fullmatch(raw.strip()) is None:
        raise InvalidParameter(name)
    value = int(raw)
    if minimum is not None and value < minimum:
        raise InvalidParameter(name)
    return value


def query_enum(request: Request, name: str, kind: type[E]) -> E | None:
    """An optional enum query parameter (exact value); anything else answers CMN-101 naming it."""
    raw = query_value(request, name)
    return None if raw is None else enum_value(name, raw, kind)


def enum_value(name: str, raw: str, kind: type[E]) -> E:
    try:
        return kind(raw)
    except ValueError:
        raise InvalidParameter(name) from None
