"""``/__emulator/requests``: the request journal, filtered, counted, cleared."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import JSONResponse, Response

from emulator.api.control_common import control_router, iso, no_content
from emulator.api.identity import emulator_of
from emulator.api.params import query_int, query_value
from emulator.core.journal import JournalEntry, JournalQuery

router = control_router()


def journal_query(request: Request) -> JournalQuery:
    """The filters from the query string (``status`` and ``limit`` >= 0 are integers: CMN-101)."""
    status, limit = query_int(request, "status"), query_int(request, "limit", minimum=0)
    method, path, path_prefix, call_id, scenario, to, from_ = (
        query_value(request, name) for name in ("method", "path", "pathPrefix", "callId", "scenario", "to", "from")
    )
    return JournalQuery(
        method.upper() if method else None, path, path_prefix, status, call_id, scenario, to, from_, limit
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


@router.get("/requests")
async def list_requests(request: Request) -> JSONResponse:
    query = journal_query(request)
    journal = emulator_of(request).journal
    records = [entry_json(e) for e in journal.find(query)]
    return JSONResponse({"records": records, "count": len(records), "size": journal.size})


@router.get("/requests/count")
async def count_requests(request: Request) -> JSONResponse:
    return JSONResponse({"count": emulator_of(request).journal.count(journal_query(request))})


@router.delete("/requests")
async def clear_requests(request: Request) -> Response:
    emulator_of(request).journal.clear()
    return no_content()
