"""``CallStore``: lookups honour retention; the cap evicts expired, then the oldest ended call."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.core.call import ClockMode, RingOutCall
from emulator.core.errors import StoreFull
from emulator.core.store import CallStore
from tests.core.helpers import BUSY, START, SUCCESS, make_call


def test_get_returns_the_call_until_its_retention_ends_then_drops_it() -> None:
    store = CallStore(max_calls=10, retention=60)
    call = make_call(BUSY)  # ends at START + 6
    store.add(call, START)
    assert store.get("c1", START + 6) is call
    assert store.get("c1", START + 65.999) is call
    assert len(store) == 1
    assert store.get("c1", START + 66) is None
    assert len(store) == 0
    assert store.get("c1", START + 1) is None  # gone for good


def test_unknown_id() -> None:
    assert CallStore(max_calls=1, retention=60).get("nope", START) is None


def test_at_the_cap_expired_calls_go_first() -> None:
    store = CallStore(max_calls=3, retention=10)
    ended = make_call(BUSY, call_id="ended", created_at=START)  # ends at +6: expired from +16
    expired = make_call(BUSY, call_id="expired", created_at=START - 100)  # long expired
    live = make_call(SUCCESS, call_id="live", created_at=START)
    for call in (ended, expired, live):
        store.add(call, START - 100)
    store.add(make_call(SUCCESS, call_id="new", created_at=START + 8), START + 8)
    assert [c.id for c in store] == ["ended", "live", "new"]


def test_at_the_cap_the_oldest_ended_call_goes_when_none_expired() -> None:
    store = CallStore(max_calls=3, retention=1000)
    live = make_call(SUCCESS, call_id="live", created_at=START)
    first_ended = make_call(BUSY, call_id="ended-1", created_at=START)
    second_ended = make_call(BUSY, call_id="ended-2", created_at=START + 1)
    for call in (live, first_ended, second_ended):
        store.add(call, START)
    store.add(make_call(SUCCESS, call_id="new", created_at=START + 10), START + 10)
    assert [c.id for c in store] == ["live", "ended-2", "new"]
    assert len(store) == 3


def test_when_every_call_is_live_the_store_refuses() -> None:
    store = CallStore(max_calls=2, retention=60)
    store.add(make_call(call_id="a"), START)
    store.add(make_call(call_id="b"), START)
    with pytest.raises(StoreFull) as caught:
        store.add(make_call(call_id="c"), START + 1)
    error = caught.value
    assert (error.status, error.error_code) == (503, "CMN-211")
    assert error.message == (
        "Service Temporary Unavailable: the emulator holds 2 live calls (MAX_CALLS); let some finish or cancel them"
    )
    assert [c.id for c in store] == ["a", "b"]


def test_a_cancelled_call_counts_as_ended() -> None:
    store = CallStore(max_calls=1, retention=1000)
    call = make_call(call_id="a")
    store.add(call, START)
    assert call.cancel(START + 1)
    store.add(make_call(call_id="b"), START + 2)
    assert [c.id for c in store] == ["b"]


def test_clear() -> None:
    store = CallStore(max_calls=5, retention=60)
    store.add(make_call(), START)
    store.clear()
    assert len(store) == 0


class Examined:
    """Counts how often the store looks at a call (``view`` or ``expired``), per refused add."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        for name in ("view", "expired"):
            original = getattr(RingOutCall, name)

            def counted(call: RingOutCall, *args: float, _original: Any = original) -> Any:
                self.count += 1
                return _original(call, *args)

            monkeypatch.setattr(RingOutCall, name, counted)


def full_of_live_calls(cap: int, mode: ClockMode = ClockMode.MANUAL) -> CallStore:
    store = CallStore(max_calls=cap, retention=60)
    for index in range(cap):
        store.add(make_call(SUCCESS, call_id=f"live-{index}", mode=mode), START)  # all end at START + 39
    return store


def refusals(store: CallStore, times: int, now: float) -> None:
    for index in range(times):
        with pytest.raises(StoreFull):
            store.add(make_call(SUCCESS, call_id=f"refused-{index}", created_at=now), now)


@pytest.mark.parametrize("mode", [ClockMode.MANUAL, ClockMode.POLL])
def test_a_store_full_of_live_calls_refuses_in_constant_time(monkeypatch: pytest.MonkeyPatch, mode: ClockMode) -> None:
    store = full_of_live_calls(1000, mode)
    examined = Examined(monkeypatch)
    refusals(store, 1000, START + 1)
    # one scan of the store (twice 1000 looks), then a constant few per refusal (the 2-call sweep)
    assert examined.count <= 2 * 1000 + 3 * 1000
    assert len(store) == 1000


def test_a_refusing_store_makes_room_once_the_clock_ends_a_call() -> None:
    store = full_of_live_calls(3)
    refusals(store, 2, START + 1)
    store.add(make_call(SUCCESS, call_id="after-the-end", created_at=START + 39), START + 39)
    assert [c.id for c in store] == ["live-1", "live-2", "after-the-end"]


def test_a_refusing_store_makes_room_once_told_a_call_ended() -> None:
    store = full_of_live_calls(3, ClockMode.POLL)  # polled calls end only when read
    refusals(store, 2, START + 1)
    oldest = store.get("live-0", START + 1)
    assert oldest is not None
    for _ in range(3):
        oldest.poll(START + 2)
    refusals(store, 1, START + 2)  # the store was not told
    store.ended()
    store.add(make_call(SUCCESS, call_id="after-the-poll", created_at=START + 2), START + 2)
    assert [c.id for c in store] == ["live-1", "live-2", "after-the-poll"]
