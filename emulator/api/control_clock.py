"""``/__emulator/clock``: read it, advance or set it (manual and poll modes), switch its mode."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.delivery import engine_of
from emulator.api.identity import emulator_of
from emulator.api.inputs import Body, Instant, read_json
from emulator.api.responses import iso, json_response
from emulator.api.routing import route
from emulator.core.call import ClockMode
from emulator.core.emulator import Emulator

MAX_ADVANCE = 10 * 365 * 86_400


class AdvanceBody(Body):
    seconds: float = Field(ge=0, le=MAX_ADVANCE, allow_inf_nan=False)


class ClockBody(Body):
    mode: ClockMode | None = None
    now: Instant | None = None
    speed: float | None = Field(None, gt=0, le=10_000, allow_inf_nan=False)


def clock_json(emulator: Emulator, delivered: int | None = None) -> Response:
    mode, now, speed = emulator.clock_reading()
    body = {"mode": mode.value, "now": iso(now), "epochSeconds": now, "speed": speed}
    if delivered is not None:
        body["delivered"] = delivered  # notifications delivered before this answer
    return json_response(body)


async def read_clock(request: Request) -> Response:
    return clock_json(emulator_of(request))


async def advance_clock(request: Request) -> Response:
    body = await read_json(request, AdvanceBody)
    emulator = emulator_of(request)
    emulator.advance_clock(body.seconds)
    return clock_json(emulator, await engine_of(request).pump(emulator))


async def update_clock(request: Request) -> Response:
    """``mode`` first (time stays continuous), then ``now`` (manual and poll modes only); nothing
    changes unless the whole request applies."""
    body = await read_json(request, ClockBody)
    when = None if body.now is None else body.now.timestamp()
    emulator = emulator_of(request)
    emulator.update_clock(body.mode, when, body.speed)
    return clock_json(emulator, await engine_of(request).pump(emulator))


routes = [
    route("GET", "/clock", read_clock, "emulatorReadClock"),
    route("PUT", "/clock", update_clock, "emulatorSetClock"),
    route("POST", "/clock/advance", advance_clock, "emulatorAdvanceClock"),
]
