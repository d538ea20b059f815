"""Clocks: the only source of "now" for the domain. Times are float seconds since the epoch,
always within ``MIN_TIME`` .. ``MAX_TIME`` (so ISO formatting and retention arithmetic never
overflow: Python's ``datetime`` ends at year 9999)."""

from __future__ import annotations

import math
import time
from typing import Protocol

MIN_TIME = 0.0
"""1970-01-01T00:00:00Z."""
MAX_TIME = 221_845_392_000.0
"""9000-01-01T00:00:00Z: a millennium short of ``datetime``'s end, for retention and expiry."""
TIME_RANGE = "1970-01-01T00:00:00Z .. 9000-01-01T00:00:00Z"
MAX_SPEED = 10_000.0
"""The fastest a real clock runs (times wall time)."""


def in_range(when: float) -> bool:
    """``when`` is a finite time the clock may show."""
    return math.isfinite(when) and MIN_TIME <= when <= MAX_TIME


def speed_problem(speed: float) -> str | None:
    """Why ``speed`` is no speed for a clock, or ``None``."""
    if not math.isfinite(speed) or speed <= 0:
        return "speed must be > 0"
    if speed > MAX_SPEED:
        return f"speed must be at most {MAX_SPEED:g}"
    return None


class Clock(Protocol):
    def now(self) -> float: ...


class SystemClock:
    """Wall-clock time, optionally running ``speed`` times faster from the moment it was made;
    it stops at ``MAX_TIME``."""

    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        problem = speed_problem(speed)
        if problem is not None:
            raise ValueError(problem)
        self.speed = speed
        self._wall_origin = time.time()
        self._origin = self._wall_origin if start is None else _checked(start)  # "now" when it was made

    def now(self) -> float:
        return min(self._origin + (time.time() - self._wall_origin) * self.speed, MAX_TIME)


class ManualClock:
    """Time that moves only when told to (``move_to`` / ``shift``), as in time-machine."""

    def __init__(self, start: float) -> None:
        self._now = _checked(float(start))

    def now(self) -> float:
        return self._now

    def move_to(self, when: float) -> None:
        if when < self._now:
            raise ValueError("a manual clock never moves backwards")
        self._now = _checked(float(when))

    def restart(self, when: float) -> None:
        """Put the clock back at ``when`` (a reset of the emulator, never an ordinary move)."""
        self._now = _checked(float(when))

    def shift(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a manual clock never moves backwards")
        self._now = _checked(self._now + seconds)


def _checked(when: float) -> float:
    if not in_range(when):
        raise ValueError(f"a clock's time must be within {TIME_RANGE}, got {when!r}")
    return when
