"""Every bundled scenario's full timeline, written out here so a wrong scenario file fails.

For each step: the (caller, callee, call) statuses at its offset, just before the next step, and
(for every step but the first) that the previous state still holds just before it."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.bundled import bundled_scenarios_dir
from emulator.core.call import ClockMode, RingOutCall
from emulator.core.scenario import CallState, Scenario
from emulator.core.statuses import CallingStatus
from emulator.scenario_files import load_scenario_dir
from tests.core.helpers import make_call

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"
START = 1_767_225_600.0
EPS = 1e-3

IP, OK, FIN, CR = "InProgress", "Success", "Finished", "CannotReach"
_CONNECT = [(0, IP, IP, IP), (4, OK, IP, IP)]

# name -> [(at, caller, callee, call), ...]
TIMELINES: dict[str, list[tuple[float, str, str, str]]] = {
    "success": [*_CONNECT, (9, OK, OK, OK), (39, FIN, FIN, OK)],
    "busy": [*_CONNECT, (6, OK, "Busy", CR)],
    "no_answer": [*_CONNECT, (34, OK, "NoAnswer", CR)],
    "rejected": [*_CONNECT, (8, OK, "Rejected", CR)],
    "international_disabled": [*_CONNECT, (5, OK, "InternationalDisabled", CR)],
    "caller_busy": [(0, IP, IP, IP), (3, "Busy", IP, CR)],
    "caller_no_answer": [(0, IP, IP, IP), (30, "NoAnswer", IP, CR)],
    "caller_hangs_up_while_ringing": [*_CONNECT, (8, FIN, "Rejected", CR)],
    "generic_error": [*_CONNECT, (5, OK, "GenericError", CR)],
    "destination_blocked": [*_CONNECT, (5, OK, "DestinationBlocked", CR)],
    "not_enough_funds": [(0, IP, IP, IP), (1, "NotEnoughFunds", "NotEnoughFunds", CR)],
    "no_answering_machine": [*_CONNECT, (5, OK, "GenericError", "NoAnsweringMachine")],
    "prompt_not_confirmed": [*_CONNECT, (24, FIN, "Rejected", CR)],
    "internal_failure": [(0, IP, IP, IP), (2, "Invalid", "Invalid", "Invalid")],
}


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Scenario]:
    return load_scenario_dir(SCENARIOS_DIR)


def _state(caller: str, callee: str, call: str) -> CallState:
    return CallState(CallingStatus(caller), CallingStatus(callee), CallingStatus(call))


def _call(scenario: Scenario, mode: ClockMode = ClockMode.MANUAL) -> RingOutCall:
    return make_call(scenario, mode=mode, created_at=START)


def test_the_catalogue_is_exactly_the_documented_one(catalogue: dict[str, Scenario]) -> None:
    assert sorted(catalogue) == sorted(TIMELINES)
    assert load_scenario_dir(bundled_scenarios_dir()) == catalogue  # what the package ships (tree or wheel)


@pytest.mark.parametrize("name", sorted(TIMELINES))
def test_every_scenario_has_a_one_line_description(catalogue: dict[str, Scenario], name: str) -> None:
    description = catalogue[name].description
    assert description.strip() == description
    assert description and "\n" not in description


@pytest.mark.parametrize("name", sorted(TIMELINES))
def test_timeline(catalogue: dict[str, Scenario], name: str) -> None:
    scenario = catalogue[name]
    expected = TIMELINES[name]
    assert [step.at for step in scenario.steps] == [float(at) for at, *_ in expected]
    assert list(scenario.states) == [_state(*legs) for _, *legs in expected]
    call = _call(scenario)
    end = START + expected[-1][0]
    for index, (at, *legs) in enumerate(expected):
        state = _state(*legs)
        is_last = index == len(expected) - 1
        until = START + (expected[index + 1][0] if not is_last else at + 3600) - EPS
        for moment in (START + at, until):
            view = call.view(moment)
            assert (view.index, view.state) == (index, state), f"{name} step {index} at {moment - START:.3f}s"
            assert view.ended_at == (end if is_last else None)
        if index:
            before = call.view(START + at - EPS)
            assert before.index == index - 1
            assert before.state == _state(*expected[index - 1][1:])


@pytest.mark.parametrize("name", sorted(TIMELINES))
def test_poll_mode_walks_the_same_timeline_one_read_at_a_time(catalogue: dict[str, Scenario], name: str) -> None:
    call = _call(catalogue[name], ClockMode.POLL)
    expected = [_state(*legs) for _, *legs in TIMELINES[name]]
    assert call.view(START).state == expected[0]
    seen = [call.poll(START).state for _ in range(len(expected) + 1)]
    assert seen == [*expected[1:], expected[-1], expected[-1]]
