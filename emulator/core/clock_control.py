"""The emulator's clock as the control plane sees it: a mode (real / manual / poll) that can be
switched at run time without time jumping, and moves that only a manual clock accepts. Every
move is checked (range, direction, speed) before anything changes."""

from __future__ import annotations

import math
from collections.abc import Callable

from emulator.core.call import ClockMode
from emulator.core.clock import TIME_RANGE, Clock, ManualClock, SystemClock, in_range, speed_problem
from emulator.core.errors import ControlConflict, InvalidParameterDetail

BACKWARDS = "A manual clock never moves backwards."


class ControlledClock:
    """Delegates ``now`` to a real or a manual clock. Real mode uses a ``SystemClock``; manual
    and poll modes a ``ManualClock``. Switching starts the new clock at the old one's time.
    ``now`` is the inner clock's own bound method, rebound whenever ``inner`` changes: every
    request reads the clock several times, and this saves a call each time."""

    now: Callable[[], float]

    def __init__(self, mode: ClockMode, inner: Clock, speed: float = 1.0) -> None:
        self.mode = mode
        self.inner = inner
        self.speed = speed

    @property
    def inner(self) -> Clock:
        return self._inner

    @inner.setter
    def inner(self, clock: Clock) -> None:
        self._inner = clock
        self.now = clock.now

    def switch(self, mode: ClockMode, speed: float | None = None) -> None:
        if speed is not None and (problem := speed_problem(speed)) is not None:
            raise InvalidParameterDetail("speed", detail=f"The clock's {problem}.")
        now = self.inner.now()
        if speed is not None:
            self.speed = speed
        if mode is ClockMode.REAL:
            if self.mode is not ClockMode.REAL or speed is not None:
                self.inner = SystemClock(self.speed, start=now)
        elif not isinstance(self.inner, ManualClock):
            self.inner = ManualClock(now)
        self.mode = mode

    def manual(self, action: str) -> ManualClock:
        if not isinstance(self.inner, ManualClock):
            raise ControlConflict(detail=f"Cannot {action} a real clock: switch the clock to manual or poll mode first")
        return self.inner

    def advance(self, seconds: float) -> None:
        clock = self.manual("advance")
        if math.isnan(seconds) or seconds < 0:
            raise InvalidParameterDetail("seconds", detail=BACKWARDS)
        if not in_range(clock.now() + seconds):
            raise InvalidParameterDetail("seconds", detail=f"The clock must stay within {TIME_RANGE}.")
        clock.shift(seconds)

    def check_set(self, mode: ClockMode, when: float) -> None:
        """Would ``set(when)`` apply once the clock is in ``mode``? Raises as ``set`` would."""
        if mode is ClockMode.REAL:
            raise ControlConflict(detail="Cannot set a real clock: switch the clock to manual or poll mode first")
        _check_when(when, self.now())

    def set(self, when: float) -> None:
        clock = self.manual("set")
        _check_when(when, clock.now())
        clock.move_to(when)


def _check_when(when: float, now: float) -> None:
    if not in_range(when):
        raise InvalidParameterDetail("now", detail=f"The clock must stay within {TIME_RANGE}.")
    if when < now:
        raise InvalidParameterDetail("now", detail=BACKWARDS)
