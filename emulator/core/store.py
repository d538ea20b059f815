"""The bounded call store: O(1) lookups, retention after a call ends, a cap on live calls."""

from __future__ import annotations

from collections.abc import Iterator

from emulator.core.call import RingOutCall
from emulator.core.errors import StoreFull


class CallStore:
    def __init__(self, max_calls: int, retention: float) -> None:
        self.max_calls = max_calls
        self.retention = retention
        self._calls: dict[str, RingOutCall] = {}

    def __len__(self) -> int:
        return len(self._calls)

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
        if len(self._calls) >= self.max_calls:
            self._make_room(now)
        self._calls[call.id] = call

    def clear(self) -> None:
        self._calls.clear()

    def _make_room(self, now: float) -> None:
        """Drop expired calls; if still full, the oldest ended one; if all are live, refuse."""
        for call in list(self._calls.values()):
            if call.expired(now, self.retention):
                del self._calls[call.id]
        if len(self._calls) < self.max_calls:
            return
        for call in self._calls.values():  # insertion order: oldest first
            if call.view(now).ended_at is not None:
                del self._calls[call.id]
                return
        raise StoreFull(cap=self.max_calls)
