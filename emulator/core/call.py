"""A RingOut call and the evaluation of its status at a moment, computed when read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from emulator.core.errors import ControlConflict
from emulator.core.legs import Leg, LegAction, LegOverride, apply_action, hang_up, is_live
from emulator.core.scenario import CallState, Scenario
from emulator.core.statuses import derive_call_status


class ClockMode(StrEnum):
    REAL = "real"  # scenario offsets are (optionally sped-up) wall seconds
    MANUAL = "manual"  # time moves only when a test says so
    POLL = "poll"  # each status read advances the call one step


@dataclass(frozen=True, slots=True)
class CallView:
    """What a read sees: the step reached, the statuses, and whether (and when) the call ended."""

    index: int
    state: CallState
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
    # The two lists below are made on first use (None until then): most calls never need them,
    # and two empty lists per call cost ~140 B, a quarter of a stored call.
    poll_times: list[float] | None = None  # when each poll moved the call a step
    frozen_index: int | None = None  # set by the first forced leg: the scenario stops there
    overrides: list[LegOverride] | None = None

    def view(self, now: float) -> CallView:
        """The call as seen at ``now``; reading does not change it (see ``poll``)."""
        scenario = self.scenario
        if self.frozen_index is not None and self.overrides:
            index = self.frozen_index
            last = self.overrides[-1]
            state = last.state
            ended_at = None if is_live(state) else last.at
        elif self.mode is ClockMode.POLL:
            index = min(self.polls, scenario.last_index)
            state, ended_at = scenario.states[index], self.poll_ended_at
        else:
            index = scenario.index_at(now - self.created_at)
            end = self.created_at + scenario.steps[-1].at
            state, ended_at = scenario.states[index], (end if index == scenario.last_index else None)
        if self.cancelled_index is not None and self.cancelled_at is not None:
            before = state if self.frozen_index is not None else scenario.states[self.cancelled_index]
            return CallView(self.cancelled_index, _cancelled(before), self.cancelled_at)
        return CallView(index, state, ended_at)

    def poll(self, now: float) -> CallView:
        """A status read: in poll mode it moves the call one step on, then answers."""
        last = self.scenario.last_index
        moving = self.cancelled_index is None and self.frozen_index is None
        if self.mode is ClockMode.POLL and moving and self.polls < last:
            self.polls += 1
            if self.poll_times is None:
                self.poll_times = []
            self.poll_times.append(now)
            if self.polls == last:
                self.poll_ended_at = now
        return self.view(now)

    def cancel(self, now: float) -> bool:
        """Cancel while the callee has not answered (the platform's rule); True if it did."""
        current = self.view(now)
        if current.ended_at is not None or current.state.callee_settled:
            return False
        self.cancelled_index = current.index
        self.cancelled_at = now
        return True

    def force(self, leg: Leg, action: LegAction, now: float) -> CallView:
        """Force ``action`` on ``leg`` now: the call leaves its scenario (409 once it ended)."""
        current = self.view(now)
        if current.ended_at is not None:
            raise ControlConflict(detail=f"Cannot force the {leg} leg: the call has ended")
        state = apply_action(current.state, leg, action)
        if self.frozen_index is None:
            self.frozen_index = current.index
        if self.overrides is None:
            self.overrides = []
        self.overrides.append(LegOverride(now, leg, action, state))
        return self.view(now)

    def scheduled_end(self) -> float | None:
        """For a live call: when the clock alone will end it; ``None`` if only a read (poll mode)
        or the control plane (a forced leg, a cancel) can."""
        if self.frozen_index is not None or self.mode is ClockMode.POLL:
            return None
        return self.created_at + self.scenario.steps[-1].at

    def expired(self, now: float, retention: float) -> bool:
        if now < self.created_at + retention:
            return False  # a call ends at or after its creation (no clock moves back): no view needed
        ended_at = self.view(now).ended_at
        return ended_at is not None and now >= ended_at + retention

    def __post_init__(self) -> None:
        # Polled, a one-step scenario is over as soon as it starts: no poll will ever end it.
        if self.mode is ClockMode.POLL and self.scenario.last_index == 0 and self.poll_ended_at is None:
            self.poll_ended_at = self.created_at


def _cancelled(state: CallState) -> CallState:
    """Legs still ringing become Rejected; a caller already on the line is hung up."""
    caller = hang_up(state.caller)
    callee = hang_up(state.callee)
    return CallState(caller, callee, derive_call_status(caller, callee))
