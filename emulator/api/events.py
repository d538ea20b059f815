"""``GET /__emulator/events``: server-sent events that tell the dashboard what changed.

A call's status is computed when it is read, so nothing in the emulator *happens* when a call
moves: the streams read a small digest of every topic (calls, clock, scenarios, journal, rate
limits, webhook deliveries, fault rules,
the call log) every ``TICK_SECONDS``, once for all of them, and each sends ``event: change`` with
``{"topics": [...]}`` naming the ones whose digest moved (all of them first). The page then fetches
those topics' control endpoints: one data path for the page and for every other client. A panel
that needs a new topic adds one entry to ``TOPICS``.

Server-sent events rather than a WebSocket: the traffic is one-way, a plain streaming response
needs no extra dependency or protocol upgrade, and it passes the same control-token check as
every other control request. At most ``MAX_STREAMS`` are open at once (503 ``EMU-503`` past
that); every stream ends when the server shuts down (``EventHub.close``) or the client leaves."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from emulator.api.control import journal_of
from emulator.api.delivery import engine_of
from emulator.api.identity import emulator_of
from emulator.api.routing import route
from emulator.core.call import ClockMode
from emulator.core.errors import TooManyEventStreams

TICK_SECONDS = 0.25
# The digests are read at most once a tick for all streams together, and the tick stretches so that
# reading them takes at most a tenth of the time (10,000 stored calls: ~35 ms, so every 0.35 s).
COST_SHARE = 10
HEARTBEAT_TICKS = 60  # a comment every 15 s or more: keeps proxies from closing an idle stream, finds dead clients
MAX_STREAMS = 16
RETRY_MS = 1000  # how long a browser's EventSource waits before it reconnects


def calls_digest(request: Request) -> object:
    return [(r.call.id, r.view.state, r.view.ended_at) for r in emulator_of(request).control_calls(None, None)]


def clock_digest(request: Request) -> object:
    """A real clock's reading moves by itself (the page extrapolates it); only its mode and speed count."""
    mode, now, speed = emulator_of(request).clock_reading()
    return (mode, speed) if mode is ClockMode.REAL else (mode, speed, now)


def scenarios_digest(request: Request) -> object:
    emulator = emulator_of(request)
    rules = [(r.id, r.scenario, r.match, r.times, r.used) for r in (*emulator.queued(), *emulator.listed_rules())]
    return (emulator.default_scenario, rules, [info.scenario.name for info in emulator.scenario_infos()])


def journal_digest(request: Request) -> object:
    journal = journal_of(request)
    return (len(journal), journal.last_seq)


def rate_limits_digest(request: Request) -> object:
    emulator = emulator_of(request)
    mode, policies = emulator.rate_limit_policies()
    table = [(p.group, p.limit, p.window, p.penalty) for p in policies.values()]
    return (mode, table, [(b.key, len(b.times), b.refused, b.penalty_until) for b in emulator.rate_limit_buckets()])


def deliveries_digest(request: Request) -> object:
    last = engine_of(request).log.find(None, 1)
    return last[0].seq if last else 0  # the log's sequence moves with every attempt (0 after a clear)


def faults_digest(request: Request) -> object:
    return [(r.id, r.hits, r.seen) for r in emulator_of(request).fault_rules()]  # a rule's fields never change


def call_log_digest(request: Request) -> object:
    return emulator_of(request).call_log_digest()


TOPICS: dict[str, Callable[[Request], object]] = {
    "calls": calls_digest,
    "clock": clock_digest,
    "scenarios": scenarios_digest,
    "journal": journal_digest,
    "rate-limits": rate_limits_digest,
    "deliveries": deliveries_digest,
    "faults": faults_digest,
    "call-log": call_log_digest,
}


class EventHub:
    """Counts the open streams against ``limit``; ``close`` ends them all (server shutdown); reads
    the digests once per tick for every stream."""

    def __init__(self, limit: int = MAX_STREAMS, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self.open = 0
        self.closed = False
        self._read_at = -math.inf
        self._cost = 0.0
        self._digests: dict[str, object] = {}

    def close(self) -> None:
        self.closed = True

    @property
    def tick(self) -> float:
        return max(TICK_SECONDS, self._cost * COST_SHARE)

    def digests(self, request: Request) -> dict[str, object]:
        started = self._clock()
        if started - self._read_at >= self.tick / 2:
            self._digests = {name: digest(request) for name, digest in TOPICS.items()}
            self._read_at = started
            self._cost = self._clock() - started
        return self._digests


def hub_of(request: Request) -> EventHub:
    hub: EventHub = request.app.state.events
    return hub


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def changes(request: Request, hub: EventHub) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    seen: dict[str, object] = {}
    quiet = 0
    while True:
        now = hub.digests(request)
        moved = [name for name, value in now.items() if name not in seen or seen[name] != value]
        seen = now
        if moved:
            quiet = 0
            yield sse("change", {"topics": moved})
        elif quiet >= HEARTBEAT_TICKS:
            quiet = 0
            yield ": keep-alive\n\n"
        if hub.closed:
            return
        await asyncio.sleep(hub.tick)
        quiet += 1


class EventStream(StreamingResponse):
    """A streaming response that gives its slot back however it ends (done, client gone, cancelled)."""

    def __init__(self, request: Request, hub: EventHub) -> None:
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        super().__init__(changes(request, hub), media_type="text/event-stream", headers=headers)
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.hub.open -= 1


async def events(request: Request) -> Response:
    hub = hub_of(request)
    if hub.open >= hub.limit:
        raise TooManyEventStreams(cap=hub.limit)
    hub.open += 1
    return EventStream(request, hub)


def close_event_streams(app: Any) -> None:
    """Ends every open stream within one tick (call it when the server begins to shut down)."""
    hub = getattr(app.state, "events", None)
    if hub is not None:
        hub.close()


routes = [route("GET", "/events", events, "emulatorEvents")]
