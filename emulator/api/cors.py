"""CORS for browser apps (``cors_origins``): a click-to-call widget or CRM page using the JS SDK
from its own origin, as it calls the platform. Off unless origins are given, so the default server
pays nothing for it.

Starlette's ``CORSMiddleware`` does the work; only its preflight answers change shape. An allowed
preflight is 200 with no body (Starlette writes ``OK``); a refused one is the platform's 400
``CMN-101`` naming what was refused (Starlette answers in plain text). The app reads ``Retry-After``,
the ``X-Rate-Limit-*`` headers, ``RCRequestId`` and ``X-Emulator-Note``, so they are exposed."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from emulator.api.errors import error_response
from emulator.core.errors import InvalidParameterDetail

EXPOSED = (
    "Retry-After",
    "RCRequestId",
    "X-Rate-Limit-Group",
    "X-Rate-Limit-Limit",
    "X-Rate-Limit-Remaining",
    "X-Rate-Limit-Window",
    "X-Emulator-Note",
    "X-Emulator-Scenario",
    "X-Emulator-Scenario-Source",
    "Content-Language",
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MAX_AGE = 600  # seconds a browser may keep a preflight's answer
REFUSED_PREFIX = "Disallowed CORS "


class CorsLayer(CORSMiddleware):
    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        super().__init__(
            app,
            allow_origins=origins,
            allow_methods=METHODS,
            allow_headers=["*"],  # the app's own headers too (X-Emulator-Scenario, ...)
            expose_headers=EXPOSED,
            max_age=MAX_AGE,
            allow_private_network=True,  # a hosted page may call an emulator on the tester's own machine
        )

    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        headers = {k: v for k, v in answer.headers.items() if k not in ("content-length", "content-type")}
        if answer.status_code == 200:
            return Response(status_code=200, headers=headers)
        refused = bytes(answer.body).decode().removeprefix(REFUSED_PREFIX)  # "origin, method, headers"
        detail = f"This origin, method or header list may not call the emulator ({refused} refused): see cors_origins."
        return error_response(InvalidParameterDetail("Origin", detail=detail), headers)
