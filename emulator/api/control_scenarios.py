"""``/__emulator/scenarios``: list, show, upload (validated exactly like files), delete an
uploaded one; the default scenario. Uploads take JSON or YAML with the file's fields."""

from __future__ import annotations

import json
from typing import Any

import yaml
from fastapi import Request
from starlette.responses import JSONResponse, Response

from emulator.api.control_common import Body, control_router, no_content, parse_body
from emulator.api.identity import emulator_of
from emulator.core.emulator import Emulator
from emulator.core.errors import InvalidScenario, MalformedJson, PayloadTooLarge
from emulator.core.scenario import Scenario
from emulator.scenario_files import ScenarioFileError, parse_scenario

MAX_UPLOAD = 64 * 1024
router = control_router()


def scenario_json(emulator: Emulator, scenario: Scenario) -> dict[str, Any]:
    steps = [
        {k: v for k, v in (("at", s.at), ("caller", s.caller), ("callee", s.callee), ("call", s.call)) if v is not None}
        for s in scenario.steps
    ]
    origin = "uploaded" if scenario.name in emulator.uploaded else "loaded"
    return {
        "name": scenario.name,
        "description": scenario.description,
        "origin": origin,
        "default": scenario.name == emulator.default_scenario,
        "steps": steps,
    }


@router.get("/scenarios")
async def list_scenarios(request: Request) -> JSONResponse:
    emulator = emulator_of(request)
    records = [scenario_json(emulator, emulator.scenarios[name]) for name in sorted(emulator.scenarios)]
    return JSONResponse({"records": records})


class DefaultBody(Body):
    scenario: str


@router.get("/default-scenario")
async def read_default(request: Request) -> JSONResponse:
    return JSONResponse({"scenario": emulator_of(request).default_scenario})


@router.put("/default-scenario")
async def set_default(request: Request) -> JSONResponse:
    body = await parse_body(request, DefaultBody)
    emulator_of(request).set_default_scenario(body.scenario)
    return JSONResponse({"scenario": body.scenario})


# ``/scenarios/queue`` is served by control_rules, included before this router.


@router.get("/scenarios/{name}")
async def read_scenario(request: Request) -> JSONResponse:
    emulator = emulator_of(request)
    return JSONResponse(scenario_json(emulator, emulator.scenario(request.path_params["name"])))


@router.put("/scenarios/{name}")
async def upload_scenario(request: Request) -> JSONResponse:
    name = request.path_params["name"]
    emulator = emulator_of(request)
    try:
        scenario = parse_scenario(name, await _document(request), f"uploaded scenario {name!r}")
    except ScenarioFileError as exc:
        raise InvalidScenario("; ".join(exc.problems)) from None
    created = emulator.upload_scenario(scenario)
    return JSONResponse(scenario_json(emulator, scenario), status_code=201 if created else 200)


@router.delete("/scenarios/{name}")
async def delete_scenario(request: Request) -> Response:
    emulator_of(request).delete_scenario(request.path_params["name"])
    return no_content()


async def _document(request: Request) -> Any:
    body = await request.body()
    if len(body) > MAX_UPLOAD:
        raise PayloadTooLarge(limit=MAX_UPLOAD)
    kind = request.headers.get("content-type", "application/json").split(";", 1)[0].strip().lower()
    try:
        return yaml.safe_load(body) if "yaml" in kind else json.loads(body)
    except (ValueError, yaml.YAMLError):
        raise MalformedJson() from None
