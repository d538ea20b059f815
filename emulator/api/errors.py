"""The only place that turns errors into HTTP: RingCentral's shape, never a framework default
body, never a bare 500 or a stack trace. (``RCRequestId`` is added to every response, errors
included, by the outermost middleware.)"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from emulator.api.rate_limits import refusal_note
from emulator.api.responses import json_response
from emulator.core.errors import (
    EmulatorError,
    InternalError,
    MethodNotAllowed,
    OAuthError,
    RateLimitExceeded,
    ResourceNotFoundRoute,
)

log = logging.getLogger("emulator")
CLIENT_CLOSED = 499  # nginx's "client closed request": nobody is left to read an answer
REQUEST_ID_KEY = "rc_request_id"  # where the journal middleware keeps the request's id in scope["state"]
LANGUAGE = {"Content-Language": "en"}
OAUTH_PREFIX = "/restapi/oauth/"


def error_body(error: EmulatorError, *, oauth: bool = False) -> dict[str, Any]:
    """``{errorCode, message, [parameterName...], errors: [{errorCode, message, ...}]}``; the
    OAuth endpoints' errors (``oauth``, or an ``OAuthError`` anywhere):
    ``{error, error_description, errors: [{errorCode, message}]}``, where an error that is not
    OAuth's own (a wrong media type, a body too large, a wrong method) is ``invalid_request``."""
    fields = error.fields
    item = {"errorCode": error.error_code, "message": error.message, **fields}
    if isinstance(error, OAuthError) or oauth:
        kind = error.oauth_error if isinstance(error, OAuthError) else "invalid_request"
        return {"error": kind, "error_description": error.message, "errors": [item]}
    return {"errorCode": error.top_level_code or error.error_code, "message": error.message, "errors": [item], **fields}


def error_headers(error: EmulatorError) -> dict[str, str]:
    """A 429 says when to retry (the penalty left) and, in ``X-Emulator-Note``, which bucket."""
    if isinstance(error, RateLimitExceeded):
        return {**LANGUAGE, "Retry-After": str(error.retry_after), "X-Emulator-Note": refusal_note(error)}
    return LANGUAGE


def error_response(error: EmulatorError, headers: dict[str, str] | None = None, *, path: str = "") -> Response:
    """The error as ``path``'s endpoint answers it (OAuth's shape under ``/restapi/oauth/``)."""
    body = error_body(error, oauth=path.startswith(OAUTH_PREFIX))
    return json_response(body, error.status, {**error_headers(error), **(headers or {})})


def http_error(request: Request, exc: StarletteHTTPException) -> EmulatorError:
    """What Starlette's router raises (no route, wrong method) as RingCentral errors."""
    if exc.status_code == 405:
        return MethodNotAllowed(method=request.method, path=request.url.path)
    return ResourceNotFoundRoute(method=request.method, path=request.url.path)


def install_error_handlers(app: FastAPI, allowed: Any) -> None:
    """``allowed(scope)`` lists the methods served at a path (for 405's ``Allow``)."""

    async def on_emulator_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, EmulatorError)
        return error_response(exc, path=request.url.path)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers = {"Allow": ", ".join(allowed(request.scope))} if exc.status_code == 405 else None
        return error_response(http_error(request, exc), headers, path=request.url.path)

    async def on_disconnect(request: Request, exc: Exception) -> Response:
        return Response(status_code=CLIENT_CLOSED)  # journaled as 499; not an error of ours

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        """Answered outside every middleware (Starlette's outermost one), so the request id the
        journal middleware drew is added here."""
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        request_id = request.scope.get("state", {}).get(REQUEST_ID_KEY)
        headers = {"RCRequestId": request_id} if request_id else None
        return error_response(InternalError(), headers, path=request.url.path)

    app.add_exception_handler(EmulatorError, on_emulator_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(ClientDisconnect, on_disconnect)
    app.add_exception_handler(Exception, on_unexpected)
