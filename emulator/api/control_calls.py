"""``/__emulator/calls``: every stored call (filter by extension, status), one call with its
timeline, and forcing a leg now. Reading here never counts as a poll."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.delivery import deliver_due
from emulator.api.identity import emulator_of
from emulator.api.inputs import Body, Query, path_value, read_json, read_query
from emulator.api.responses import iso, json_response
from emulator.api.routing import route
from emulator.core.emulator import CallResult
from emulator.core.errors import MandatoryParameterMissing
from emulator.core.legs import Leg, LegAction
from emulator.core.scenario import CallState
from emulator.core.statuses import CallingStatus
from emulator.core.timeline import TimelineEntry


class ForceBody(Body):
    action: LegAction | None = None


class ForceQuery(Query):
    action: LegAction | None = None


class LegPath(Query):
    leg: Leg


class CallsQuery(Query):
    status: CallingStatus | None = None
    extension_id: str | None = Field(None, alias="extensionId", max_length=64)


def status_json(state: CallState) -> dict[str, str]:
    return {"callStatus": state.call.value, "callerStatus": state.caller.value, "calleeStatus": state.callee.value}


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


def detail_json(result: CallResult, entries: list[TimelineEntry]) -> dict[str, Any]:
    return {**call_json(result), "timeline": [entry_json(e) for e in entries]}


async def list_calls(request: Request) -> Response:
    query = read_query(request, CallsQuery)
    status = query.status.value if query.status else None
    results = emulator_of(request).control_calls(query.extension_id, status)
    return json_response({"records": [call_json(r) for r in results]})


async def read_call(request: Request) -> Response:
    return json_response(detail_json(*emulator_of(request).control_call(request.path_params["callId"])))


async def force_leg(request: Request) -> Response:
    """The action comes as ``{"action": ...}`` in the body (or ``?action=``)."""
    call_id = request.path_params["callId"]
    leg = path_value(request, LegPath).leg
    chosen = read_query(request, ForceQuery).action or (await read_json(request, ForceBody)).action
    if chosen is None:
        raise MandatoryParameterMissing("action")
    emulator = emulator_of(request)
    emulator.force_leg(call_id, leg, chosen)
    await deliver_due(request, emulator)
    return json_response(detail_json(*emulator.control_call(call_id)))


routes = [
    route("GET", "/calls", list_calls, "emulatorListCalls"),
    route("GET", "/calls/{callId}", read_call, "emulatorReadCall"),
    route("POST", "/calls/{callId}/legs/{leg}", force_leg, "emulatorForceLeg"),
]
