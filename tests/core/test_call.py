"""``RingOutCall``: status computed on read (manual and poll modes), cancel, retention."""

from __future__ import annotations

import pytest

from emulator.core.call import ClockMode
from emulator.core.scenario import CallState, Scenario, Step
from emulator.core.statuses import CallingStatus as S
from tests.core.helpers import BUSY, START, make_call

IP = S.IN_PROGRESS
RINGING = CallState(IP, IP, IP)
CALLER_UP = CallState(S.SUCCESS, IP, IP)
TALKING = CallState(S.SUCCESS, S.SUCCESS, S.SUCCESS)
HUNG_UP = CallState(S.FINISHED, S.FINISHED, S.SUCCESS)


def test_manual_mode_reads_do_not_change_the_call() -> None:
    call = make_call()
    for _ in range(5):
        assert call.poll(START + 1).state == RINGING
        assert call.view(START + 1).state == RINGING
    assert call.polls == 0
    assert call.view(START + 4).state == CALLER_UP
    assert call.view(START + 9).state == TALKING
    # Reading an earlier moment again is fine: nothing was stored.
    assert call.view(START + 2).state == RINGING


def test_manual_mode_ends_at_the_last_step() -> None:
    call = make_call()
    assert call.view(START + 38.999).ended_at is None
    view = call.view(START + 39)
    assert (view.index, view.state, view.ended_at) == (3, HUNG_UP, START + 39)


def test_poll_mode_each_poll_advances_one_step_and_view_does_not() -> None:
    call = make_call(mode=ClockMode.POLL)
    assert call.view(START).state == RINGING
    assert call.view(START + 1000).state == RINGING  # time alone does not move a polled call
    assert call.polls == 0
    assert call.poll(START + 1).state == CALLER_UP
    assert call.view(START + 1).state == CALLER_UP
    assert call.view(START + 1).state == CALLER_UP
    assert call.poll(START + 2).state == TALKING
    assert call.poll(START + 3).state == HUNG_UP
    assert call.poll(START + 4).state == HUNG_UP  # stays at the last step


def test_poll_mode_ends_when_the_last_step_is_read() -> None:
    call = make_call(mode=ClockMode.POLL)
    views = [call.poll(START + n) for n in (1, 2, 3, 4, 5)]
    assert [v.index for v in views] == [1, 2, 3, 3, 3]
    assert [v.ended_at for v in views] == [None, None, START + 3, START + 3, START + 3]
    assert call.polls == 3


@pytest.mark.parametrize("mode", list(ClockMode))
def test_a_one_step_scenario_ends_when_it_starts(mode: ClockMode) -> None:
    instant = Scenario("instant", "answered at once", (Step(0, S.SUCCESS, S.SUCCESS),))
    call = make_call(instant, mode=mode)
    for _ in range(3):
        view = call.poll(START + 1)
        assert (view.index, view.state, view.ended_at) == (0, TALKING, START)
    assert call.cancel(START + 1) is False
    assert not call.expired(START + 59.9, 60)
    assert call.expired(START + 60, 60)


def test_cancel_while_both_legs_ring() -> None:
    call = make_call()
    assert call.cancel(START + 2) is True
    view = call.view(START + 2)
    assert view.state == CallState(S.REJECTED, S.REJECTED, S.CANNOT_REACH)
    assert (view.index, view.ended_at) == (0, START + 2)
    # The scenario no longer moves it on.
    assert call.view(START + 100).state == CallState(S.REJECTED, S.REJECTED, S.CANNOT_REACH)


def test_cancel_after_the_caller_answered_hangs_the_caller_up() -> None:
    call = make_call()
    assert call.cancel(START + 5) is True
    view = call.view(START + 50)
    assert view.state == CallState(S.FINISHED, S.REJECTED, S.CANNOT_REACH)
    assert (view.index, view.ended_at) == (1, START + 5)


def test_cancel_leaves_a_failed_leg_as_it_is() -> None:
    scenario = Scenario("odd", "caller fails, callee still rings", (Step(0), Step(1, caller=S.BUSY), Step(9)))
    call = make_call(scenario)
    assert call.cancel(START + 2) is True
    assert call.view(START + 2).state == CallState(S.BUSY, S.REJECTED, S.CANNOT_REACH)


def test_cancel_twice_is_a_no_op() -> None:
    call = make_call()
    assert call.cancel(START + 1) is True
    assert call.cancel(START + 2) is False
    assert call.view(START + 3).ended_at == START + 1


@pytest.mark.parametrize("offset", [9, 20, 39, 500])
def test_cancel_after_the_callee_answered_does_nothing(offset: float) -> None:
    call = make_call()
    assert call.cancel(START + offset) is False
    assert (call.cancelled_at, call.cancelled_index) == (None, None)
    assert call.view(START + 20).state == TALKING
    assert call.view(START + 39).state == HUNG_UP


def test_cancel_after_the_call_failed_does_nothing() -> None:
    call = make_call(BUSY)
    assert call.cancel(START + 7) is False
    assert call.view(START + 7).state == CallState(S.SUCCESS, S.BUSY, S.CANNOT_REACH)


def test_cancel_in_poll_mode_freezes_the_call() -> None:
    call = make_call(mode=ClockMode.POLL)
    call.poll(START + 1)
    assert call.cancel(START + 2) is True
    for _ in range(4):
        view = call.poll(START + 3)
        assert view.state == CallState(S.FINISHED, S.REJECTED, S.CANNOT_REACH)
        assert view.ended_at == START + 2
    assert call.polls == 1


def test_retention_counts_from_the_end_of_the_call() -> None:
    call = make_call()
    retention = 60.0
    assert not call.expired(START + 38, retention)  # not ended yet
    assert not call.expired(START + 39, retention)
    assert not call.expired(START + 39 + 59.999, retention)
    assert call.expired(START + 39 + 60, retention)


def test_retention_of_a_cancelled_call_counts_from_the_cancel() -> None:
    call = make_call()
    call.cancel(START + 2)
    assert not call.expired(START + 61.999, 60)
    assert call.expired(START + 62, 60)


def test_a_live_call_never_expires() -> None:
    assert not make_call(mode=ClockMode.POLL).expired(START + 10**6, 0)
