"""``/__emulator/scenarios``: list, show, upload (validated exactly like files), delete an
uploaded one; the default scenario. Uploads take JSON or YAML with the file's fields."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.identity import emulator_of
from emulator.api.inputs import UPLOAD_LIMIT, Body, media_type, read_body, read_json
from emulator.api.responses import json_response, no_content
from emulator.api.routing import route
from emulator.core.emulator import ScenarioInfo
from emulator.core.errors import InvalidScenario, MalformedDocument
from emulator.scenario_files import UPLOAD_MEDIA_TYPES, ScenarioFileError, ScenarioSyntaxError, parse_upload


def scenario_json(info: ScenarioInfo) -> dict[str, Any]:
    steps = [
        {k: v for k, v in (("at", s.at), ("caller", s.caller), ("callee", s.callee), ("call", s.call)) if v is not None}
        for s in info.scenario.steps
    ]
    return {
        "name": info.scenario.name,
        "description": info.scenario.description,
        "origin": info.origin,
        "default": info.default,
        "steps": steps,
    }


async def list_scenarios(request: Request) -> Response:
    return json_response({"records": [scenario_json(info) for info in emulator_of(request).scenario_infos()]})


class DefaultBody(Body):
    scenario: str = Field(max_length=64)


async def read_default(request: Request) -> Response:
    return json_response({"scenario": emulator_of(request).default_scenario})


async def set_default(request: Request) -> Response:
    body = await read_json(request, DefaultBody)
    emulator_of(request).set_default_scenario(body.scenario)
    return json_response({"scenario": body.scenario})


async def read_scenario(request: Request) -> Response:
    return json_response(scenario_json(emulator_of(request).scenario_info(request.path_params["name"])))


async def upload_scenario(request: Request) -> Response:
    name = request.path_params["name"]
    body = await read_body(request, accept=UPLOAD_MEDIA_TYPES, limit=UPLOAD_LIMIT, untyped=UPLOAD_MEDIA_TYPES[0])
    kind = media_type(request) or UPLOAD_MEDIA_TYPES[0]
    try:
        scenario = parse_upload(name, body, kind)
    except ScenarioSyntaxError as exc:
        language = "JSON" if kind == UPLOAD_MEDIA_TYPES[0] else "YAML"
        raise MalformedDocument(language=language, detail="; ".join(exc.problems)) from None
    except ScenarioFileError as exc:
        raise InvalidScenario("; ".join(exc.problems)) from None
    emulator = emulator_of(request)
    created = emulator.upload_scenario(scenario)
    return json_response(scenario_json(emulator.scenario_info(name)), 201 if created else 200)


async def delete_scenario(request: Request) -> Response:
    emulator_of(request).delete_scenario(request.path_params["name"])
    return no_content()


routes = [
    route("GET", "/scenarios", list_scenarios, "emulatorListScenarios"),
    route("GET", "/default-scenario", read_default, "emulatorReadDefaultScenario"),
    route("PUT", "/default-scenario", set_default, "emulatorSetDefaultScenario"),
    # ``/scenarios/queue`` (control_rules) comes before these in the table
    route("GET", "/scenarios/{name}", read_scenario, "emulatorReadScenario"),
    route("PUT", "/scenarios/{name}", upload_scenario, "emulatorUploadScenario"),
    route("DELETE", "/scenarios/{name}", delete_scenario, "emulatorDeleteScenario"),
]
