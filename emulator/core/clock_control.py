"""The emulator's clock as the control plane sees it: a mode (real / manual / poll) that can be
switched at run time without time jumping, and moves that only a manual clock accepts."""

from __future__ import annotations

from emulator.core.call import ClockMode
from emulator.core.clock import Clock, ManualClock, SystemClock
from emulator.core.errors import ControlConflict, InvalidParameterDetail


class ControlledClock:
    """Delegates ``now`` to a real or a manual clock. Real mode uses a ``SystemClock``; manual
    and poll modes a ``ManualClock``. Switching starts the new clock at the old one's time."""

    def __init__(self, mode: ClockMode, inner: Clock, speed: float = 1.0) -> None:
        self.mode = mode
        self.inner = inner
        self.speed = speed

    def now(self) -> float:
        return self.inner.now()

    def switch(self, mode: ClockMode, speed: float | None = None) -> None:
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
        if seconds < 0:
            raise InvalidParameterDetail("seconds", detail="A manual clock never moves backwards.")
        clock.shift(seconds)

    def check_set(self, mode: ClockMode, when: float) -> None:
        """Would ``set(when)`` apply once the clock is in ``mode``? Raises as ``set`` would."""
        if mode is ClockMode.REAL:
            raise ControlConflict(detail="Cannot set a real clock: switch the clock to manual or poll mode first")
        if when < self.now():
            raise InvalidParameterDetail("now", detail="A manual clock never moves backwards.")

    def set(self, when: float) -> None:
        clock = self.manual("set")
        if when < clock.now():
            raise InvalidParameterDetail("now", detail="A manual clock never moves backwards.")
        clock.move_to(when)
