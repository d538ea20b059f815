"""The call store stays bounded: expired calls leave as new ones arrive, the cap evicts the oldest
ended call, and a store full of live calls refuses with 503 CMN-211."""

from __future__ import annotations

import pytest

from emulator.core.call import RingOutCall
from emulator.core.errors import StoreFull
from emulator.core.scenario import Scenario, Step
from emulator.core.statuses import CallingStatus
from emulator.core.store import CallStore
from tests.core.helpers import make_call

SHORT = Scenario("short", "", (Step(0), Step(10, callee=CallingStatus.BUSY)))  # ends at 10 s
RETENTION = 60.0


def call(call_id: str, created_at: float) -> RingOutCall:
    return make_call(SHORT, created_at=created_at, call_id=call_id)


def test_a_steady_load_keeps_only_calls_within_length_plus_retention() -> None:
    store = CallStore(max_calls=1_000_000, retention=RETENTION)
    for second in range(1_000):  # one call a second for 1,000 s
        store.add(call(f"c{second}", second), now=second)
    assert len(store) <= 10 + RETENTION + 2  # call length + retention (+ the sweep's lag)
    assert store.get("c999", now=999) is not None
    assert store.get("c0", now=999) is None


def test_at_the_cap_the_oldest_ended_call_makes_room() -> None:
    store = CallStore(max_calls=3, retention=RETENTION)
    for n in range(3):
        store.add(call(f"c{n}", 0), now=0)
    store.add(call("late", 20), now=20)  # all three ended at 10 s but are still within retention
    assert [c.id for c in store] == ["c1", "c2", "late"]


def test_a_store_full_of_live_calls_refuses() -> None:
    store = CallStore(max_calls=2, retention=RETENTION)
    store.add(call("a", 0), now=0)
    store.add(call("b", 0), now=0)
    with pytest.raises(StoreFull) as refused:
        store.add(call("c", 1), now=1)
    assert (refused.value.status, refused.value.error_code) == (503, "CMN-211")
    assert [c.id for c in store] == ["a", "b"]


def test_expired_calls_go_before_ended_ones_and_big_stores_evict_one_percent_at_a_time() -> None:
    store = CallStore(max_calls=200, retention=RETENTION)
    for n in range(199):
        store.add(call(f"c{n}", 0), now=0)  # all end at 10 s, expire at 70 s
    store.add(call("young", 50), now=50)  # the store is at its cap
    store.add(call("next", 60), now=60)  # none expired: the two (1% of 200) oldest ended calls go
    assert [c.id for c in store][:2] == ["c2", "c3"]
    assert len(store) == 199
    store.add(call("later", 75), now=75)  # c2...c198 have expired: this add's sweep drops two
    assert [c.id for c in store][:2] == ["c4", "c5"]
    assert len(store) == 198
    assert store.get("c100", now=75) is None  # an expired call is gone when read
