"""``GET /restapi/v1.0/account/{accountId}/telephony/sessions/{telephonySessionId}``: a RingOut's
telephony session as it stands (``CallSessionObject``): each party's latest status from the same
events the subscriptions receive. A RingOut id is not its session id (``core/sessions``): the
session id comes from the notifications (``body.telephonySessionId``) or presence
(``activeCalls[].telephonySessionId``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from emulator.api.identity import caller_extension, emulator_of
from emulator.api.notifications import party_json
from emulator.api.responses import iso, json_response
from emulator.api.routing import route
from emulator.core.access import Access

CALL_CONTROL = Access("CallControl", "CallControl")


async def read_call_session_status(request: Request) -> Response:
    emulator = emulator_of(request)
    extension = caller_extension(request, CALL_CONTROL, extension_ref="~")  # an account path: the token's own
    call, events = emulator.telephony_session(extension, request.path_params["telephonySessionId"])
    latest = {event.party: event for event in events.parties}
    parties = [party_json(call, number, event.code, event.reason) for number, event in sorted(latest.items())]
    return json_response(
        {
            "id": request.path_params["telephonySessionId"],
            "origin": {"type": "RingOut"},
            "parties": parties,
            "creationTime": iso(call.created_at),
        }
    )


routes = [
    route(
        "GET",
        "/restapi/v1.0/account/{accountId}/telephony/sessions/{telephonySessionId}",
        read_call_session_status,
        "readCallSessionStatus",
    ),
]
