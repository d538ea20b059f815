"""Forcing a leg from the control plane: the actions, what each does to the legs, and the
record kept on the call (a forced call leaves its scenario and moves only when forced)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from emulator.core.errors import ControlConflict
from emulator.core.scenario import CallState
from emulator.core.statuses import ANSWERED, CallingStatus, derive_call_status


class Leg(StrEnum):
    CALLER = "caller"
    CALLEE = "callee"


class LegAction(StrEnum):
    ANSWER = "answer"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    REJECT = "reject"
    HANG_UP = "hang_up"


_RINGING_RESULT = {
    LegAction.ANSWER: CallingStatus.SUCCESS,
    LegAction.BUSY: CallingStatus.BUSY,
    LegAction.NO_ANSWER: CallingStatus.NO_ANSWER,
    LegAction.REJECT: CallingStatus.REJECTED,
}


@dataclass(frozen=True, slots=True)
class LegOverride:
    """One forced action, when it happened, and the full state it left the call in."""

    at: float
    leg: Leg
    action: LegAction
    state: CallState


def apply_action(state: CallState, leg: Leg, action: LegAction) -> CallState:
    """The state after ``action`` on ``leg``. A ringing leg can be answered, busy, unanswered or
    rejected; an answered leg can hang up, which ends the call (answered legs Finished, a leg
    still ringing Rejected). Anything else is a 409."""
    current = state.caller if leg is Leg.CALLER else state.callee
    if action is LegAction.HANG_UP:
        if current is not CallingStatus.SUCCESS:
            raise ControlConflict(detail=f"Cannot hang up the {leg} leg: it is {current}, not connected (Success)")
        return _with(hang_up(state.caller), hang_up(state.callee))
    if current is not CallingStatus.IN_PROGRESS:
        raise ControlConflict(detail=f"Cannot {action} the {leg} leg: it is {current}, no longer ringing (InProgress)")
    status = _RINGING_RESULT[action]
    return _with(status, state.callee) if leg is Leg.CALLER else _with(state.caller, status)


def is_live(state: CallState) -> bool:
    """Still ringing (no leg failed yet) or both parties talking."""
    if state.caller is CallingStatus.SUCCESS and state.callee is CallingStatus.SUCCESS:
        return True
    ringing = CallingStatus.IN_PROGRESS in (state.caller, state.callee)
    return ringing and state.call is CallingStatus.IN_PROGRESS


def hang_up(leg: CallingStatus) -> CallingStatus:
    """A leg still ringing is Rejected; an answered one Finished; a failed one stays as it is."""
    if leg is CallingStatus.IN_PROGRESS:
        return CallingStatus.REJECTED
    if leg in ANSWERED:
        return CallingStatus.FINISHED
    return leg


def _with(caller: CallingStatus, callee: CallingStatus) -> CallState:
    return CallState(caller, callee, derive_call_status(caller, callee))
