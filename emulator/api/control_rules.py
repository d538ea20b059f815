"""Choosing outcomes from the control plane: the scenario queue (each entry used by the next
matching call) and rules (matched on ``to``/``from`` number or prefix, optional ``times``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import Field, field_validator
from starlette.responses import JSONResponse, Response

from emulator.api.control_common import Body, control_router, no_content, parse_body
from emulator.api.identity import emulator_of
from emulator.core.phone import PhoneNumberError, to_e164
from emulator.core.rules import Match, Rule

PREFIX_PATTERN = r"^\+[0-9]{1,15}$"
router = control_router()


class QueueBody(Body):
    scenario: str
    to: str | None = None
    from_: str | None = Field(None, alias="from")

    @field_validator("to", "from_")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith("+"):
            raise ValueError("must be an E.164 number starting with +")
        try:
            return to_e164(value, "US")
        except PhoneNumberError:
            raise ValueError("is not a phone number") from None

    def match(self) -> Match:
        return Match(to=self.to, from_=self.from_)


class RuleBody(QueueBody):
    to_prefix: str | None = Field(None, alias="toPrefix", pattern=PREFIX_PATTERN)
    from_prefix: str | None = Field(None, alias="fromPrefix", pattern=PREFIX_PATTERN)
    times: int | None = Field(None, ge=1)

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


@router.post("/scenarios/queue")
async def queue_scenario(request: Request) -> JSONResponse:
    body = await parse_body(request, QueueBody)
    entry = emulator_of(request).queue_scenario(body.scenario, body.match())
    return JSONResponse(rule_json(entry), status_code=201)


@router.get("/scenarios/queue")
async def list_queue(request: Request) -> JSONResponse:
    return JSONResponse({"records": [rule_json(e) for e in emulator_of(request).queue.rules()]})


@router.delete("/scenarios/queue")
async def clear_queue(request: Request) -> Response:
    emulator_of(request).queue.clear()
    return no_content()


@router.post("/rules")
async def add_rule(request: Request) -> JSONResponse:
    body = await parse_body(request, RuleBody)
    rule = emulator_of(request).add_rule(body.scenario, body.match(), body.times)
    return JSONResponse(rule_json(rule), status_code=201)


@router.get("/rules")
async def list_rules(request: Request) -> JSONResponse:
    return JSONResponse({"records": [rule_json(r) for r in emulator_of(request).rules.rules()]})


@router.delete("/rules/{ruleId}")
async def delete_rule(request: Request) -> Response:
    emulator_of(request).remove_rule(request.path_params["ruleId"])
    return no_content()


@router.delete("/rules")
async def clear_rules(request: Request) -> Response:
    emulator_of(request).rules.clear()
    return no_content()
