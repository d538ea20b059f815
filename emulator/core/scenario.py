"""A scenario is data: ordered steps, each at a time offset, setting leg statuses."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from emulator.core.errors import InvalidParameterDetail
from emulator.core.statuses import CallingStatus, derive_call_status

_IN_PROGRESS = CallingStatus.IN_PROGRESS

NAME_PATTERN = r"^[a-z0-9][a-z0-9_\-]{0,63}$"
"""What a scenario name looks like, always matched with ``fullmatch`` (``re.match`` lets ``$``
match before a trailing newline, which once put a newline into a response header)."""
_NAME = re.compile(NAME_PATTERN)


def valid_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def check_name(name: str, parameter: str, known: Iterable[str] = ()) -> None:
    """``InvalidParameterDetail(parameter)`` unless ``name`` is a valid scenario name; the
    message lists the ``known`` names, if any, as the valid values."""
    if not valid_name(name):
        listed = ", ".join(sorted(known_name for known_name in known if valid_name(known_name)))
        valid = f" Valid names: {listed}." if listed else ""
        detail = f"A scenario name must match {NAME_PATTERN}, got {name!r}.{valid}"
        raise InvalidParameterDetail(parameter, detail=detail)


@dataclass(frozen=True, slots=True)
class CallState:
    """The three statuses a RingOut reports at one moment: the call's, the caller leg's, the callee leg's."""

    caller: CallingStatus
    callee: CallingStatus
    call: CallingStatus

    @property
    def callee_settled(self) -> bool:
        """The callee leg left ``InProgress``: it answered, or it failed (busy, no answer ...)."""
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
    states: tuple[CallState, ...] = field(init=False, repr=False, compare=False)
    offsets: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("a scenario needs at least one step")
        states: list[CallState] = []
        caller = callee = _IN_PROGRESS
        previous_at = -1.0
        for index, step in enumerate(self.steps):
            if step.at < 0 or step.at < previous_at:
                raise ValueError(f"step {index}: 'at' must be >= 0 and not before the previous step")
            previous_at = step.at
            caller = step.caller or caller
            callee = step.callee or callee
            states.append(CallState(caller, callee, step.call or derive_call_status(caller, callee)))
        object.__setattr__(self, "states", tuple(states))
        object.__setattr__(self, "offsets", tuple(step.at for step in self.steps))

    def index_at(self, elapsed: float) -> int:
        """The last step whose offset has been reached ``elapsed`` seconds after creation."""
        return max(bisect_right(self.offsets, elapsed) - 1, 0)

    @property
    def last_index(self) -> int:
        return len(self.steps) - 1
