"""``/__emulator/call-log/settings``: the call-log delay (how long after a call ends its record
appears), readable and changeable at run time; the cap and the record count, read-only."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.identity import emulator_of
from emulator.api.inputs import Body, read_json
from emulator.api.responses import json_response
from emulator.api.routing import route


class CallLogSettingsBody(Body):
    delay_seconds: float = Field(alias="delaySeconds", ge=0, le=86_400, allow_inf_nan=False)


async def read_call_log_settings(request: Request) -> Response:
    delay, cap, count = emulator_of(request).call_log_settings()
    return json_response({"delaySeconds": delay, "maxRecords": cap, "records": count})


async def update_call_log_settings(request: Request) -> Response:
    body = await read_json(request, CallLogSettingsBody)
    emulator_of(request).set_call_log_delay(body.delay_seconds)
    return await read_call_log_settings(request)


routes = [
    route("GET", "/call-log/settings", read_call_log_settings, "emulatorReadCallLogSettings"),
    route("PUT", "/call-log/settings", update_call_log_settings, "emulatorUpdateCallLogSettings"),
]
