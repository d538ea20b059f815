"""Choosing outcomes from the control plane: the scenario queue (each entry used by the next
matching call) and rules (matched on ``to``/``from`` number or prefix, optional ``times``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.identity import emulator_of
from emulator.api.inputs import E164, Body, read_json
from emulator.api.responses import json_response, no_content
from emulator.api.routing import route
from emulator.core.rules import Match, Rule

PREFIX_PATTERN = r"^\+[0-9]{1,15}$"  # pydantic-core's regex: ``$`` is the end of the text, newline or not


class QueueBody(Body):
    scenario: str = Field(max_length=64)
    to: E164 | None = Field(None, max_length=32)
    from_: E164 | None = Field(None, alias="from", max_length=32)

    def match(self) -> Match:
        return Match(to=self.to, from_=self.from_)


class RuleBody(QueueBody):
    to_prefix: str | None = Field(None, alias="toPrefix", pattern=PREFIX_PATTERN)
    from_prefix: str | None = Field(None, alias="fromPrefix", pattern=PREFIX_PATTERN)
    times: int | None = Field(None, ge=1, le=2**31 - 1)

    def match(self) -> Match:
        return Match(to=self.to, from_=self.from_, to_prefix=self.to_prefix, from_prefix=self.from_prefix)


def rule_json(rule: Rule) -> dict[str, Any]:
    m = rule.match
    found = {"to": m.to, "from": m.from_, "toPrefix": m.to_prefix, "fromPrefix": m.from_prefix}
    body: dict[str, Any] = {"id": rule.id, "scenario": rule.scenario, **{k: v for k, v in found.items() if v}}
    if rule.times is not None:
        body["times"] = rule.times
        body["remaining"] = rule.times - rule.used
    return body


async def queue_scenario(request: Request) -> Response:
    body = await read_json(request, QueueBody)
    entry = emulator_of(request).queue_scenario(body.scenario, body.match())
    return json_response(rule_json(entry), 201)


async def list_queue(request: Request) -> Response:
    return json_response({"records": [rule_json(e) for e in emulator_of(request).queued()]})


async def clear_queue(request: Request) -> Response:
    emulator_of(request).clear_queue()
    return no_content()


async def add_rule(request: Request) -> Response:
    body = await read_json(request, RuleBody)
    rule = emulator_of(request).add_rule(body.scenario, body.match(), body.times)
    return json_response(rule_json(rule), 201)


async def list_rules(request: Request) -> Response:
    return json_response({"records": [rule_json(r) for r in emulator_of(request).listed_rules()]})


async def delete_rule(request: Request) -> Response:
    emulator_of(request).remove_rule(request.path_params["ruleId"])
    return no_content()


async def clear_rules(request: Request) -> Response:
    emulator_of(request).clear_rules()
    return no_content()


routes = [
    route("POST", "/scenarios/queue", queue_scenario, "emulatorQueueScenario"),
    route("GET", "/scenarios/queue", list_queue, "emulatorListQueue"),
    route("DELETE", "/scenarios/queue", clear_queue, "emulatorClearQueue"),
    route("POST", "/rules", add_rule, "emulatorCreateRule"),
    route("GET", "/rules", list_rules, "emulatorListRules"),
    route("DELETE", "/rules", clear_rules, "emulatorDeleteRules"),
    route("DELETE", "/rules/{ruleId}", delete_rule, "emulatorDeleteRule"),
]
