"""Fault rules: matching, times, windows on the manual clock, the seeded draw, delays."""

from __future__ import annotations

import pytest

from emulator.core.clock import ManualClock
from emulator.core.faults import (
    MAX_DELAY_SECONDS,
    MAX_FAULTS,
    Delay,
    Effect,
    Fault,
    FaultBook,
    FaultBookFull,
    FaultMatch,
    Firing,
    RequestFacts,
)
from tests.core.helpers import START

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
CREATE = RequestFacts("POST", RINGOUT, "createRingOutCall", "~", "~", "+16505550123")
READ = RequestFacts("GET", RINGOUT + "/abc", "readRingOutCallStatus", "~", "~")
ERROR = Fault(Effect.ERROR)


def book(seed: int | None = 7) -> FaultBook:
    return FaultBook(ManualClock(START), seed)


@pytest.mark.parametrize(
    ("match", "fires_on_create", "fires_on_read"),
    [
        (FaultMatch(), True, True),
        (FaultMatch(operation="createRingOutCall"), True, False),
        (FaultMatch(method="GET"), False, True),
        (FaultMatch(path_prefix=RINGOUT + "/"), False, True),
        (FaultMatch(account="~", extension="~"), True, True),
        (FaultMatch(extension="400131560009"), False, False),
        (FaultMatch(to="+16505550123"), True, False),
        (FaultMatch(to="+16505550000"), False, False),
    ],
)
def test_a_rule_fires_on_the_requests_it_matches(match: FaultMatch, fires_on_create: bool, fires_on_read: bool) -> None:
    faults = book()
    rule = faults.add(ERROR, match)
    assert (faults.fire(CREATE) is rule, faults.fire(READ) is rule) == (fires_on_create, fires_on_read)


def test_times_limits_the_hits_and_the_spent_rule_stays_listed() -> None:
    faults = book()
    rule = faults.add(ERROR, FaultMatch(), Firing(times=2))
    assert [faults.fire(CREATE) is rule for _ in range(3)] == [True, True, False]
    assert (rule.hits, rule.remaining, faults.rules()) == (2, 0, (rule,))


def test_the_first_rule_that_fires_wins() -> None:
    faults = book()
    first = faults.add(ERROR, FaultMatch(operation="createRingOutCall"), Firing(times=1))
    second = faults.add(Fault(Effect.RESET), FaultMatch())
    assert [faults.fire(CREATE) for _ in range(2)] == [first, second]


def test_a_window_on_the_emulators_clock() -> None:
    clock = ManualClock(START)
    faults = FaultBook(clock, None)
    rule = faults.add(ERROR, FaultMatch(), Firing(start=START + 10, end=START + 20))
    fired = []
    for step in (0, 10, 9.5, 0.5):
        clock.shift(step)
        fired.append(faults.fire(CREATE) is rule)
    assert fired == [False, True, True, False]


def test_a_probability_is_drawn_from_the_seed_reproducibly() -> None:
    runs = []
    for _ in range(2):
        faults = book(seed=42)
        faults.add(ERROR, FaultMatch(), Firing(probability=0.5))
        runs.append([faults.fire(CREATE) is not None for _ in range(40)])
    assert runs[0] == runs[1]
    assert 5 < sum(runs[0]) < 35  # a coin, not a constant
    other = book(seed=43)
    other.add(ERROR, FaultMatch(), Firing(probability=0.5))
    assert [other.fire(CREATE) is not None for _ in range(40)] != runs[0]


def test_probability_zero_never_fires_but_counts_what_it_saw() -> None:
    faults = book()
    rule = faults.add(ERROR, FaultMatch(), Firing(probability=0.0))
    assert [faults.fire(CREATE) for _ in range(3)] == [None, None, None]
    assert (rule.hits, rule.seen) == (0, 3)


def test_remove_and_clear() -> None:
    faults = book()
    first = faults.add(ERROR, FaultMatch())
    second = faults.add(ERROR, FaultMatch())
    assert (faults.remove(first.id), faults.remove(first.id), faults.rules()) == (True, False, (second,))
    faults.clear()
    assert (len(faults), faults.add(ERROR, FaultMatch()).id) == (0, "3")  # ids are never reused...
    faults.restart()
    assert (len(faults), faults.add(ERROR, FaultMatch()).id) == (0, "1")  # ...until a reset


def test_the_book_is_bounded() -> None:
    faults = book()
    for _ in range(MAX_FAULTS):
        faults.add(ERROR, FaultMatch())
    with pytest.raises(FaultBookFull):
        faults.add(ERROR, FaultMatch())


def test_needs_body_only_for_a_rule_on_to() -> None:
    faults = book()
    faults.add(ERROR, FaultMatch(operation="createRingOutCall"))
    assert faults.needs_body is False
    faults.add(ERROR, FaultMatch(to="+16505550123"))
    assert faults.needs_body is True


def test_delays_fixed_uniform_lognormal_seeded_and_capped() -> None:
    faults = book(seed=1)
    assert faults.delay_seconds(Fault(Effect.LATENCY, ms=250)) == 0.25
    uniform = [
        faults.delay_seconds(Fault(Effect.LATENCY, delay=Delay.UNIFORM, min_ms=100, max_ms=200)) for _ in range(50)
    ]
    assert all(0.1 <= d <= 0.2 for d in uniform) and len(set(uniform)) > 1
    lognormal = Fault(Effect.LATENCY, delay=Delay.LOGNORMAL, median_ms=100, sigma=0.5)
    drawn = sorted(faults.delay_seconds(lognormal) for _ in range(201))
    assert 0.07 < drawn[100] < 0.14  # the median is near medianMs
    again = book(seed=1)
    again.delay_seconds(Fault(Effect.LATENCY, ms=250))
    assert uniform == [
        again.delay_seconds(Fault(Effect.LATENCY, delay=Delay.UNIFORM, min_ms=100, max_ms=200)) for _ in range(50)
    ]
    huge = Fault(Effect.LATENCY, delay=Delay.LOGNORMAL, median_ms=60_000, sigma=5)
    assert max(faults.delay_seconds(huge) for _ in range(50)) == MAX_DELAY_SECONDS
