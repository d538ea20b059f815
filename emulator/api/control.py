"""The ``/__emulator`` control plane (not part of RingCentral's API): liveness and readiness
(never behind the control token), reset, seed and the magic-number table."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator import __version__
from emulator.api.delivery import engine_of
from emulator.api.identity import emulator_of
from emulator.api.inputs import Body, read_json
from emulator.api.journal import Journal
from emulator.api.responses import json_response
from emulator.api.routing import route
from emulator.core.errors import InvalidParameterDetail
from emulator.core.magic_numbers import MAGIC_NUMBERS, RANGES
from emulator.core.scopes import RESET_SCOPES

JOURNAL_SCOPE = "journal"  # the journal is HTTP's, not the domain's: reset here
DELIVERIES_SCOPE = "deliveries"  # the delivery log too
SCOPES = (*RESET_SCOPES[:2], JOURNAL_SCOPE, *RESET_SCOPES[2:], DELIVERIES_SCOPE)  # the order the README lists them in
HTTP_SCOPES = (JOURNAL_SCOPE, DELIVERIES_SCOPE)


def journal_of(request: Request) -> Journal:
    journal: Journal = request.app.state.journal
    return journal


async def health(request: Request) -> Response:
    return json_response({"status": "ok"})


async def ready(request: Request) -> Response:
    if getattr(request.app.state, "emulator", None) is None:
        return json_response({"status": "starting"}, 503)
    return json_response({"status": "ready", "version": __version__})


class ResetBody(Body):
    scopes: list[str] = Field(default_factory=lambda: list(SCOPES), min_length=1, max_length=len(SCOPES) * 2)


async def reset(request: Request) -> Response:
    body = await read_json(request, ResetBody)
    unknown = sorted(set(body.scopes) - set(SCOPES))
    if unknown:
        raise InvalidParameterDetail("scopes", detail=f"Unknown scope {', '.join(unknown)}; valid: {', '.join(SCOPES)}")
    emulator = emulator_of(request)  # the account named, else the global namespace (created accounts stay)
    emulator.reset([scope for scope in body.scopes if scope not in HTTP_SCOPES])
    if JOURNAL_SCOPE in body.scopes:
        journal_of(request).clear(emulator.namespace)
    if DELIVERIES_SCOPE in body.scopes:
        engine_of(request).log.clear(emulator.namespace)
    if {"subscriptions", "tokens"} & set(body.scopes):  # their sockets close (1001) and their sessions end
        await request.app.state.ws_gateway.close_all(emulator)
    return json_response({"reset": body.scopes})


class SeedBody(Body):
    seed: int | None = Field(ge=-(2**63), le=2**63 - 1)


async def seed(request: Request) -> Response:
    body = await read_json(request, SeedBody)
    emulator_of(request).seed(body.seed)
    return json_response({"seed": body.seed})


async def magic_numbers(request: Request) -> Response:
    records = [
        {
            "suffix": row.suffix,
            "numbers": list(row.numbers()),
            "side": row.side.value,
            "scenario": row.scenario,
            "delaySeconds": row.delay,
        }
        for row in MAGIC_NUMBERS
    ]
    ranges = [{"prefix": prefix, "description": description} for prefix, description in RANGES]
    return json_response({"ranges": ranges, "records": records})


routes = [
    route("GET", "/health", health, "emulatorHealth"),
    route("GET", "/ready", ready, "emulatorReady"),
    route("POST", "/reset", reset, "emulatorReset"),
    route("POST", "/seed", seed, "emulatorSeed"),
    route("GET", "/magic-numbers", magic_numbers, "emulatorListMagicNumbers"),
]
