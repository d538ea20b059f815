"""A RingOut call and the evaluation of its status at a moment, computed when read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from emulator.core.scenario import LegState, Scenario
from emulator.core.statuses import ANSWERED, CallingStatus, derive_call_status


class ClockMode(StrEnum):
    REAL = "real"  # scenario offsets are (optionally sped-up) wall seconds
    MANUAL = "manual"  # time moves only when a test says so
    POLL = "poll"  # each status read advances the call one step


@dataclass(frozen=True, slots=True)
class CallView:
    """What a read sees: the step reached, the statuses, and whether (and when) the call ended."""

    index: int
    state: LegState
    ended_at: float | None


@dataclass(slots=True, eq=False)
class RingOutCall:
    id: str
    account_id: str
    extension_id: str
    from_number: str
    to_number: str
    caller_id: str | None
    play_prompt: bool
    scenario: Scenario
    scenario_source: str
    created_at: float
    mode: ClockMode
    polls: int = 0
    poll_ended_at: float | None = None
    cancelled_index: int | None = None
    cancelled_at: float | None = None

    def view(self, now: float) -> CallView:
        """The call as seen at ``now``; reading does not change it (see ``poll``)."""
        scenario = self.scenario
        if self.mode is ClockMode.POLL:
            index = min(self.polls, scenario.last_index)
            ended_at = self.poll_ended_at
        else:
            index = scenario.index_at(now - self.created_at)
            end = self.created_at + scenario.steps[-1].at
            ended_at = end if index == scenario.last_index else None
        if self.cancelled_index is not None and self.cancelled_at is not None:
            return CallView(self.cancelled_index, _cancelled(scenario.states[self.cancelled_index]), self.cancelled_at)
        return CallView(index, scenario.states[index], ended_at)

    def poll(self, now: float) -> CallView:
        """A status read: in poll mode it moves the call one step on, then answers."""
        last = self.scenario.last_index
        if self.mode is ClockMode.POLL and self.cancelled_index is None and self.polls < last:
            self.polls += 1
            if self.polls == last:
                self.poll_ended_at = now
        return self.view(now)

    def cancel(self, now: float) -> bool:
        """Cancel while the callee has not answered (the platform's rule); True if it did."""
        current = self.view(now)
        if current.ended_at is not None or current.state.callee_connected:
            return False
        self.cancelled_index = current.index
        self.cancelled_at = now
        return True

    def expired(self, now: float, retention: float) -> bool:
        ended_at = self.view(now).ended_at
        return ended_at is not None and now >= ended_at + retention

    def __post_init__(self) -> None:
        # Polled, a one-step scenario is over as soon as it starts: no poll will ever end it.
        if self.mode is ClockMode.POLL and self.scenario.last_index == 0 and self.poll_ended_at is None:
            self.poll_ended_at = self.created_at


def _cancelled(state: LegState) -> LegState:
    """Legs still ringing become Rejected; a caller already on the line is hung up."""
    caller = _hang_up(state.caller)
    callee = _hang_up(state.callee)
    return LegState(caller, callee, derive_call_status(caller, callee))


def _hang_up(leg: CallingStatus) -> CallingStatus:
    if leg is CallingStatus.IN_PROGRESS:
        return CallingStatus.REJECTED
    if leg in ANSWERED:
        return CallingStatus.FINISHED
    return leg
