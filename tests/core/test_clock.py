"""Clocks: the manual clock never goes backwards; the system clock scales wall time."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from emulator.core.call import ClockMode
from emulator.core.clock import MAX_TIME, MIN_TIME, ManualClock, SystemClock, in_range
from emulator.core.clock_control import ControlledClock
from emulator.core.errors import InvalidParameterDetail


def test_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(100)
    assert clock.now() == 100.0
    assert clock.now() == 100.0
    clock.shift(2.5)
    assert clock.now() == 102.5
    clock.move_to(200)
    assert clock.now() == 200.0
    clock.move_to(200)  # standing still is allowed
    clock.shift(0)
    assert clock.now() == 200.0


def test_manual_clock_never_moves_backwards() -> None:
    clock = ManualClock(100)
    with pytest.raises(ValueError, match="never moves backwards"):
        clock.move_to(99.999)
    with pytest.raises(ValueError, match="never moves backwards"):
        clock.shift(-0.001)
    assert clock.now() == 100.0


class FakeWall:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("speed", "expected"), [(1.0, 1003.0), (10.0, 1030.0), (0.5, 1001.5)])
def test_system_clock_runs_speed_times_faster_from_its_creation(
    monkeypatch: pytest.MonkeyPatch, speed: float, expected: float
) -> None:
    wall = FakeWall(1000.0)
    monkeypatch.setattr("emulator.core.clock.time.time", wall)
    clock = SystemClock(speed)
    assert clock.now() == 1000.0
    wall.now = 1003.0
    assert clock.now() == expected


@pytest.mark.parametrize("speed", [0, -1])
def test_system_clock_speed_must_be_positive(speed: float) -> None:
    with pytest.raises(ValueError, match="speed must be > 0"):
        SystemClock(speed)


def test_the_range_ends_at_the_year_9000() -> None:
    assert datetime(1970, 1, 1, tzinfo=UTC).timestamp() == MIN_TIME
    assert datetime(9000, 1, 1, tzinfo=UTC).timestamp() == MAX_TIME
    assert (in_range(MAX_TIME), in_range(MAX_TIME + 0.001), in_range(-0.001), in_range(math.nan)) == (
        True,
        False,
        False,
        False,
    )


@pytest.mark.parametrize("start", [-1.0, MAX_TIME + 1, math.inf, math.nan])
def test_a_manual_clock_starts_within_the_range(start: float) -> None:
    with pytest.raises(ValueError, match=r"a clock's time must be within 1970-01-01T00:00:00Z \.\. 9000-01-01"):
        ManualClock(start)


def test_a_manual_clock_never_leaves_the_range() -> None:
    clock = ManualClock(MAX_TIME - 1)
    with pytest.raises(ValueError, match="a clock's time must be within"):
        clock.shift(2)
    with pytest.raises(ValueError, match="a clock's time must be within"):
        clock.move_to(MAX_TIME + 1)
    assert clock.now() == MAX_TIME - 1


@pytest.mark.parametrize(
    ("speed", "message"), [(10_001, "speed must be at most 10000"), (math.nan, "speed must be > 0")]
)
def test_system_clock_speed_is_bounded(speed: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SystemClock(speed)


def test_a_system_clock_stops_at_the_end_of_the_range(monkeypatch: pytest.MonkeyPatch) -> None:
    wall = FakeWall(1000.0)
    monkeypatch.setattr("emulator.core.clock.time.time", wall)
    clock = SystemClock(10_000, start=MAX_TIME - 10)
    wall.now = 1001.0
    assert clock.now() == MAX_TIME


def controlled(now: float) -> ControlledClock:
    return ControlledClock(ClockMode.MANUAL, ManualClock(now))


RANGE = "The clock must stay within 1970-01-01T00:00:00Z .. 9000-01-01T00:00:00Z."


@pytest.mark.parametrize("seconds", [2.0, math.inf])
def test_advancing_past_the_range_is_refused_and_changes_nothing(seconds: float) -> None:
    clock = controlled(MAX_TIME - 1)
    with pytest.raises(InvalidParameterDetail) as caught:
        clock.advance(seconds)
    assert caught.value.message == f"Parameter [seconds] value is invalid. {RANGE}"
    assert clock.now() == MAX_TIME - 1
    clock.advance(1)
    assert clock.now() == MAX_TIME


def test_advancing_by_nan_is_refused() -> None:
    clock = controlled(1000)
    with pytest.raises(InvalidParameterDetail) as caught:
        clock.advance(math.nan)
    assert caught.value.message == "Parameter [seconds] value is invalid. A manual clock never moves backwards."
    assert clock.now() == 1000


@pytest.mark.parametrize("when", [MAX_TIME + 1, math.inf, math.nan])
def test_setting_past_the_range_is_refused_and_changes_nothing(when: float) -> None:
    clock = controlled(1000)
    attempts: tuple[Callable[[], None], ...] = (
        lambda: clock.check_set(ClockMode.MANUAL, when),
        lambda: clock.set(when),
    )
    for attempt in attempts:
        with pytest.raises(InvalidParameterDetail) as caught:
            attempt()
        assert caught.value.message == f"Parameter [now] value is invalid. {RANGE}"
        assert caught.value.fields == {"parameterName": "now"}
    assert clock.now() == 1000


@pytest.mark.parametrize("speed", [0.0, -1.0, 10_001.0, math.inf, math.nan])
def test_switching_to_a_bad_speed_is_refused_and_changes_nothing(speed: float) -> None:
    clock = controlled(1000)
    with pytest.raises(InvalidParameterDetail) as caught:
        clock.switch(ClockMode.REAL, speed)
    assert caught.value.message.startswith("Parameter [speed] value is invalid. The clock's speed must be ")
    assert (clock.mode, clock.speed, clock.now()) == (ClockMode.MANUAL, 1.0, 1000)


def test_a_controlled_clock_reads_whichever_inner_clock_it_holds_now(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = controlled(1000)
    clock.advance(5)
    assert clock.now() == 1005
    clock.inner = ManualClock(2000)  # a reset puts a fresh clock in
    assert clock.now() == 2000
    wall = FakeWall(50.0)
    monkeypatch.setattr("emulator.core.clock.time.time", wall)
    clock.switch(ClockMode.REAL)
    wall.now = 52.0
    assert clock.now() == 2002 and isinstance(clock.inner, SystemClock)
    clock.switch(ClockMode.MANUAL)
    wall.now = 60.0
    assert clock.now() == 2002  # manual again: the wall no longer moves it
