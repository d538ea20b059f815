"""Clocks: the only source of "now" for the domain. Times are float seconds since the epoch."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...


class SystemClock:
    """Wall-clock time, optionally running ``speed`` times faster from the moment it was made."""

    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self.speed = speed
        self._wall_origin = time.time()
        self._origin = self._wall_origin if start is None else start  # "now" when it was made

    def now(self) -> float:
        return self._origin + (time.time() - self._wall_origin) * self.speed


class ManualClock:
    """Time that moves only when told to (``move_to`` / ``shift``), as in time-machine."""

    def __init__(self, start: float) -> None:
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def move_to(self, when: float) -> None:
        if when < self._now:
            raise ValueError("a manual clock never moves backwards")
        self._now = float(when)

    def restart(self, when: float) -> None:
        """Put the clock back at ``when`` (a reset of the emulator, never an ordinary move)."""
        self._now = float(when)

    def shift(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a manual clock never moves backwards")
        self._now += seconds
