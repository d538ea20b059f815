"""The ``/__emulator`` control plane (not part of RingCentral's API): liveness and readiness
(never behind the control token), reset, seed and the magic-number table."""

from __future__ import annotations

from fastapi import Request
from pydantic import Field
from starlette.responses import JSONResponse

from emulator import __version__
from emulator.api.control_common import Body, ControlRouter, control_router, parse_body
from emulator.api.identity import emulator_of
from emulator.core.emulator import RESET_SCOPES
from emulator.core.magic_numbers import MAGIC_NUMBERS, RANGES

router = ControlRouter(protected=False)
protected = control_router()


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/ready")
async def ready(request: Request) -> JSONResponse:
    if getattr(request.app.state, "emulator", None) is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    return JSONResponse({"status": "ready", "version": __version__})


class ResetBody(Body):
    scopes: list[str] = Field(default_factory=lambda: list(RESET_SCOPES), min_length=1)


@protected.post("/reset")
async def reset(request: Request) -> JSONResponse:
    body = await parse_body(request, ResetBody)
    emulator_of(request).reset(body.scopes)
    return JSONResponse({"reset": body.scopes})


class SeedBody(Body):
    seed: int | None


@protected.post("/seed")
async def seed(request: Request) -> JSONResponse:
    body = await parse_body(request, SeedBody)
    emulator_of(request).seed(body.seed)
    return JSONResponse({"seed": body.seed})


@protected.get("/magic-numbers")
async def magic_numbers(request: Request) -> JSONResponse:
    records = [
        {
            "suffix": row.suffix,
            "numbers": list(row.numbers()),
            "side": row.side.value,
            "scenario": row.scenario,
            "delaySeconds": row.delay,
        }
        for row in MAGIC_NUMBERS
    ]
    ranges = [{"prefix": prefix, "description": description} for prefix, description in RANGES]
    return JSONResponse({"ranges": ranges, "records": records})
