"""``/__emulator/call-log/settings``: the call-log delay (how long after a call ends its record
appears), readable and changeable at run time; the cap and the record count, read-only.
``/__emulator/call-log``: the records visible now, of every extension (no OAuth token needed: the
dashboard reads it), each rendered as the RingCentral route renders it in the Simple view."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.call_log_json import record_json
from emulator.api.identity import emulator_of
from emulator.api.inputs import Body, Query, QueryInt, read_json, read_query
from emulator.api.responses import base_url, json_response
from emulator.api.routing import route

MAX_LIMIT = 1000


class CallLogSettingsBody(Body):
    delay_seconds: float = Field(alias="delaySeconds", ge=0, le=86_400, allow_inf_nan=False)


class CallLogFilters(Query):
    extension_id: str | None = Field(None, alias="extensionId", min_length=1, max_length=64)
    limit: QueryInt = Field(100, ge=0, le=MAX_LIMIT)


async def list_call_log(request: Request) -> Response:
    query = read_query(request, CallLogFilters)
    emulator = emulator_of(request)
    base, now = base_url(request), emulator.clock.now()
    found = emulator.control_call_log(query.extension_id, query.limit)
    return json_response({"records": [record_json(record, ext, base, False, now) for record, ext in found]})


async def read_call_log_settings(request: Request) -> Response:
    delay, cap, count = emulator_of(request).call_log_settings()
    return json_response({"delaySeconds": delay, "maxRecords": cap, "records": count})


async def update_call_log_settings(request: Request) -> Response:
    body = await read_json(request, CallLogSettingsBody)
    emulator_of(request).set_call_log_delay(body.delay_seconds)
    return await read_call_log_settings(request)


routes = [
    route("GET", "/call-log", list_call_log, "emulatorListCallLog"),
    route("GET", "/call-log/settings", read_call_log_settings, "emulatorReadCallLogSettings"),
    route("PUT", "/call-log/settings", update_call_log_settings, "emulatorUpdateCallLogSettings"),
]
