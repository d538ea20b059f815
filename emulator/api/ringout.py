"""RingOut routes: ``ring-out`` (canonical) and ``ringout`` (legacy), create / read / cancel.

Thin on purpose: read the body, call one ``Emulator`` method, write the JSON. These are the hot
routes, so they are plain Starlette routes on the FastAPI router (no per-request dependency
graph, no response model re-validating our own output) and the JSON is written once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from starlette.requests import ClientDisconnect
from starlette.responses import Response

from emulator.api.identity import emulator_of, path_extension
from emulator.api.journal_middleware import note_call
from emulator.api.params import header
from emulator.api.schemas import parse_ringout_request, ringout_json
from emulator.core.access import RINGOUT
from emulator.core.emulator import CallResult
from emulator.core.errors import PayloadTooLarge, UnsupportedMediaType

MAX_BODY = 64 * 1024
SPELLINGS = ("ring-out", "ringout")
BASE = "/restapi/v1.0/account/{accountId}/extension/{extensionId}"
NOT_CANCELLED_NOTE = "callee already answered or call ended: DELETE does not stop a connected RingOut"

Endpoint = Callable[[Request], Awaitable[Response]]


def _uri(request: Request, spelling: str, result: CallResult) -> str:
    call = result.call
    host = header(request, b"host") or request.url.netloc
    base = f"{request.scope['scheme']}://{host}"
    return f"{base}/restapi/v1.0/account/{call.account_id}/extension/{call.extension_id}/{spelling}/{call.id}"


def _json(request: Request, spelling: str, result: CallResult) -> Response:
    body = ringout_json(result.call, result.view, _uri(request, spelling, result))
    response = Response(body, media_type="application/json")
    call = result.call
    note_call(request, call)
    response.raw_headers += [
        (b"x-emulator-scenario", call.scenario.name.encode("latin-1", "replace")),
        (b"x-emulator-scenario-source", call.scenario_source.encode("latin-1", "replace")),
    ]
    return response


async def _json_body(request: Request) -> bytes:
    """The body, refused with 415 unless JSON (a missing Content-Type is read as JSON) and with
    413 past ``MAX_BODY`` bytes, without buffering more than that."""
    content_type = header(request, b"content-type") or ""
    if content_type and content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise UnsupportedMediaType(expected="application/json", got=content_type)
    declared = header(request, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise PayloadTooLarge(limit=MAX_BODY)
    chunks: list[bytes] = []
    size = 0
    while True:  # ASGI messages straight from ``receive``: no async generator per request
        message = await request.receive()
        if message["type"] != "http.request":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise PayloadTooLarge(limit=MAX_BODY)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _create(spelling: str) -> Endpoint:
    async def create_ring_out_call(request: Request) -> Response:
        params = request.path_params
        extension = path_extension(request, params["accountId"], params["extensionId"], RINGOUT)
        request_body = parse_ringout_request(await _json_body(request))
        scenario = header(request, b"x-emulator-scenario")
        result = emulator_of(request).create_ringout(extension, request_body, scenario)
        return _json(request, spelling, result)

    return create_ring_out_call


def _read(spelling: str) -> Endpoint:
    async def read_ring_out_call_status(request: Request) -> Response:
        params = request.path_params
        extension = path_extension(request, params["accountId"], params["extensionId"], RINGOUT)
        result = emulator_of(request).read_ringout(extension, params["ringoutId"])
        return _json(request, spelling, result)

    return read_ring_out_call_status


def _delete(spelling: str) -> Endpoint:
    async def delete_ring_out_call(request: Request) -> Response:
        params = request.path_params
        extension = path_extension(request, params["accountId"], params["extensionId"], RINGOUT)
        cancelled, result = emulator_of(request).cancel_ringout(extension, params["ringoutId"])
        note_call(request, result.call)
        headers = {} if cancelled else {"X-Emulator-Note": NOT_CANCELLED_NOTE}
        return Response(status_code=204, headers=headers)

    return delete_ring_out_call


def install(app: FastAPI) -> None:
    """Add the routes straight to the app's router: an included router costs a match per request."""
    for spelling in SPELLINGS:
        suffix = "" if spelling == "ring-out" else "Deprecated"
        path = f"{BASE}/{spelling}"
        app.add_route(path, _create(spelling), methods=["POST"], name=f"createRingOutCall{suffix}")
        app.add_route(f"{path}/{{ringoutId}}", _read(spelling), methods=["GET"], name=f"readRingOutCallStatus{suffix}")
        app.add_route(f"{path}/{{ringoutId}}", _delete(spelling), methods=["DELETE"], name=f"deleteRingOutCall{suffix}")
