"""``/__emulator/requests``: the request journal, filtered, counted, cleared."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.control import journal_of
from emulator.api.identity import emulator_of
from emulator.api.inputs import Query, QueryInt, read_query
from emulator.api.journal import JournalEntry, JournalQuery
from emulator.api.responses import iso, json_response, no_content
from emulator.api.routing import route
from emulator.core.phone import PhoneNumberError, to_e164

MAX_TEXT = 1024


class JournalFilters(Query):
    method: str | None = Field(None, max_length=16)
    path: str | None = Field(None, max_length=MAX_TEXT)
    path_prefix: str | None = Field(None, alias="pathPrefix", max_length=MAX_TEXT)
    status: QueryInt | None = Field(None, ge=100, le=599)
    call_id: str | None = Field(None, alias="callId", max_length=MAX_TEXT)
    scenario: str | None = Field(None, max_length=MAX_TEXT)
    to: str | None = Field(None, max_length=64)
    from_: str | None = Field(None, alias="from", max_length=64)
    limit: QueryInt | None = Field(None, ge=0, le=1_000_000)

    @field_validator("to", "from_")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        """However the client wrote it: ``+1650…``, ``1650…``, ``%2B1650…`` (or a raw ``+`` that
        the query string turned into a space)."""
        if value is None:
            return None
        international = value[:1] in ("+", " ")
        try:
            return to_e164("+" + value.strip().lstrip("+") if international else value, "US")
        except PhoneNumberError:
            return value  # matches nothing the journal holds, as asked

    def journal_query(self, account: str | None) -> JournalQuery:
        method = self.method.upper() if self.method else None
        return JournalQuery(
            method,
            self.path,
            self.path_prefix,
            self.status,
            self.call_id,
            self.scenario,
            self.to,
            self.from_,
            self.limit,
            account,
        )


def entry_json(entry: JournalEntry) -> dict[str, Any]:
    fault = entry.noted("fault")  # only on a faulted request (``emulator.api.faults``)
    return {
        "seq": entry.seq,
        "method": entry.method,
        "path": entry.path,
        "query": entry.query(),
        "headers": entry.headers(),
        "status": entry.status,
        "at": iso(entry.at),
        "durationMs": round(entry.duration_ms, 3),
        "callId": entry.noted("call_id"),
        "scenario": entry.noted("scenario"),
        "scenarioSource": entry.noted("scenario_source"),
        "to": entry.noted("to"),
        "from": entry.noted("from"),
        **({"fault": fault} if fault else {}),
        **({"account": entry.account} if entry.account else {}),
    }


async def list_requests(request: Request) -> Response:
    query = read_query(request, JournalFilters).journal_query(emulator_of(request).namespace)
    journal = journal_of(request)
    records = [entry_json(e) for e in journal.find(query)]
    return json_response({"records": records, "count": len(records), "size": journal.size})


async def count_requests(request: Request) -> Response:
    query = read_query(request, JournalFilters).journal_query(emulator_of(request).namespace)
    return json_response({"count": journal_of(request).count(query)})


async def clear_requests(request: Request) -> Response:
    journal_of(request).clear(emulator_of(request).namespace)
    return no_content()


routes = [
    route("GET", "/requests", list_requests, "emulatorListRequests"),
    route("DELETE", "/requests", clear_requests, "emulatorClearRequests"),
    route("GET", "/requests/count", count_requests, "emulatorCountRequests"),
]
