"""``/__emulator/faults``: fault rules (create, list, delete one, clear), and the one model a
fault is read with, from a rule's body or from the ``X-Emulator-Fault`` header."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.identity import emulator_of
from emulator.api.inputs import E164, Body, Instant, body_problem, read_json
from emulator.api.responses import iso, json_response, no_content
from emulator.api.routing import route
from emulator.core.clock import TIME_RANGE, in_range
from emulator.core.errors import InvalidParameterDetail
from emulator.core.faults import BODY_EFFECTS, ERROR_STATUSES, Delay, Effect, Fault, FaultMatch, FaultRule, Firing, When
from emulator.core.rate_limits import OPERATION_GROUPS

MAX_MS = 60_000
MAX_HEADER = 512
HEADER = "X-Emulator-Fault"

# The parameters each effect reads (wire names); ``latency`` also reads its ``delay``'s.
EFFECT_PARAMETERS: dict[Effect, frozenset[str]] = {
    Effect.LATENCY: frozenset({"delay"}),
    Effect.ERROR: frozenset({"status", "retryAfter"}),
    Effect.THROTTLE: frozenset({"retryAfter"}),
    Effect.RESET: frozenset(),
    Effect.EMPTY: frozenset(),
    Effect.TRUNCATE: frozenset({"keepBytes"}),
    Effect.DRIBBLE: frozenset({"chunks", "ms"}),
}
DELAY_PARAMETERS: dict[Delay, frozenset[str]] = {
    Delay.FIXED: frozenset({"ms"}),
    Delay.UNIFORM: frozenset({"minMs", "maxMs"}),
    Delay.LOGNORMAL: frozenset({"medianMs", "sigma"}),
}
PARAMETERS = frozenset().union(*EFFECT_PARAMETERS.values(), *DELAY_PARAMETERS.values())


class FaultBody(Body):
    """What happens. ``when`` defaults to ``after`` for ``truncate`` and ``dribble`` (they damage
    a response) and to ``before`` otherwise."""

    effect: Effect
    when: When | None = None
    status: int = 503
    retry_after: int | None = Field(None, alias="retryAfter", ge=0, le=86_400)
    delay: Delay = Delay.FIXED
    ms: float = Field(0.0, ge=0, le=MAX_MS, allow_inf_nan=False)
    min_ms: float = Field(0.0, alias="minMs", ge=0, le=MAX_MS, allow_inf_nan=False)
    max_ms: float = Field(0.0, alias="maxMs", ge=0, le=MAX_MS, allow_inf_nan=False)
    median_ms: float = Field(0.0, alias="medianMs", ge=0, le=MAX_MS, allow_inf_nan=False)
    sigma: float = Field(0.5, ge=0, le=5, allow_inf_nan=False)
    chunks: int = Field(4, ge=1, le=1000)
    keep_bytes: int | None = Field(None, alias="keepBytes", ge=0, le=1_000_000)

    def fault(self, where: str | None = None) -> Fault:
        """The fault; refuses combinations no field's bound catches (naming ``where`` if given),
        and a parameter its effect would ignore (``{"effect": "error", "ms": 2000}`` is no slow error)."""
        reads = EFFECT_PARAMETERS[self.effect]
        if self.effect is Effect.LATENCY:
            reads |= DELAY_PARAMETERS[self.delay]
        given = {type(self).model_fields[name].alias or name for name in self.model_fields_set}
        if stray := sorted((given & PARAMETERS) - reads):
            what = f"latency with delay {self.delay.value}" if self.effect is Effect.LATENCY else self.effect.value
            raise InvalidParameterDetail(where or stray[0], detail=f"{stray[0]} does not apply to {what}.")
        if self.effect is Effect.ERROR and self.status not in ERROR_STATUSES:
            detail = f"status must be one of {', '.join(map(str, ERROR_STATUSES))}."
            raise InvalidParameterDetail(where or "status", detail=detail)
        if self.effect in BODY_EFFECTS and self.when is When.BEFORE:
            detail = f"{self.effect.value} damages a response: when must be 'after'."
            raise InvalidParameterDetail(where or "when", detail=detail)
        if self.min_ms > self.max_ms:
            raise InvalidParameterDetail(where or "minMs", detail="minMs must not exceed maxMs.")
        if self.effect is Effect.DRIBBLE and (self.chunks - 1) * self.ms > MAX_MS:  # bounded like a latency
            detail = f"A dribble's pauses ((chunks - 1) x ms) must last at most {MAX_MS} ms in all."
            raise InvalidParameterDetail(where or "ms", detail=detail)
        when = self.when or (When.AFTER if self.effect in BODY_EFFECTS else When.BEFORE)
        return Fault(
            self.effect,
            when,
            self.status,
            self.retry_after,
            self.delay,
            self.ms,
            self.min_ms,
            self.max_ms,
            self.median_ms,
            self.sigma,
            self.chunks,
            self.keep_bytes,
        )


class FaultRuleBody(FaultBody):
    operation: str | None = Field(None, max_length=128)
    method: str | None = Field(None, pattern=r"^(GET|POST|PUT|PATCH|DELETE)$")
    path_prefix: str | None = Field(None, alias="pathPrefix", pattern=r"^/[!-~]{0,1023}$")
    account: str | None = Field(None, min_length=1, max_length=64)
    extension: str | None = Field(None, min_length=1, max_length=64)
    to: E164 | None = Field(None, max_length=32)
    probability: float = Field(1.0, ge=0, le=1, allow_inf_nan=False)
    times: int | None = Field(None, ge=1, le=2**31 - 1)
    start: Instant | None = None
    end: Instant | None = None

    def match(self) -> FaultMatch:
        """The match; an operationId no platform route has would never fire: refused."""
        if self.operation is not None and self.operation not in OPERATION_GROUPS:
            detail = "Not an operationId of the platform's routes (see openapi.yaml), e.g. createRingOutCall."
            raise InvalidParameterDetail("operation", detail=detail)
        return FaultMatch(self.operation, self.method, self.path_prefix, self.account, self.extension, self.to)

    def firing(self) -> Firing:
        """When it fires; a window outside the clock's range, or one that ends before it starts
        (it would never fire), is refused."""
        start, end = clock_time(self.start, "start"), clock_time(self.end, "end")
        if start is not None and end is not None and end <= start:
            raise InvalidParameterDetail("end", detail="end must be later than start.")
        return Firing(self.probability, self.times, start, end)


def clock_time(when: datetime | None, name: str) -> float | None:
    """``when`` in the emulator clock's seconds, within the times the clock may show."""
    if when is None:
        return None
    seconds = when.timestamp()
    if not in_range(seconds):
        raise InvalidParameterDetail(name, detail=f"It must be within {TIME_RANGE}.")
    return seconds


def header_fault(value: str) -> Fault:
    """``X-Emulator-Fault: <effect>[;name=value...]`` (the body's field names), e.g.
    ``error;status=503;retryAfter=2`` or ``latency;delay=uniform;minMs=100;maxMs=300``."""
    if len(value) > MAX_HEADER:  # cut, it could say something else than was sent
        raise InvalidParameterDetail(HEADER, detail=f"It must be at most {MAX_HEADER} characters.")
    effect, *params = (part.strip() for part in value.split(";"))
    fields: dict[str, Any] = {"effect": effect}
    for param in params:
        name, sep, given = param.partition("=")
        if not sep or not name.strip():
            raise InvalidParameterDetail(HEADER, detail=f"Expected name=value, got [{param[:64]}].")
        fields[name.strip()] = given.strip()
    try:
        body = FaultBody.model_validate(fields)
    except ValidationError as problem:
        raise InvalidParameterDetail(HEADER, detail=body_problem(problem).message) from None
    return body.fault(HEADER)


def fault_json(fault: Fault) -> dict[str, Any]:
    body: dict[str, Any] = {"effect": fault.effect.value, "when": fault.when.value}
    if fault.effect is Effect.ERROR:
        body["status"] = fault.status
    if fault.effect in (Effect.ERROR, Effect.THROTTLE) and fault.retry_after is not None:
        body["retryAfter"] = fault.retry_after
    if fault.effect is Effect.LATENCY:
        body["delay"] = fault.delay.value
        chosen = {
            Delay.FIXED: {"ms": fault.ms},
            Delay.UNIFORM: {"minMs": fault.min_ms, "maxMs": fault.max_ms},
            Delay.LOGNORMAL: {"medianMs": fault.median_ms, "sigma": fault.sigma},
        }
        body.update(chosen[fault.delay])
    if fault.effect is Effect.DRIBBLE:
        body.update(chunks=fault.chunks, ms=fault.ms)
    if fault.effect is Effect.TRUNCATE and fault.keep_bytes is not None:
        body["keepBytes"] = fault.keep_bytes
    return body


def rule_json(rule: FaultRule) -> dict[str, Any]:
    m = rule.match
    found = {
        "operation": m.operation,
        "method": m.method,
        "pathPrefix": m.path_prefix,
        "account": m.account,
        "extension": m.extension,
        "to": m.to,
        "start": iso(rule.firing.start),
        "end": iso(rule.firing.end),
    }
    body: dict[str, Any] = {"id": rule.id, **fault_json(rule.fault), **{k: v for k, v in found.items() if v}}
    body.update(probability=rule.firing.probability, hits=rule.hits, seen=rule.seen)
    if rule.firing.times is not None:
        body.update(times=rule.firing.times, remaining=rule.remaining)
    return body


async def create_fault(request: Request) -> Response:
    body = await read_json(request, FaultRuleBody)
    rule = emulator_of(request).add_fault(body.fault(), body.match(), body.firing())
    return json_response(rule_json(rule), 201)


async def list_faults(request: Request) -> Response:
    return json_response({"records": [rule_json(rule) for rule in emulator_of(request).fault_rules()]})


async def delete_fault(request: Request) -> Response:
    emulator_of(request).remove_fault(request.path_params["faultId"])
    return no_content()


async def clear_faults(request: Request) -> Response:
    emulator_of(request).clear_faults()
    return no_content()


routes = [
    route("POST", "/faults", create_fault, "emulatorCreateFault"),
    route("GET", "/faults", list_faults, "emulatorListFaults"),
    route("DELETE", "/faults", clear_faults, "emulatorDeleteFaults"),
    route("DELETE", "/faults/{faultId}", delete_fault, "emulatorDeleteFault"),
]
