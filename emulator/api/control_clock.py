"""``/__emulator/clock``: read it, advance or set it (manual and poll modes), switch its mode."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request
from pydantic import Field
from starlette.responses import JSONResponse

from emulator.api.control_common import Body, control_router, iso, parse_body
from emulator.api.identity import emulator_of
from emulator.core.call import ClockMode
from emulator.core.emulator import Emulator

router = control_router()


class AdvanceBody(Body):
    seconds: float = Field(ge=0, le=10 * 365 * 86_400)


class ClockBody(Body):
    mode: ClockMode | None = None
    now: datetime | None = None
    speed: float | None = Field(None, gt=0, le=10_000)


def clock_json(emulator: Emulator) -> JSONResponse:
    clock = emulator.clock
    now = clock.now()
    return JSONResponse({"mode": clock.mode.value, "now": iso(now), "epochSeconds": now, "speed": clock.speed})


@router.get("/clock")
async def read_clock(request: Request) -> JSONResponse:
    return clock_json(emulator_of(request))


@router.post("/clock/advance")
async def advance_clock(request: Request) -> JSONResponse:
    body = await parse_body(request, AdvanceBody)
    emulator = emulator_of(request)
    emulator.clock.advance(body.seconds)
    return clock_json(emulator)


@router.put("/clock")
async def update_clock(request: Request) -> JSONResponse:
    """``mode`` first (time stays continuous), then ``now`` (manual and poll modes only)."""
    body = await parse_body(request, ClockBody)
    emulator = emulator_of(request)
    mode = body.mode or emulator.clock.mode
    when = None if body.now is None else (body.now if body.now.tzinfo else body.now.replace(tzinfo=UTC)).timestamp()
    if when is not None:
        emulator.clock.check_set(mode, when)  # nothing changes unless the whole request applies
    if body.mode is not None or body.speed is not None:
        emulator.switch_clock(mode, body.speed)
    if when is not None:
        emulator.clock.set(when)
    return clock_json(emulator)
