"""A RingOut's call-log record, derived from the call and its timeline (nothing is stored but
the call itself): the record's times, its outcome, and its legs (caller leg, then the callee
leg once the caller answered), as ``view=Detailed`` shows them.

Numbers: the record goes ``from`` the RingOut's ``from`` (the user's phone) ``to`` the number
called; the caller leg is the platform ringing the user's phone (from the number called, to
the user's phone), the callee leg the platform dialling out (from the caller id shown, else the
user's number, to the number called)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from emulator.core.call import RingOutCall
from emulator.core.call_results import IN_PROGRESS, Outcome, call_outcome, leg_outcome
from emulator.core.sessions import CALLEE_PARTY, CALLER_PARTY, party_id, session_id, telephony_session_id
from emulator.core.statuses import ANSWERED
from emulator.core.timeline import timeline

CALLER_LEG_TYPE = "RingOutWebToCaller"
CALLEE_LEG_TYPE = "RingOutWebToSubscriber"


def call_record_id(call_id: str) -> str:
    """15 URL-safe characters, the platform's record id shape (``IWvNToLkbo-7zUA``)."""
    digest = hashlib.blake2b(call_id.encode(), digest_size=12, person=b"call-log").digest()
    return base64.urlsafe_b64encode(digest).decode()[:15]


@dataclass(frozen=True, slots=True)
class LegRecord:
    leg_type: str
    master: bool
    start: float
    end: float | None
    outcome: Outcome
    from_number: str
    to_number: str
    party_id: str


@dataclass(frozen=True, slots=True)
class CallRecord:
    id: str
    call: RingOutCall
    start: float
    end: float | None  # None: still in progress (active calls)
    outcome: Outcome
    legs: tuple[LegRecord, ...]
    session_id: str
    telephony_session_id: str

    def duration(self, now: float) -> float:
        return (now if self.end is None else self.end) - self.start


def call_record(call: RingOutCall, ended_at: float | None, now: float) -> CallRecord:
    """The record of ``call`` as it ended at ``ended_at`` (None: as it stands at ``now``)."""
    at = now if ended_at is None else ended_at
    state = call.view(at).state
    cancelled = call.cancelled_at is not None
    outcome = IN_PROGRESS if ended_at is None else call_outcome(state, cancelled=cancelled)
    caller_leg = LegRecord(
        CALLER_LEG_TYPE,
        True,
        call.created_at,
        ended_at,
        leg_outcome(state.caller, "caller", cancelled=cancelled),
        call.to_number,
        call.from_number,
        party_id(call.id, CALLER_PARTY),
    )
    legs = [caller_leg]
    answered_at = next((e.at for e in timeline(call, at) if e.state.caller in ANSWERED), None)
    if answered_at is not None:
        legs.append(
            LegRecord(
                CALLEE_LEG_TYPE,
                False,
                answered_at,
                ended_at,
                leg_outcome(state.callee, "callee", cancelled=cancelled),
                call.caller_id or call.from_number,
                call.to_number,
                party_id(call.id, CALLEE_PARTY),
            )
        )
    return CallRecord(
        call_record_id(call.id),
        call,
        call.created_at,
        ended_at,
        outcome,
        tuple(legs),
        session_id(call.id),
        telephony_session_id(call.id),
    )
