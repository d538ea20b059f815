"""What the call log says happened: a record's ``result`` and ``reason`` from a RingOut's final
state, and each leg's from that leg's status.

The platform documents the enums, not the mapping; this table is the emulator's reading of
each value's documented meaning (README "Call log": one row per bundled scenario, cancel and the
forced legs, checked against this code by a test)."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.scenario import CallState
from emulator.core.statuses import ANSWERED
from emulator.core.statuses import CallingStatus as S


@dataclass(frozen=True, slots=True)
class Outcome:
    result: str
    reason: str | None  # None: no reason is given (a call still in progress)


CONNECTED = Outcome("Call connected", "Accepted")
HUNG_UP = Outcome("Hang Up", "Hang Up")  # "The caller hung up before the call was answered"
IN_PROGRESS = Outcome("In Progress", None)  # active calls

# A leg that failed, by its status. NoAnswer differs by leg: the caller leg is the user's own
# phone ("You did not answer the call"), the callee leg the number dialled ("... was not answered").
_FAILED = {
    S.BUSY: Outcome("Busy", "Line Busy"),
    S.REJECTED: Outcome("Rejected", "Not Answered"),
    S.GENERIC_ERROR: Outcome("Call Failed", "Failed Try Again"),
    S.INTERNATIONAL_DISABLED: Outcome("International Disabled", "International Disabled"),
    S.DESTINATION_BLOCKED: Outcome("Blocked", "Number Blocked"),
    S.NOT_ENOUGH_FUNDS: Outcome("No Calling Credit", "No Credit"),
    S.NOSUCH_USER: Outcome("Wrong Number", "Wrong Number"),
    S.ERROR: Outcome("Call Failed", "Internal Call Error"),
    S.CANNOT_REACH: Outcome("Call Failed", "Failed Try Again"),
    S.NO_ANSWERING_MACHINE: Outcome("Call Failed", "Resource Error"),
    S.NO_SESSION_FOUND: Outcome("Call Failed", "Internal Error"),
    S.RING_OUT_FROM_THIS_NUMBER_IS_NOT_SUPPORTED: Outcome("Not Allowed", "Number Not Allowed"),
    S.INVALID: Outcome("Internal Error", "Internal Error"),
    S.UNKNOWN: Outcome("Unknown", "Unknown"),
    S.IN_PROGRESS: IN_PROGRESS,
}
_NO_ANSWER = {"caller": Outcome("No Answer", "No Answer"), "callee": Outcome("No Answer", "Not Answered")}
# A callStatus a scenario set itself (not derived from the legs) decides the record.
_DERIVED = frozenset({S.SUCCESS, S.IN_PROGRESS, S.CANNOT_REACH})


def leg_outcome(status: S, leg: str, *, cancelled: bool = False) -> Outcome:
    """One leg's ``result``/``reason`` (``leg`` is "caller" or "callee"); a leg still ringing
    when the RingOut was cancelled hung up."""
    if status in ANSWERED:
        return CONNECTED
    if status is S.NO_ANSWER:
        return _NO_ANSWER[leg]
    if cancelled and status is S.REJECTED:
        return HUNG_UP
    return _FAILED[status]


def call_outcome(final: CallState, *, cancelled: bool = False) -> Outcome:
    """The record's ``result``/``reason`` from the state the call ended in.

    A cancel (DELETE while ringing) is a hang-up. A callStatus the scenario set explicitly
    decides; then a connected call; then the first leg that failed, caller first (a caller who
    answered and hung up while the callee rang is a hang-up)."""
    if cancelled:
        return HUNG_UP
    if final.call not in _DERIVED:
        return _FAILED[final.call]
    if final.call is S.SUCCESS:
        return CONNECTED
    if final.caller not in ANSWERED and final.caller is not S.IN_PROGRESS:
        return leg_outcome(final.caller, "caller")
    if final.caller is S.FINISHED and final.callee is S.REJECTED:
        return HUNG_UP
    return leg_outcome(final.callee, "callee")
