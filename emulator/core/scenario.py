"""A scenario is data: ordered steps, each at a time offset, setting leg statuses."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from emulator.core.statuses import CallingStatus, derive_call_status

_IN_PROGRESS = CallingStatus.IN_PROGRESS


@dataclass(frozen=True, slots=True)
class LegState:
    """The three statuses a RingOut reports at one moment."""

    caller: CallingStatus
    callee: CallingStatus
    call: CallingStatus

    @property
    def callee_connected(self) -> bool:
        return self.callee is not _IN_PROGRESS


@dataclass(frozen=True, slots=True)
class Step:
    """At ``at`` seconds after creation, set the given legs; ``call`` overrides the derivation."""

    at: float
    caller: CallingStatus | None = None
    callee: CallingStatus | None = None
    call: CallingStatus | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named, validated timeline. ``states[i]`` is the full state after step ``i``."""

    name: str
    description: str
    steps: tuple[Step, ...]
    states: tuple[LegState, ...] = field(init=False, repr=False, compare=False)
    offsets: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a scenario needs at least one step")
        states: list[LegState] = []
        caller = callee = _IN_PROGRESS
        previous_at = -1.0
        for index, step in enumerate(self.steps):
            if step.at < 0 or step.at < previous_at:
                raise ValueError(f"step {index}: 'at' must be >= 0 and not before the previous step")
            previous_at = step.at
            caller = step.caller or caller
            callee = step.callee or callee
            states.append(LegState(caller, callee, step.call or derive_call_status(caller, callee)))
        object.__setattr__(self, "states", tuple(states))
        object.__setattr__(self, "offsets", tuple(step.at for step in self.steps))

    def index_at(self, elapsed: float) -> int:
        """The last step whose offset has been reached ``elapsed`` seconds after creation."""
        return max(bisect_right(self.offsets, elapsed) - 1, 0)

    @property
    def last_index(self) -> int:
        return len(self.steps) - 1
