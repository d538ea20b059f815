"""A RingOut call's notifications, derived from its timeline (pure, nothing stored per call).

Telephony-session events: one party per event, the caller leg (party 1, ``ringOutRole``
``Initiator``) before the callee leg (party 2, ``Target``), both ``direction: "Inbound"`` as the
platform sends them for a RingOut (bug PLA-52742); a per-session ``sequence`` from 1. The callee
party appears once the caller answered (the platform rings the callee only then) or when it
settles on its own. Presence events: the caller's extension rings while party 1 is
``Proceeding``, is ``CallConnected`` while it is ``Answered``, and back to ``NoCall`` when the call
ends. Mapping of each RingOut leg status to a party status: ``PARTY_STATUS`` (README)."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.call import RingOutCall
from emulator.core.legs import is_live
from emulator.core.scenario import CallState
from emulator.core.sessions import CALLEE_PARTY, CALLER_PARTY
from emulator.core.statuses import ANSWERED as ANSWERED_LEGS
from emulator.core.statuses import CallingStatus
from emulator.core.timeline import TimelineEntry, timeline

PROCEEDING = "Proceeding"
ANSWERED = "Answered"
DISCONNECTED = "Disconnected"

PARTY_STATUS: dict[CallingStatus, tuple[str, str | None]] = {
    CallingStatus.IN_PROGRESS: (PROCEEDING, None),
    CallingStatus.SUCCESS: (ANSWERED, None),
    CallingStatus.FINISHED: (DISCONNECTED, None),
    CallingStatus.BUSY: (DISCONNECTED, "TargetBusy"),
    CallingStatus.NO_ANSWER: (DISCONNECTED, "NoAnswer"),
    CallingStatus.NO_ANSWERING_MACHINE: (DISCONNECTED, "NoAnswer"),
    CallingStatus.REJECTED: (DISCONNECTED, "Rejected"),
    CallingStatus.INTERNATIONAL_DISABLED: (DISCONNECTED, "InternationalDisabled"),
    CallingStatus.DESTINATION_BLOCKED: (DISCONNECTED, "DestinationBlocked"),
    CallingStatus.NOT_ENOUGH_FUNDS: (DISCONNECTED, "NotEnoughFunds"),
    CallingStatus.NOSUCH_USER: (DISCONNECTED, "NoSuchUser"),
    CallingStatus.INVALID: (DISCONNECTED, "InvalidNumber"),
    CallingStatus.RING_OUT_FROM_THIS_NUMBER_IS_NOT_SUPPORTED: (DISCONNECTED, "InvalidNumber"),
    CallingStatus.CANNOT_REACH: (DISCONNECTED, "InternalError"),
    CallingStatus.GENERIC_ERROR: (DISCONNECTED, "InternalError"),
    CallingStatus.ERROR: (DISCONNECTED, "InternalError"),
    CallingStatus.NO_SESSION_FOUND: (DISCONNECTED, "InternalError"),
    CallingStatus.UNKNOWN: (DISCONNECTED, "InternalError"),
}
"""Every one of the 18 RingOut statuses, as the telephony-session status a leg in it shows."""

PRESENCE_OF = {PROCEEDING: "Ringing", ANSWERED: "CallConnected", DISCONNECTED: "NoCall"}


@dataclass(frozen=True, slots=True)
class PartyEvent:
    """One telephony-session notification of a call: ``sequence`` counts from 1 per session."""

    at: float
    sequence: int
    party: int  # CALLER_PARTY | CALLEE_PARTY
    code: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class PresenceEvent:
    """The caller extension's telephony status changed because of this call."""

    at: float
    telephony_status: str  # Ringing | CallConnected | NoCall
    final: bool


@dataclass(frozen=True, slots=True)
class CallEvents:
    parties: tuple[PartyEvent, ...]
    presence: tuple[PresenceEvent, ...]


Party = tuple[str, str | None]


def call_events(call: RingOutCall, now: float) -> CallEvents:
    """Every event of ``call`` that is due at ``now``, in order."""
    return events_of(timeline(call, now), call.scenario.last_index, call.play_prompt)


def events_of(entries: list[TimelineEntry], last_step: int, play_prompt: bool) -> CallEvents:
    parties: list[PartyEvent] = []
    presence: list[PresenceEvent] = []
    shown: dict[int, Party] = {}
    for entry in entries:
        ended = _ended(entry, last_step)
        cancelled = entry.cause == "cancelled"
        for number, now in _parties(entry.state, ended, cancelled, play_prompt, CALLEE_PARTY in shown):
            if shown.get(number) != now:
                shown[number] = now
                parties.append(PartyEvent(entry.at, len(parties) + 1, number, now[0], now[1]))
        caller = shown.get(CALLER_PARTY)
        if caller is not None:
            status = PRESENCE_OF[caller[0]]
            if not presence or presence[-1].telephony_status != status:
                presence.append(PresenceEvent(entry.at, status, status == "NoCall"))
    return CallEvents(tuple(parties), tuple(presence))


def _ended(entry: TimelineEntry, last_step: int) -> bool:
    if entry.cause == "scenario":
        return entry.step == last_step or not is_live(entry.state)
    return entry.cause == "cancelled" or not is_live(entry.state)


def _parties(
    state: CallState, ended: bool, cancelled: bool, play_prompt: bool, callee_shown: bool
) -> list[tuple[int, Party]]:
    """The party statuses at one timeline entry, caller first. The callee party shows once the
    caller answered (the platform rings the callee only then); with ``playPrompt`` only once the
    callee itself answers or fails (before that the caller may still be at the prompt)."""
    caller = _party(state.caller, ended, cancelled)
    prompting = play_prompt and state.callee is CallingStatus.IN_PROGRESS
    if prompting and caller[0] == ANSWERED and not ended:
        caller = (PROCEEDING, None)  # "Prompt me before connecting": Proceeding till the callee answers
    shown = [(CALLER_PARTY, caller)]
    rung = state.caller in ANSWERED_LEGS and not (
        play_prompt and state.callee in (CallingStatus.IN_PROGRESS, CallingStatus.REJECTED)
    )
    if callee_shown or rung:
        shown.append((CALLEE_PARTY, _party(state.callee, ended, cancelled)))
    return shown


def _party(leg: CallingStatus, ended: bool, cancelled: bool) -> Party:
    code, reason = PARTY_STATUS[leg]
    if ended and code != DISCONNECTED:  # the call ended around a leg still ringing or talking
        code, reason = DISCONNECTED, None
    if cancelled and code == DISCONNECTED and leg is not CallingStatus.FINISHED:
        reason = "Cancelled"
    return code, reason
