"""``/__emulator/rate-limits``: the group table and every live bucket; change limits at run time."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.identity import emulator_of
from emulator.api.inputs import Body, read_json
from emulator.api.responses import iso, json_response
from emulator.api.routing import route
from emulator.core.emulator import Emulator
from emulator.core.rate_limits import MAX_BUCKETS, OPERATION_GROUPS, Group, RateLimitMode

GroupName = Literal["heavy", "medium", "light", "auth"]
MAX_LIMIT = 1_000_000
MAX_SECONDS = 86_400


def table_json(emulator: Emulator) -> dict[str, Any]:
    mode, policies = emulator.rate_limit_policies()
    now = emulator.clock_reading()[1]
    any_policy = policies[Group.HEAVY]
    buckets = [
        {
            "user": bucket.user,
            "app": bucket.app,
            "group": bucket.group.value.lower(),
            "limit": bucket.policy.limit,
            "used": len(bucket.times),
            "remaining": bucket.remaining,
            "refused": bucket.refused,
            "penaltyUntil": iso(bucket.penalty_until) if bucket.penalty_until > now else None,
        }
        for bucket in emulator.rate_limit_buckets()
    ]
    return {
        "mode": mode.value,
        "windowSeconds": any_policy.window,
        "penaltySeconds": any_policy.penalty,
        "limits": {group.value.lower(): policy.limit for group, policy in policies.items()},
        "operations": {operation: group.value.lower() for operation, group in OPERATION_GROUPS.items()},
        "maxBuckets": MAX_BUCKETS,
        "buckets": buckets,
    }


class RateLimitsBody(Body):
    mode: RateLimitMode | None = None
    limits: dict[GroupName, Annotated[int, Field(ge=1, le=MAX_LIMIT)]] = Field(default_factory=dict)
    window_seconds: float | None = Field(None, alias="windowSeconds", gt=0, le=MAX_SECONDS, allow_inf_nan=False)
    penalty_seconds: float | None = Field(None, alias="penaltySeconds", gt=0, le=MAX_SECONDS, allow_inf_nan=False)

    def group_limits(self) -> dict[Group, int]:
        return {Group(name.capitalize()): limit for name, limit in self.limits.items()}


async def read_rate_limits(request: Request) -> Response:
    return json_response(table_json(emulator_of(request)))


async def update_rate_limits(request: Request) -> Response:
    """Only what the body names changes; live buckets keep their counts and penalties."""
    body = await read_json(request, RateLimitsBody)
    emulator = emulator_of(request)
    emulator.update_rate_limits(body.mode, body.group_limits(), body.window_seconds, body.penalty_seconds)
    return json_response(table_json(emulator))


routes = [
    route("GET", "/rate-limits", read_rate_limits, "emulatorReadRateLimits"),
    route("PUT", "/rate-limits", update_rate_limits, "emulatorSetRateLimits"),
]
