"""``/__emulator/report``: the production-readiness report (JSON, or Markdown with
``?format=markdown`` or ``Accept: text/markdown``)."""

from __future__ import annotations

from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from emulator.api.control import journal_of
from emulator.api.identity import emulator_of
from emulator.api.inputs import Query, header, read_query
from emulator.api.report import report
from emulator.api.report_markdown import markdown
from emulator.api.responses import json_response
from emulator.api.routing import route

MARKDOWN = "text/markdown"


class ReportQuery(Query):
    format: Literal["json", "markdown"] | None = None


async def read_report(request: Request) -> Response:
    chosen = read_query(request, ReportQuery).format
    journal = journal_of(request)
    emulator = emulator_of(request)
    _, policies = emulator.rate_limit_policies()
    entries = [entry for entry in journal if entry.account == emulator.namespace]  # the namespace's own
    body = report(entries, journal.size, journal.dropped(emulator.namespace), policies, emulator.clock_reading()[1])
    wants_markdown = chosen == "markdown" or (chosen is None and MARKDOWN in (header(request.scope, b"accept") or ""))
    if wants_markdown:
        return Response(markdown(body), media_type=f"{MARKDOWN}; charset=utf-8")
    return json_response(body)


routes = [route("GET", "/report", read_report, "emulatorReadReport")]
