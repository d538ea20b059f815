"""The ``/__emulator`` control plane (not part of RingCentral's API): liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from emulator import __version__

router = APIRouter(prefix="/__emulator", tags=["emulator control plane"])


@router.get("/health")
async def health() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/ready")
async def ready(request: Request) -> JSONResponse:
    if getattr(request.app.state, "emulator", None) is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    return JSONResponse({"status": "ready", "version": __version__})
