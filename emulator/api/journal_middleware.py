"""The outermost middleware, a pure ASGI one (no ``BaseHTTPMiddleware``: it sits in every request):
every response carries an ``RCRequestId`` (from the emulator's seedable id source) and, when the
request was counted against a rate-limit bucket, the ``X-Rate-Limit-*`` headers; every request
outside the control plane gets a journal entry with its status (499 when the client went away
before an answer); and a control-plane path with a control character (``%0A``...) is refused
before routing (Starlette's mount pattern would drop a trailing newline and route the rest).
Repeated slashes in a path are one (``//restapi/oauth/token``, from a server URL ending in ``/``).
Control-plane requests (``/__emulator/...``) are not journaled: the journal is what *the app
under test* did."""

from __future__ import annotations

import re
from collections.abc import Callable
from time import perf_counter

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.api.errors import REQUEST_ID_KEY, error_response
from emulator.api.journal import STATE_KEYS, Journal, RawHeaders
from emulator.api.rate_limits import BUCKET_KEY, add_rate_limit_headers
from emulator.core.call import RingOutCall
from emulator.core.clock import Clock
from emulator.core.errors import EmulatorError, InvalidParameterDetail, ResourceNotFoundRoute

SKIP_PREFIX = "/__emulator"
CALL_ID_KEY, SCENARIO_KEY, SOURCE_KEY = STATE_KEYS["call_id"], STATE_KEYS["scenario"], STATE_KEYS["scenario_source"]
TO_KEY, FROM_KEY = STATE_KEYS["to"], STATE_KEYS["from"]
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
REPEATED_SLASHES = re.compile(r"/{2,}")  # ``//restapi/...``: what an SDK builds from a server URL ending in /


async def refuse_path(scope: Scope, receive: Receive, send: Send) -> None:
    """Such a path names nothing the control plane holds (no name or id has a control character):
    404 to look it up or delete it, 400 to create it (``PUT /__emulator/scenarios/{name}``)."""
    if scope["method"] == "PUT":
        error: EmulatorError = InvalidParameterDetail("path", detail="A name may not hold control characters.")
    else:
        error = ResourceNotFoundRoute(method=scope["method"], path=scope["path"])
    await error_response(error)(scope, receive, send)


class JournalMiddleware:
    def __init__(self, app: ASGIApp, journal: Journal, clock: Clock, request_id: Callable[[], str]) -> None:
        self.app = app
        self.journal = journal
        self.clock = clock
        self.request_id = request_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "//" in scope["path"]:  # repeated slashes are one, as the platform's gateway merges them
            scope["path"] = REPEATED_SLASHES.sub("/", scope["path"])
        state = scope.setdefault("state", {})
        request_id = state[REQUEST_ID_KEY] = self.request_id()
        header = (b"rcrequestid", request_id.encode())
        control = scope["path"].startswith(SKIP_PREFIX)
        app = refuse_path if control and CONTROL_CHARACTER.search(scope["path"]) else self.app
        if not self.journal.enabled or control:

            async def send_with_id(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = added(message, state, header)
                await send(message)

            await app(scope, receive, send_with_id)
            return
        entry = self.journal.start(
            scope["method"], scope["path"], scope["query_string"], scope["headers"], self.clock.now(), state
        )
        started = perf_counter()

        async def noting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = added(message, state, header)
                entry.status = message["status"]
            await send(message)

        try:
            await app(scope, receive, noting_send)
        except Exception:
            entry.status = entry.status or 500
            raise
        finally:
            entry.duration_ms = (perf_counter() - started) * 1000


def added(message: Message, state: dict[str, object], header: tuple[bytes, bytes]) -> RawHeaders:
    """The response's headers plus ``RCRequestId`` and, if counted, the rate-limit headers."""
    headers = message.get("headers")
    if type(headers) is list:  # a Response's own raw list: add to it, no copy
        headers.append(header)
    else:
        headers = [*(headers or ()), header]
    bucket = state.get(BUCKET_KEY)
    if bucket is not None:
        add_rate_limit_headers(headers, bucket)  # type: ignore[arg-type]
    return headers


def note_call(request: Request, call: RingOutCall) -> None:
    """Lets the journal say which call (and scenario, numbers) a request was about."""
    state = request.scope.setdefault("state", {})
    state[CALL_ID_KEY] = call.id
    state[SCENARIO_KEY] = call.scenario.name
    state[SOURCE_KEY] = call.scenario_source
    state[TO_KEY] = call.to_number
    state[FROM_KEY] = call.from_number
