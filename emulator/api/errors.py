"""The only place that turns errors into HTTP: RingCentral's shape, never FastAPI's 422 body,
never a bare 500 or a stack trace."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from emulator.core.errors import (
    EmulatorError,
    InternalError,
    InvalidParameter,
    MethodNotAllowed,
    OAuthError,
    PayloadTooLarge,
    ResourceNotFoundRoute,
    UnsupportedMediaType,
)

log = logging.getLogger("emulator")


def error_body(error: EmulatorError) -> dict[str, Any]:
    """``{errorCode, message, [parameterName...], errors: [{errorCode, message, ...}]}``; the
    OAuth endpoints' errors: ``{error, error_description, errors: [{errorCode, message}]}``."""
    fields = error.fields
    item = {"errorCode": error.error_code, "message": error.message, **fields}
    if isinstance(error, OAuthError):
        return {"error": error.oauth_error, "error_description": error.message, "errors": [item]}
    return {"errorCode": error.top_level_code or error.error_code, "message": error.message, "errors": [item], **fields}


def error_response(error: EmulatorError, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(error_body(error)),
        status_code=error.status,
        media_type="application/json",
        headers={"Content-Language": "en", "RCRequestId": str(uuid.uuid4()), **(headers or {})},
    )


def validation_error(exc: RequestValidationError) -> EmulatorError:
    """FastAPI's own validation (path/query parameters) as CMN-101 naming the parameter."""
    errors = exc.errors()
    loc = errors[0].get("loc", ()) if errors else ()
    names = [str(part) for part in loc if part not in ("path", "query", "header", "body")]
    return InvalidParameter(".".join(names) or "request")


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this request's path."""
    routes = request.app.router.routes
    found = [
        method
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    ]
    return ", ".join(found)


def http_error(request: Request, exc: StarletteHTTPException) -> EmulatorError:
    if exc.status_code == 404:
        return ResourceNotFoundRoute(method=request.method, path=request.url.path)
    if exc.status_code == 405:
        # Starlette's Allow names only the first matching route's methods; name them all.
        exc.headers = {**(exc.headers or {}), "Allow": allowed_methods(request)}
        return MethodNotAllowed(method=request.method, path=request.url.path)
    if exc.status_code == 415:
        return UnsupportedMediaType(expected="application/json", got=request.headers.get("content-type", ""))
    if exc.status_code == 413:
        return PayloadTooLarge(limit="65536")
    return InternalError()


def request_id(request: Request) -> dict[str, str]:
    """The ``RCRequestId`` header from the emulator's (seedable) id source."""
    emulator = getattr(request.app.state, "emulator", None)
    return {"RCRequestId": emulator.ids.request_id() if emulator is not None else str(uuid.uuid4())}


def install_error_handlers(app: FastAPI) -> None:
    async def on_emulator_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, EmulatorError)
        return error_response(exc, headers=request_id(request))

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(validation_error(exc), headers=request_id(request))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return error_response(http_error(request, exc), headers={**request_id(request), **dict(exc.headers or {})})

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(InternalError())

    app.add_exception_handler(EmulatorError, on_emulator_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
