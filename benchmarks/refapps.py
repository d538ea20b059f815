"""The references measured in the same run: a bare FastAPI app (plain ``async def`` returning a
dict, a pydantic body model) and a bare Starlette app, both answering the same JSON body as the
emulator's RingOut routes. Served by the same uvicorn settings as the emulator. A second Starlette
app adds the four ``X-Rate-Limit-*`` headers to its GET: what those headers cost by themselves."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BASE = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/ring-out"
_counter = itertools.count(1)


def _body(request_host: str, call_id: str) -> dict[str, object]:
    return {
        "id": call_id,
        "uri": f"http://{request_host}/restapi/v1.0/account/400131560008/extension/400131560009/ring-out/{call_id}",
        "status": {"callStatus": "InProgress", "callerStatus": "InProgress", "calleeStatus": "InProgress"},
    }


class Phone(BaseModel):
    phoneNumber: str | None = None


class RingOutBody(BaseModel):
    to: Phone | None = None
    playPrompt: bool | None = None


fastapi_app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@fastapi_app.get("/__emulator/ready")
async def fastapi_ready() -> dict[str, str]:
    return {"status": "ready"}


@fastapi_app.get(BASE + "/{ringoutId}")
async def fastapi_read(accountId: str, extensionId: str, ringoutId: str, request: Request) -> dict[str, object]:
    return _body(request.headers.get("host", ""), ringoutId)


@fastapi_app.post(BASE)
async def fastapi_create(accountId: str, extensionId: str, body: RingOutBody, request: Request) -> dict[str, object]:
    return _body(request.headers.get("host", ""), f"ref{next(_counter)}")


async def starlette_ready(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ready"})


async def starlette_read(request: Request) -> JSONResponse:
    return JSONResponse(_body(request.headers.get("host", ""), request.path_params["ringoutId"]))


async def starlette_create(request: Request) -> JSONResponse:
    await request.json()
    return JSONResponse(_body(request.headers.get("host", ""), f"ref{next(_counter)}"))


# The four X-Rate-Limit-* headers as the emulator sends them with limits on (the rate-limit
# benchmark's bucket: Light, 1,000,000 per 60 s), as raw ready-made pairs the way the emulator adds
# them: what uvicorn's handling of them alone costs on this stack.
RATE_LIMIT_HEADERS = (
    (b"x-rate-limit-group", b"light"),
    (b"x-rate-limit-limit", b"1000000"),
    (b"x-rate-limit-window", b"60"),
    (b"x-rate-limit-remaining", b"987654"),
)


async def starlette_read_with_rate_limit_headers(request: Request) -> JSONResponse:
    response = JSONResponse(_body(request.headers.get("host", ""), request.path_params["ringoutId"]))
    response.raw_headers.extend(RATE_LIMIT_HEADERS)
    return response


def _starlette(read: Callable[[Request], Awaitable[JSONResponse]]) -> Starlette:
    return Starlette(
        routes=[
            Route("/__emulator/ready", starlette_ready),
            Route(BASE + "/{ringoutId}", read, methods=["GET"]),
            Route(BASE, starlette_create, methods=["POST"]),
        ]
    )


starlette_app = _starlette(starlette_read)
starlette_rate_limit_headers_app = _starlette(starlette_read_with_rate_limit_headers)
