"""Clocks: the manual clock never goes backwards; the system clock scales wall time."""

from __future__ import annotations

import pytest

from emulator.core.clock import ManualClock, SystemClock


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
