"""The bounded call store: O(1) lookups, retention after a call ends, a cap on stored calls.

Calls are kept in creation order. Each ``add`` drops the few oldest calls that are past their
retention, so the store holds about (calls per second x (call length + retention)) calls and does
not grow to the cap under a steady load. At the cap, expired calls go first, then the oldest ended
ones; when every stored call is still live, ``add`` refuses (``StoreFull``). A refusal remembers
the earliest moment the clock ends a stored call, and until then (or until ``ended`` says a read,
a cancel or a forced leg ended one) refuses again without looking at any call: O(1)."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator

from emulator.core.call import RingOutCall
from emulator.core.errors import StoreFull

SWEEP_PER_ADD = 2  # expired calls dropped per add: > 1, so the sweep outpaces the adds


class CallStore:
    def __init__(self, max_calls: int, retention: float) -> None:
        self.max_calls = max_calls
        self.retention = retention
        # OrderedDict, not dict: finding the oldest entry stays O(1) after many deletions
        self._calls: OrderedDict[str, RingOutCall] = OrderedDict()
        self._full_until: float | None = None  # set by a refusal: no stored call ends before then

    def __len__(self) -> int:
        return len(self._calls)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def __iter__(self) -> Iterator[RingOutCall]:
        return iter(list(self._calls.values()))

    def get(self, call_id: str, now: float) -> RingOutCall | None:
        """The call, unless unknown or past its retention (then it is dropped)."""
        call = self._calls.get(call_id)
        if call is not None and call.expired(now, self.retention):
            del self._calls[call_id]
            return None
        return call

    def add(self, call: RingOutCall, now: float) -> None:
        self._sweep(now)
        if len(self._calls) >= self.max_calls:
            self._make_room(now)
        self._calls[call.id] = call

    def ended(self) -> None:
        """A call ended by other means than the clock (a poll, a cancel, a forced leg)."""
        self._full_until = None

    def clear(self) -> None:
        self._calls.clear()
        self._full_until = None

    def _sweep(self, now: float) -> None:
        """Drop up to ``SWEEP_PER_ADD`` of the oldest calls if they are past their retention."""
        calls = self._calls
        for _ in range(SWEEP_PER_ADD):
            oldest = next(iter(calls.values()), None)
            if oldest is None or not oldest.expired(now, self.retention):
                return
            del calls[oldest.id]

    def _make_room(self, now: float) -> None:
        """Drop every expired call; if none was, the oldest ended calls, 1% of the cap at a time (so
        a store at its cap is scanned once per hundred adds, not on every add); if all are live,
        refuse, and keep refusing without a scan until a stored call can have ended."""
        if self._full_until is not None and now < self._full_until:
            raise StoreFull(cap=self.max_calls)
        self._full_until = None
        calls = self._calls
        for call_id in [c.id for c in calls.values() if c.expired(now, self.retention)]:
            del calls[call_id]
        if len(calls) < self.max_calls:
            return
        batch = max(1, self.max_calls // 100)
        ended: list[str] = []
        earliest = math.inf  # the first moment the clock ends a live call
        for call in calls.values():  # insertion order: oldest first
            if call.view(now).ended_at is not None:
                ended.append(call.id)
                if len(ended) == batch:
                    break
            elif (end := call.scheduled_end()) is not None:
                earliest = min(earliest, end)
        if not ended:
            self._full_until = earliest
            raise StoreFull(cap=self.max_calls)
        for call_id in ended:
            del calls[call_id]
