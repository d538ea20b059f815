"""Call log and active calls: ``call-log`` (list), ``call-log/{callRecordId}`` (one record, or a
comma list of up to 50 as a 207 ``multipart/mixed`` batch) and ``active-calls``.

Thin: who is calling, the query, one ``Emulator`` method, the JSON (``call_log_json``)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated, Any, Literal
from weakref import WeakKeyDictionary

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import to_json
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.call_log_json import extension_uri, list_body, record_json
from emulator.api.errors import error_body
from emulator.api.identity import caller_extension, emulator_of
from emulator.api.inputs import Instant, Query, QueryInt, read_query
from emulator.api.rendered_records import RenderedRecords
from emulator.api.responses import base_url, json_bytes_response, json_response
from emulator.api.routing import route
from emulator.core.access import READ_CALL_LOG
from emulator.core.call_log import LogEntry, LogQuery, kinds_match
from emulator.core.emulator import Emulator
from emulator.core.errors import EmulatorError, InvalidParameterDetail

BASE = "/restapi/v1.0/account/{accountId}/extension/{extensionId}"
MAX_PER_PAGE = 1000  # perPage=max, and where a larger perPage is clamped (the platform's rule)
MAX_BATCH = 50  # ids in one call-log/{id1,id2,...} request
MAX_PAGE = 1000  # paging.page is at most 1000 in the spec (EnumeratedPagingModel)
DAY = timedelta(hours=24)
BOUNDARY = "Boundary_call-log"


def _per_page(value: object) -> object:
    return MAX_PER_PAGE if value == "max" else value


PerPage = Annotated[QueryInt, BeforeValidator(_per_page), Field(ge=1), AfterValidator(lambda n: min(n, MAX_PER_PAGE))]
Direction = Literal["Inbound", "Outbound"]
CallType = Literal["Voice", "Fax"]


class PageQuery(Query):
    direction: list[Direction] | None = Field(None, max_length=2)
    type: list[CallType] | None = Field(None, max_length=2)
    view: Literal["Simple", "Detailed"] = "Simple"
    per_page: PerPage = Field(100, alias="perPage")
    page: QueryInt = Field(1, ge=1, le=MAX_PAGE)


class CallLogQuery(PageQuery):
    date_from: Instant | None = Field(None, alias="dateFrom")
    date_to: Instant | None = Field(None, alias="dateTo")
    phone_number: str | None = Field(None, alias="phoneNumber", pattern=r"^\+?[0-9]{1,15}$")
    session_id: str | None = Field(None, alias="sessionId", min_length=1, max_length=64)
    telephony_session_id: str | None = Field(None, alias="telephonySessionId", min_length=1, max_length=64)
    # No RingOut record is VoIP or has a recording: these filters admit all of them or none.
    transport: list[Literal["PSTN", "VoIP"]] | None = Field(None, max_length=2)
    with_recording: bool | None = Field(None, alias="withRecording")
    recording_type: Literal["Automatic", "OnDemand", "All"] | None = Field(None, alias="recordingType")
    show_blocked: bool = Field(True, alias="showBlocked")  # validated; nothing is blocked
    show_deleted: bool = Field(False, alias="showDeleted")  # validated; nothing is deleted

    def admits_ringouts(self) -> bool:
        pstn = self.transport is None or "PSTN" in self.transport
        return pstn and not self.with_recording and self.recording_type is None


class RecordQuery(Query):
    view: Literal["Simple", "Detailed"] = "Simple"


LISTS = ("direction", "type")
LOG_LISTS = (*LISTS, "transport")


async def read_user_call_log(request: Request) -> Response:
    query = read_query(request, CallLogQuery, lists=LOG_LISTS)  # before the token, like every paged list
    extension = caller_extension(request, READ_CALL_LOG)
    emulator = emulator_of(request)
    now = emulator.clock.now()
    date_to = query.date_to.timestamp() if query.date_to else now
    date_from = query.date_from.timestamp() if query.date_from else date_to - DAY.total_seconds()
    sessions = tuple(s for s in (query.session_id, query.telephony_session_id) if s is not None)
    log_query = LogQuery(
        date_from=date_from,
        date_to=date_to,
        phone_number=query.phone_number.lstrip("+") if query.phone_number else None,
        sessions=sessions,
        directions=frozenset(query.direction) if query.direction is not None else None,
        types=_types(query) if query.admits_ringouts() else frozenset(),  # no type admits what no filter can
        page=query.page,
        per_page=query.per_page,
    )
    page = emulator.call_log_entries(extension, log_query)
    base = base_url(request)
    detailed = query.view == "Detailed"
    rendered = rendered_of(request, emulator)

    def render(entry: LogEntry) -> bytes:
        return to_json(record_json(emulator.record_of(entry), extension, base, detailed, now))

    records = rendered.records(page.entries, detailed, base, render, emulator.call_log_revision())
    uri = f"{extension_uri(base, extension)}/call-log"
    body = list_body(records, page.total, query.page, query.per_page, uri, request.query_params.multi_items())
    return json_bytes_response(body)


def _types(query: PageQuery) -> frozenset[str] | None:
    return frozenset(query.type) if query.type is not None else None


def rendered_of(request: Request, emulator: Emulator) -> RenderedRecords:
    """The namespace's rendered records: one is found by its log sequence number, which each
    namespace's call log counts on its own (a created account's go with its ``Emulator``)."""
    if emulator.namespace is None:
        found: RenderedRecords = request.app.state.rendered_records
        return found
    kept: WeakKeyDictionary[Emulator, RenderedRecords] = request.app.state.account_records
    mine = kept.get(emulator)
    if mine is None:
        mine = kept[emulator] = RenderedRecords()
    return mine


async def read_user_call_record(request: Request) -> Response:
    query = read_query(request, RecordQuery)
    extension = caller_extension(request, READ_CALL_LOG)
    ids = request.path_params["callRecordId"].split(",")
    if len(ids) > MAX_BATCH or not all(ids):
        raise InvalidParameterDetail("callRecordId", detail=f"Give 1 to {MAX_BATCH} comma-separated ids.")
    emulator = emulator_of(request)
    now = emulator.clock.now()
    base = base_url(request)
    detailed = query.view == "Detailed"
    if len(ids) == 1:
        record = emulator.call_log_record(extension, ids[0])
        return json_response(record_json(record, extension, base, detailed, now))
    parts: list[tuple[int, Any]] = []
    for record_id in ids:
        try:
            record = emulator.call_log_record(extension, record_id)
        except EmulatorError as error:
            parts.append((error.status, error_body(error)))
        else:
            parts.append((200, record_json(record, extension, base, detailed, now)))
    href = f"{extension_uri(base, extension)}/call-log"
    return _multipart(parts, href, ids)


def _multipart(parts: list[tuple[int, Any]], href: str, ids: list[str]) -> Response:
    """RingCentral's batch answer: a ``multipart/mixed`` body, first the statuses, then one JSON
    part per id, in the order given."""
    statuses = [
        {"href": f"{href}/{record_id}", "status": status, "responseDescription": "OK" if status == 200 else "Error"}
        for record_id, (status, _) in zip(ids, parts, strict=True)
    ]
    from email.message import EmailMessage  # the batch answer only: not at start-up
    from email.policy import HTTP

    message = EmailMessage(policy=HTTP)
    message.make_mixed()
    message.set_boundary(BOUNDARY)
    for payload in [{"response": statuses}, *(body for _, body in parts)]:
        part = EmailMessage(policy=HTTP)
        text = json.dumps(payload, separators=(",", ":"))  # ASCII (\u escapes): a 7bit part
        part.set_content(text.encode(), maintype="application", subtype="json", cte="7bit")
        del part["MIME-Version"]
        message.attach(part)
    body = message.as_bytes().split(b"\r\n\r\n", 1)[1]
    return Response(body, status_code=207, media_type=f"multipart/mixed; boundary={BOUNDARY}")


async def list_extension_active_calls(request: Request) -> Response:
    query = read_query(request, PageQuery, lists=LISTS)
    extension = caller_extension(request, READ_CALL_LOG)
    emulator = emulator_of(request)
    now = emulator.clock.now()
    calls = emulator.active_calls(extension)
    directions = frozenset(query.direction) if query.direction is not None else None
    if not kinds_match(directions, _types(query)):
        calls = []
    start = (query.page - 1) * query.per_page
    base = base_url(request)
    detailed = query.view == "Detailed"
    body = [to_json(record_json(r, extension, base, detailed, now)) for r in calls[start : start + query.per_page]]
    uri = f"{extension_uri(base, extension)}/active-calls"
    return json_bytes_response(
        list_body(body, len(calls), query.page, query.per_page, uri, request.query_params.multi_items())
    )


routes = [
    route("GET", f"{BASE}/call-log", read_user_call_log, "readUserCallLog"),
    route("GET", f"{BASE}/call-log/{{callRecordId}}", read_user_call_record, "readUserCallRecord"),
    route("GET", f"{BASE}/active-calls", list_extension_active_calls, "listExtensionActiveCalls"),
]
