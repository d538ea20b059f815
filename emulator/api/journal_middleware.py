"""The request journal as a pure ASGI middleware (no ``BaseHTTPMiddleware``: it sits in every
request, so it only appends one entry and notes the status; formatting happens on read).
Control-plane requests (``/__emulator/...``) are not journaled: the journal is what *the app
under test* did."""

from __future__ import annotations

from time import perf_counter

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.core.call import RingOutCall
from emulator.core.clock import Clock
from emulator.core.journal import STATE_KEYS, Journal

SKIP_PREFIX = "/__emulator"


class JournalMiddleware:
    def __init__(self, app: ASGIApp, journal: Journal, clock: Clock) -> None:
        self.app = app
        self.journal = journal
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.journal.enabled or scope["path"].startswith(SKIP_PREFIX):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        entry = self.journal.start(
            scope["method"], scope["path"], scope["query_string"], scope["headers"], self.clock.now(), state
        )
        started = perf_counter()

        async def noting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_send)
        except Exception:
            entry.status = entry.status or 500
            raise
        finally:
            entry.duration_ms = (perf_counter() - started) * 1000


def note_call(request: Request, call: RingOutCall) -> None:
    """Lets the journal say which call (and scenario, numbers) a request was about."""
    state = request.scope.setdefault("state", {})
    state[STATE_KEYS["call_id"]] = call.id
    state[STATE_KEYS["scenario"]] = call.scenario.name
    state[STATE_KEYS["scenario_source"]] = call.scenario_source
    state[STATE_KEYS["to"]] = call.to_number
    state[STATE_KEYS["from"]] = call.from_number
