"""The ``Scenario`` model: states precomputed per step, overrides, ordering rules."""

from __future__ import annotations

import pytest

from emulator.core.scenario import CallState, Scenario, Step
from emulator.core.statuses import CallingStatus as S


def test_states_carry_legs_forward_and_apply_overrides() -> None:
    scenario = Scenario(
        "x",
        "d",
        (Step(0), Step(1, caller=S.SUCCESS), Step(2, callee=S.GENERIC_ERROR, call=S.NO_ANSWERING_MACHINE)),
    )
    assert scenario.states == (
        CallState(S.IN_PROGRESS, S.IN_PROGRESS, S.IN_PROGRESS),
        CallState(S.SUCCESS, S.IN_PROGRESS, S.IN_PROGRESS),
        CallState(S.SUCCESS, S.GENERIC_ERROR, S.NO_ANSWERING_MACHINE),
    )
    assert scenario.last_index == 2


@pytest.mark.parametrize(("elapsed", "index"), [(-1, 0), (0, 0), (0.999, 0), (1, 1), (1.5, 2), (99, 2)])
def test_index_at(elapsed: float, index: int) -> None:
    scenario = Scenario("x", "d", (Step(0), Step(1, caller=S.SUCCESS), Step(1.5, callee=S.BUSY)))
    assert scenario.index_at(elapsed) == index


def test_a_scenario_needs_steps() -> None:
    with pytest.raises(ValueError, match="at least one step"):
        Scenario("x", "d", ())


@pytest.mark.parametrize("steps", [(Step(-1),), (Step(0), Step(5), Step(4))])
def test_steps_are_ordered_and_not_negative(steps: tuple[Step, ...]) -> None:
    with pytest.raises(ValueError, match="'at' must be >= 0 and not before the previous step"):
        Scenario("x", "d", steps)


def test_callee_settled() -> None:
    assert not CallState(S.SUCCESS, S.IN_PROGRESS, S.IN_PROGRESS).callee_settled
    assert CallState(S.SUCCESS, S.SUCCESS, S.SUCCESS).callee_settled
    assert CallState(S.SUCCESS, S.BUSY, S.CANNOT_REACH).callee_settled
