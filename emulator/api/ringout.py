"""RingOut routes: ``ring-out`` (canonical) and ``ringout`` (legacy), create / read / cancel.

Thin on purpose: who is calling, read the body, call one ``Emulator`` method, write the JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from emulator.api.delivery import deliver_due
from emulator.api.identity import caller_extension, emulator_of
from emulator.api.inputs import JSON, JSON_LIMIT, header, read_body
from emulator.api.journal_middleware import note_call
from emulator.api.responses import base_url, json_response, no_content
from emulator.api.routing import Endpoint, route
from emulator.api.schemas import parse_ringout_request, ringout_json
from emulator.core.access import RINGOUT
from emulator.core.emulator import CallResult

SPELLINGS = ("ring-out", "ringout")
BASE = "/restapi/v1.0/account/{accountId}/extension/{extensionId}"
NOT_CANCELLED_NOTE = "callee already answered or call ended: DELETE does not stop a connected RingOut"


def _answer(request: Request, spelling: str, result: CallResult) -> Response:
    call = result.call
    note_call(request, call)
    uri = (
        f"{base_url(request)}/restapi/v1.0/account/{call.account_id}/extension/{call.extension_id}/{spelling}/{call.id}"
    )
    response = json_response(ringout_json(call, result.view, uri))
    response.raw_headers += [  # Starlette's raw list: a dict of headers is re-encoded on every response
        (b"x-emulator-scenario", call.scenario.name.encode()),
        (b"x-emulator-scenario-source", call.scenario_source.encode()),
    ]
    return response


def _create(spelling: str) -> Endpoint:
    async def create_ring_out_call(request: Request) -> Response:
        extension = caller_extension(request, RINGOUT)
        body = parse_ringout_request(await read_body(request, accept=(JSON,), limit=JSON_LIMIT, untyped=JSON))
        scenario = header(request.scope, b"x-emulator-scenario")
        emulator = emulator_of(request)
        result = emulator.create_ringout(extension, body, scenario)
        await deliver_due(request, emulator)
        return _answer(request, spelling, result)

    return create_ring_out_call


def _read(spelling: str) -> Endpoint:
    async def read_ring_out_call_status(request: Request) -> Response:
        extension = caller_extension(request, RINGOUT)
        emulator = emulator_of(request)
        result = emulator.read_ringout(extension, request.path_params["ringoutId"])
        await deliver_due(request, emulator)
        return _answer(request, spelling, result)

    return read_ring_out_call_status


async def delete_ring_out_call(request: Request) -> Response:
    extension = caller_extension(request, RINGOUT)
    emulator = emulator_of(request)
    cancelled, result = emulator.cancel_ringout(extension, request.path_params["ringoutId"])
    await deliver_due(request, emulator)
    note_call(request, result.call)
    return no_content(None if cancelled else {"X-Emulator-Note": NOT_CANCELLED_NOTE})


def _routes(spelling: str) -> list[BaseRoute]:
    suffix = "" if spelling == "ring-out" else "Deprecated"
    path = f"{BASE}/{spelling}"
    return [
        route("POST", path, _create(spelling), f"createRingOutCall{suffix}"),
        route("GET", f"{path}/{{ringoutId}}", _read(spelling), f"readRingOutCallStatus{suffix}"),
        route("DELETE", f"{path}/{{ringoutId}}", delete_ring_out_call, f"deleteRingOutCall{suffix}"),
    ]


routes = _routes("ring-out")
legacy_routes = _routes("ringout")  # matched after the call log: the hot polls come first
