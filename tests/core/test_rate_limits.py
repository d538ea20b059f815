"""Bucket arithmetic on the manual clock: sliding window, the penalty trap, separation, reset."""

from __future__ import annotations

import pytest

from emulator.core.clock import ManualClock
from emulator.core.errors import AuthRateLimitExceeded, OAuthError, RateLimitExceeded
from emulator.core.rate_limits import (
    OPERATION_GROUPS,
    Bucket,
    Group,
    RateLimitConfig,
    RateLimiter,
    RateLimitMode,
)
from tests.core.helpers import START
from tests.spec import spec

LIMITS = {Group.HEAVY: 10, Group.MEDIUM: 40, Group.LIGHT: 50, Group.AUTH: 5}
POST, GET = "createRingOutCall", "readRingOutCallStatus"


def limiter(clock: ManualClock, max_buckets: int = 100, **limits: int) -> RateLimiter:
    table = {**LIMITS, **{Group(name.capitalize()): n for name, n in limits.items()}}
    return RateLimiter(clock, RateLimitConfig(RateLimitMode.PLATFORM, table, 60.0, 60.0), max_buckets)


def fill(rl: RateLimiter, n: int, operation: str = POST, user: str = "ext1", app: str = "app1") -> None:
    for _ in range(n):
        rl.consume(operation, user, app)


def test_the_limit_then_429_with_the_penalty_as_retry_after() -> None:
    clock = ManualClock(START)
    rl = limiter(clock)
    fill(rl, 9)
    bucket = rl.consume(POST, "ext1", "app1")
    assert bucket is not None and (bucket.remaining, bucket.group, bucket.policy.limit) == (0, Group.HEAVY, 10)
    with pytest.raises(RateLimitExceeded) as refused:
        rl.consume(POST, "ext1", "app1")
    assert (refused.value.status, refused.value.error_code, refused.value.message) == (
        429,
        "CMN-301",
        "Request rate exceeded",
    )
    assert refused.value.retry_after == 60 and refused.value.bucket is bucket
    assert bucket.penalty_until == START + 60 and bucket.refused == 1


def test_the_window_slides() -> None:
    clock = ManualClock(START)
    rl = limiter(clock)
    fill(rl, 5)
    clock.shift(30)
    fill(rl, 5)  # 10 within 60 s
    clock.shift(30)  # the first 5 are now 60 s old: out of the window
    fill(rl, 5)
    assert next(iter(rl.buckets())).remaining == 0
    with pytest.raises(RateLimitExceeded):
        rl.consume(POST, "ext1", "app1")


def test_each_refused_request_restarts_the_penalty_and_then_the_bucket_starts_afresh() -> None:
    clock = ManualClock(START)
    rl = limiter(clock)
    fill(rl, 10)
    with pytest.raises(RateLimitExceeded):
        rl.consume(POST, "ext1", "app1")
    clock.shift(59)
    with pytest.raises(RateLimitExceeded) as again:  # 59 s in: refused, and the penalty restarts
        rl.consume(POST, "ext1", "app1")
    assert again.value.bucket.penalty_until == START + 59 + 60 and again.value.bucket.refused == 2
    clock.shift(59)
    with pytest.raises(RateLimitExceeded):
        rl.consume(POST, "ext1", "app1")
    clock.shift(60)
    bucket = rl.consume(POST, "ext1", "app1")
    assert bucket is not None and bucket.remaining == 9


def test_groups_users_and_apps_are_counted_apart() -> None:
    clock = ManualClock(START)
    rl = limiter(clock)
    fill(rl, 10)
    fill(rl, 50, operation=GET)  # Light is its own bucket
    fill(rl, 10, user="ext2")  # another extension
    fill(rl, 10, app="app2")  # same extension, another app
    with pytest.raises(RateLimitExceeded):
        rl.consume("deleteRingOutCall", "ext1", "app1")  # DELETE shares Heavy with POST
    with pytest.raises(RateLimitExceeded):
        rl.consume("readRingOutCallStatusDeprecated", "ext1", "app1")  # the legacy spelling shares Light
    assert {b.key for b in rl.buckets()} == {
        ("ext1", "app1", Group.HEAVY),
        ("ext1", "app1", Group.LIGHT),
        ("ext2", "app1", Group.HEAVY),
        ("ext1", "app2", Group.HEAVY),
    }


def test_auth_refusals_are_oauth_shaped() -> None:
    rl = limiter(ManualClock(START))
    fill(rl, 5, operation="getToken")
    with pytest.raises(AuthRateLimitExceeded) as refused:
        rl.consume("revokeToken", "ext1", "app1")
    assert isinstance(refused.value, OAuthError) and refused.value.status == 429
    assert refused.value.error_code == "CMN-301"


def test_off_mode_and_unthrottled_operations_count_nothing() -> None:
    clock = ManualClock(START)
    rl = RateLimiter(clock, RateLimitConfig(RateLimitMode.OFF, LIMITS, 60.0, 60.0))
    fill(rl, 100)
    assert rl.consume("emulatorHealth", "ext1", "app1") is None and len(rl) == 0


def test_runtime_changes_and_reset() -> None:
    clock = ManualClock(START)
    rl = limiter(clock)
    fill(rl, 3)
    rl.update(limits={Group.HEAVY: 3}, penalty=5)
    with pytest.raises(RateLimitExceeded) as refused:
        rl.consume(POST, "ext1", "app1")
    assert refused.value.retry_after == 5
    rl.update(mode=RateLimitMode.OFF)
    assert rl.consume(POST, "ext1", "app1") is None
    rl.reset()
    assert len(rl) == 0 and rl.policies[Group.HEAVY].limit == 10 and rl.enabled
    fill(rl, 10)


def test_past_the_cap_the_oldest_idle_bucket_goes_first_else_the_oldest() -> None:
    clock = ManualClock(START)
    rl = limiter(clock, max_buckets=2)
    fill(rl, 1, user="a")
    clock.shift(30)
    fill(rl, 1, user="b")
    clock.shift(31)  # a is idle now (its request is out of the window), b is not
    fill(rl, 1, user="b")
    fill(rl, 1, user="c")
    assert [b.user for b in rl.buckets()] == ["b", "c"]
    fill(rl, 1, user="d")  # none idle: the oldest (b) goes
    assert [b.user for b in rl.buckets()] == ["c", "d"]


def test_the_group_table_agrees_with_the_official_spec() -> None:
    official = {
        op["operationId"]: op["x-throttling-group"]
        for item in spec()["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "x-throttling-group" in op
    }
    assert len(official) == 7
    assert {op: OPERATION_GROUPS[op].value for op in official} == official


def counted(rl: RateLimiter, operation: str = GET) -> Bucket:
    bucket = rl.consume(operation, "ext1", "app1")
    assert bucket is not None
    return bucket


def test_a_bucket_notes_what_was_left_when_it_counted_and_keys_the_group_by_its_plain_name() -> None:
    clock = ManualClock(START)
    rl = limiter(clock, light=3)
    lefts = [counted(rl).left for _ in range(3)]
    assert lefts == [2, 1, 0]  # what each request's X-Rate-Limit-Remaining says
    bucket = next(iter(rl.buckets()))
    assert bucket.key == ("ext1", "app1", "Light") and type(bucket.key[2]) is str and bucket.group is Group.LIGHT
    with pytest.raises(RateLimitExceeded):
        rl.consume(GET, "ext1", "app1")
    assert bucket.left == 0 and bucket.refused == 1
    rl.update(mode=RateLimitMode.OFF)
    assert rl.consume(GET, "ext1", "app1") is None  # off: nothing counted
    rl.update(mode=RateLimitMode.PLATFORM, limits={Group.LIGHT: 7})
    clock.shift(61)  # the penalty is over
    assert counted(rl) is bucket and (bucket.left, bucket.policy.limit) == (6, 7)
