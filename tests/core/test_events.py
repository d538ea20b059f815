"""A call's telephony-session and presence events, derived from its timeline, for every bundled
scenario (with and without ``playPrompt``), forced legs, cancel, and poll mode."""

from __future__ import annotations

from dataclasses import replace

import pytest

from emulator.bundled import bundled_scenarios_dir
from emulator.core.call import ClockMode, RingOutCall
from emulator.core.events import PARTY_STATUS, call_events
from emulator.core.legs import Leg, LegAction
from emulator.core.statuses import CallingStatus
from emulator.scenario_files import load_catalogue
from tests.core.helpers import START, SUCCESS, make_call

CATALOGUE = load_catalogue(bundled_scenarios_dir(), None)
P, A, D = "Proceeding", "Answered", "Disconnected"


def parties(call: RingOutCall, now: float = START + 3600) -> list[str]:
    """``t party code[/reason]`` of each event, in sequence order (sequences checked 1..n)."""
    events = call_events(call, now).parties
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    return [f"{e.at - START:g} {e.party} {e.code}" + (f"/{e.reason}" if e.reason else "") for e in events]


def presence(call: RingOutCall, now: float = START + 3600) -> list[str]:
    return [
        f"{e.at - START:g} {e.telephony_status}" + (" final" if e.final else "")
        for e in call_events(call, now).presence
    ]


TWO_LEG_FAILURE = ["0 1 Proceeding", "4 1 Answered", "4 2 Proceeding"]
EXPECTED = {
    "success": [*TWO_LEG_FAILURE, "9 2 Answered", "39 1 Disconnected", "39 2 Disconnected"],
    "busy": [*TWO_LEG_FAILURE, "6 1 Disconnected", "6 2 Disconnected/TargetBusy"],
    "caller_busy": ["0 1 Proceeding", "3 1 Disconnected/TargetBusy"],
    "caller_hangs_up_while_ringing": [*TWO_LEG_FAILURE, "8 1 Disconnected", "8 2 Disconnected/Rejected"],
    "caller_no_answer": ["0 1 Proceeding", "30 1 Disconnected/NoAnswer"],
    "destination_blocked": [*TWO_LEG_FAILURE, "5 1 Disconnected", "5 2 Disconnected/DestinationBlocked"],
    "generic_error": [*TWO_LEG_FAILURE, "5 1 Disconnected", "5 2 Disconnected/InternalError"],
    "internal_failure": ["0 1 Proceeding", "2 1 Disconnected/InvalidNumber"],
    "international_disabled": [*TWO_LEG_FAILURE, "5 1 Disconnected", "5 2 Disconnected/InternationalDisabled"],
    "no_answer": [*TWO_LEG_FAILURE, "34 1 Disconnected", "34 2 Disconnected/NoAnswer"],
    "no_answering_machine": [*TWO_LEG_FAILURE, "5 1 Disconnected", "5 2 Disconnected/InternalError"],
    "not_enough_funds": ["0 1 Proceeding", "1 1 Disconnected/NotEnoughFunds"],
    "prompt_not_confirmed": [*TWO_LEG_FAILURE, "24 1 Disconnected", "24 2 Disconnected/Rejected"],
    "rejected": [*TWO_LEG_FAILURE, "8 1 Disconnected", "8 2 Disconnected/Rejected"],
}
# With playPrompt the caller stays Proceeding at the prompt, and the callee shows only once it
# answers or fails (a callee never rung because nobody pressed 1 never shows).
EXPECTED_PROMPT = {
    "success": ["0 1 Proceeding", "9 1 Answered", "9 2 Answered", "39 1 Disconnected", "39 2 Disconnected"],
    "busy": ["0 1 Proceeding", "6 1 Disconnected", "6 2 Disconnected/TargetBusy"],
    "prompt_not_confirmed": ["0 1 Proceeding", "24 1 Disconnected"],
    "rejected": ["0 1 Proceeding", "8 1 Disconnected"],
}


def test_every_bundled_scenario_has_its_sequence() -> None:
    assert sorted(EXPECTED) == sorted(CATALOGUE)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_scenarios_telephony_events(name: str) -> None:
    assert parties(make_call(CATALOGUE[name])) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_PROMPT))
def test_with_play_prompt_the_caller_stays_proceeding(name: str) -> None:
    call = replace(make_call(CATALOGUE[name]), play_prompt=True)
    assert parties(call) == EXPECTED_PROMPT[name]


def test_only_the_events_due_are_derived() -> None:
    call = make_call(SUCCESS)
    assert parties(call, START + 8.9) == ["0 1 Proceeding", "4 1 Answered", "4 2 Proceeding"]
    assert parties(call, START) == ["0 1 Proceeding"]


def test_presence_rings_connects_and_ends() -> None:
    call = make_call(SUCCESS)
    assert presence(call) == ["0 Ringing", "4 CallConnected", "39 NoCall final"]
    assert presence(make_call(CATALOGUE["caller_busy"])) == ["0 Ringing", "3 NoCall final"]


def test_a_cancel_while_ringing_is_cancelled() -> None:
    call = make_call(SUCCESS)
    assert call.cancel(START + 2)
    assert parties(call) == ["0 1 Proceeding", "2 1 Disconnected/Cancelled"]
    assert presence(call) == ["0 Ringing", "2 NoCall final"]


def test_a_cancel_while_the_callee_rings_disconnects_both() -> None:
    call = make_call(SUCCESS)
    assert call.cancel(START + 6)
    assert parties(call) == [*TWO_LEG_FAILURE, "6 1 Disconnected", "6 2 Disconnected/Cancelled"]


def test_forced_legs_emit_their_events() -> None:
    call = make_call(SUCCESS)
    call.force(Leg.CALLER, LegAction.ANSWER, START + 1)
    call.force(Leg.CALLEE, LegAction.ANSWER, START + 2)
    call.force(Leg.CALLER, LegAction.HANG_UP, START + 100)
    assert parties(call, START + 200) == [
        "0 1 Proceeding",
        "1 1 Answered",
        "1 2 Proceeding",
        "2 2 Answered",
        "100 1 Disconnected",
        "100 2 Disconnected",
    ]


def test_a_forced_busy_callee_is_target_busy() -> None:
    call = make_call(SUCCESS)
    call.force(Leg.CALLER, LegAction.ANSWER, START + 1)
    call.force(Leg.CALLEE, LegAction.BUSY, START + 2)
    assert parties(call) == [
        *[e.replace("4 ", "1 ", 1) for e in TWO_LEG_FAILURE],
        "2 1 Disconnected",
        "2 2 Disconnected/TargetBusy",
    ]


def test_poll_mode_events_come_at_the_polls() -> None:
    call = make_call(SUCCESS, mode=ClockMode.POLL)
    call.poll(START + 100)
    call.poll(START + 200)
    assert parties(call, START + 300) == ["0 1 Proceeding", "100 1 Answered", "100 2 Proceeding", "200 2 Answered"]


def test_every_ringout_status_maps_to_a_party_status() -> None:
    assert set(PARTY_STATUS) == set(CallingStatus)
    assert {code for code, _ in PARTY_STATUS.values()} == {P, A, D}
