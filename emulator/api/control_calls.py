"""``/__emulator/calls``: every stored call (filter by extension, status), one call with its
timeline, and forcing a leg now. Reading here never counts as a poll."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import JSONResponse

from emulator.api.control_common import Body, control_router, iso, parse_body, status_json
from emulator.api.identity import emulator_of
from emulator.api.params import enum_value, query_enum, query_value
from emulator.core.emulator import CallResult
from emulator.core.errors import MandatoryParameterMissing
from emulator.core.legs import Leg, LegAction
from emulator.core.statuses import CallingStatus
from emulator.core.timeline import TimelineEntry

router = control_router()


class ForceBody(Body):
    action: LegAction | None = None


def call_json(result: CallResult) -> dict[str, Any]:
    call, view = result.call, result.view
    return {
        "id": call.id,
        "accountId": call.account_id,
        "extensionId": call.extension_id,
        "from": call.from_number,
        "to": call.to_number,
        "callerId": call.caller_id,
        "playPrompt": call.play_prompt,
        "clockMode": call.mode.value,
        "scenario": call.scenario.name,
        "scenarioSource": call.scenario_source,
        "createdAt": iso(call.created_at),
        "status": status_json(view.state),
        "endedAt": iso(view.ended_at),
    }


def entry_json(entry: TimelineEntry) -> dict[str, Any]:
    body: dict[str, Any] = {"at": iso(entry.at), "cause": entry.cause}
    if entry.step is not None:
        body["step"] = entry.step
    if entry.leg is not None:
        body["leg"], body["action"] = entry.leg, entry.action
    body["status"] = status_json(entry.state)
    return body


@router.get("/calls")
async def list_calls(request: Request) -> JSONResponse:
    status = query_enum(request, "status", CallingStatus)
    extension_id = query_value(request, "extensionId")
    results = emulator_of(request).control_calls(extension_id, status.value if status else None)
    return JSONResponse({"records": [call_json(r) for r in results]})


@router.get("/calls/{callId}")
async def read_call(request: Request) -> JSONResponse:
    result, entries = emulator_of(request).control_call(request.path_params["callId"])
    return JSONResponse({**call_json(result), "timeline": [entry_json(e) for e in entries]})


@router.post("/calls/{callId}/legs/{leg}")
async def force_leg(request: Request) -> JSONResponse:
    """The action comes as ``{"action": ...}`` in the body (or ``?action=``)."""
    call_id = request.path_params["callId"]
    leg = enum_value("leg", request.path_params["leg"], Leg)
    chosen = query_enum(request, "action", LegAction) or (await parse_body(request, ForceBody)).action
    if chosen is None:
        raise MandatoryParameterMissing("action")
    emulator = emulator_of(request)
    emulator.force_leg(call_id, leg, chosen)
    result, entries = emulator.control_call(call_id)
    return JSONResponse({**call_json(result), "timeline": [entry_json(e) for e in entries]})
