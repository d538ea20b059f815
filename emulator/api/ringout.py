"""RingOut routes: ``ring-out`` (canonical) and ``ringout`` (legacy), create / read / cancel.

Thin on purpose: read the body, call one ``Emulator`` method, write the JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from starlette.responses import Response

from emulator.api.identity import emulator_of, path_extension
from emulator.api.journal_middleware import note_call
from emulator.api.schemas import parse_ringout_request, ringout_json
from emulator.core.access import RINGOUT
from emulator.core.emulator import CallResult
from emulator.core.errors import PayloadTooLarge, UnsupportedMediaType

MAX_BODY = 64 * 1024
SPELLINGS = ("ring-out", "ringout")
BASE = "/restapi/v1.0/account/{accountId}/extension/{extensionId}"
NOT_CANCELLED_NOTE = "callee already answered or call ended: DELETE does not stop a connected RingOut"

router = APIRouter()


def _uri(request: Request, spelling: str, result: CallResult) -> str:
    call = result.call
    base = f"{request.url.scheme}://{request.headers.get('host') or request.url.netloc}"
    return f"{base}/restapi/v1.0/account/{call.account_id}/extension/{call.extension_id}/{spelling}/{call.id}"


def _json(request: Request, spelling: str, result: CallResult, headers: dict[str, str]) -> Response:
    body = ringout_json(result.call, result.view, _uri(request, spelling, result))
    return Response(body, media_type="application/json", headers=headers)


def _scenario_headers(request: Request, result: CallResult) -> dict[str, str]:
    note_call(request, result.call)
    return {"X-Emulator-Scenario": result.call.scenario.name, "X-Emulator-Scenario-Source": result.call.scenario_source}


async def _json_body(request: Request) -> bytes:
    content_type = request.headers.get("content-type", "")
    if content_type and content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise UnsupportedMediaType(expected="application/json", got=content_type)
    body = await request.body()
    if len(body) > MAX_BODY:
        raise PayloadTooLarge(limit=MAX_BODY)
    return body


def _create(spelling: str) -> Callable[..., Awaitable[Response]]:
    async def create_ring_out_call(request: Request, accountId: str, extensionId: str) -> Response:
        extension = path_extension(request, accountId, extensionId, RINGOUT)
        request_body = parse_ringout_request(await _json_body(request))
        header = request.headers.get("x-emulator-scenario")
        result = emulator_of(request).create_ringout(extension, request_body, header)
        return _json(request, spelling, result, _scenario_headers(request, result))

    return create_ring_out_call


def _read(spelling: str) -> Callable[..., Awaitable[Response]]:
    async def read_ring_out_call_status(request: Request, accountId: str, extensionId: str, ringoutId: str) -> Response:
        extension = path_extension(request, accountId, extensionId, RINGOUT)
        result = emulator_of(request).read_ringout(extension, ringoutId)
        return _json(request, spelling, result, _scenario_headers(request, result))

    return read_ring_out_call_status


def _delete(spelling: str) -> Callable[..., Awaitable[Response]]:
    async def delete_ring_out_call(request: Request, accountId: str, extensionId: str, ringoutId: str) -> Response:
        extension = path_extension(request, accountId, extensionId, RINGOUT)
        cancelled, result = emulator_of(request).cancel_ringout(extension, ringoutId)
        note_call(request, result.call)
        headers = {} if cancelled else {"X-Emulator-Note": NOT_CANCELLED_NOTE}
        return Response(status_code=204, headers=headers)

    return delete_ring_out_call


for _spelling in SPELLINGS:
    _suffix = "" if _spelling == "ring-out" else "Deprecated"
    _path = f"{BASE}/{_spelling}"
    router.add_api_route(_path, _create(_spelling), methods=["POST"], operation_id=f"createRingOutCall{_suffix}")
    router.add_api_route(
        f"{_path}/{{ringoutId}}", _read(_spelling), methods=["GET"], operation_id=f"readRingOutCallStatus{_suffix}"
    )
    router.add_api_route(
        f"{_path}/{{ringoutId}}",
        _delete(_spelling),
        methods=["DELETE"],
        operation_id=f"deleteRingOutCall{_suffix}",
        status_code=204,
    )
