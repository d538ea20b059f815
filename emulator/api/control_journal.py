"""``/__emulator/requests``: the request journal, filtered, counted, cleared."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from starlette.responses import JSONResponse, Response

from emulator.api.control_common import control_router, iso, no_content
from emulator.api.identity import emulator_of
from emulator.core.journal import JournalEntry, JournalQuery

router = control_router()


def journal_query(
    method: str | None = None,
    path: str | None = None,
    pathPrefix: str | None = None,
    status: int | None = None,
    callId: str | None = None,
    scenario: str | None = None,
    to: str | None = None,
    from_: str | None = Query(None, alias="from"),
    limit: int | None = Query(None, ge=0),
) -> JournalQuery:
    return JournalQuery(
        method.upper() if method else None, path, pathPrefix, status, callId, scenario, to, from_, limit
    )


def entry_json(entry: JournalEntry) -> dict[str, Any]:
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
    }


Filters = Annotated[JournalQuery, Depends(journal_query)]


@router.get("/requests")
async def list_requests(request: Request, query: Filters) -> JSONResponse:
    journal = emulator_of(request).journal
    records = [entry_json(e) for e in journal.find(query)]
    return JSONResponse({"records": records, "count": len(records), "size": journal.size})


@router.get("/requests/count")
async def count_requests(request: Request, query: Filters) -> JSONResponse:
    return JSONResponse({"count": emulator_of(request).journal.count(query)})


@router.delete("/requests")
async def clear_requests(request: Request) -> Response:
    emulator_of(request).journal.clear()
    return no_content()
