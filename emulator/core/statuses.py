"""RingCentral's ``CallingStatusInfo`` enum and the rule that derives ``callStatus`` from the legs."""

from __future__ import annotations

from enum import StrEnum


class CallingStatus(StrEnum):
    """All 18 values of the official enum, spelled exactly as the spec spells them."""

    INVALID = "Invalid"
    SUCCESS = "Success"
    IN_PROGRESS = "InProgress"
    BUSY = "Busy"
    NO_ANSWER = "NoAnswer"
    RING_OUT_FROM_THIS_NUMBER_IS_NOT_SUPPORTED = "RingOutFromThisNumberIsNotSupported"
    REJECTED = "Rejected"
    GENERIC_ERROR = "GenericError"
    FINISHED = "Finished"
    INTERNATIONAL_DISABLED = "InternationalDisabled"
    DESTINATION_BLOCKED = "DestinationBlocked"
    NOT_ENOUGH_FUNDS = "NotEnoughFunds"
    NOSUCH_USER = "NosuchUser"
    ERROR = "Error"
    CANNOT_REACH = "CannotReach"
    NO_ANSWERING_MACHINE = "NoAnsweringMachine"
    NO_SESSION_FOUND = "NoSessionFound"
    UNKNOWN = "Unknown"


ANSWERED = frozenset({CallingStatus.SUCCESS, CallingStatus.FINISHED})
"""A leg that picked up (and possibly hung up since)."""


def derive_call_status(caller: CallingStatus, callee: CallingStatus) -> CallingStatus:
    """The overall ``callStatus`` of a RingOut from its two legs (RingOut guide, flow diagrams).

    Success once both legs answered, and it stays Success after they hang up (Finished);
    InProgress while no leg has failed and at least one is still ringing; CannotReach once a
    leg failed (busy, no answer, rejected, an error...).
    """
    if caller in ANSWERED and callee in ANSWERED:
        return CallingStatus.SUCCESS
    pending = (CallingStatus.IN_PROGRESS, *ANSWERED)
    if caller in pending and callee in pending:
        return CallingStatus.IN_PROGRESS
    return CallingStatus.CANNOT_REACH
