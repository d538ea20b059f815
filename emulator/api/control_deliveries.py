"""``/__emulator/deliveries``: the delivery log (every webhook handshake and notification
attempt, with subscription, event, sequence, status code, latency and error), and a clear."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.delivery import engine_of
from emulator.api.identity import emulator_of
from emulator.api.inputs import Query, QueryInt, read_query
from emulator.api.responses import json_response, no_content
from emulator.api.routing import route


class DeliveryFilters(Query):
    subscription_id: str | None = Field(None, alias="subscriptionId", max_length=64)
    limit: QueryInt | None = Field(None, ge=0, le=1_000_000)


async def list_deliveries(request: Request) -> Response:
    query = read_query(request, DeliveryFilters)
    log = engine_of(request).log
    records = [d.json() for d in log.find(query.subscription_id, query.limit, emulator_of(request).namespace)]
    return json_response({"records": records, "count": len(records), "size": log.size})


async def clear_deliveries(request: Request) -> Response:
    engine_of(request).log.clear(emulator_of(request).namespace)
    return no_content()


routes = [
    route("GET", "/deliveries", list_deliveries, "emulatorListDeliveries"),
    route("DELETE", "/deliveries", clear_deliveries, "emulatorClearDeliveries"),
]
