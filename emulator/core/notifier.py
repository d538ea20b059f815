"""The one scheduler: which calls can still make events, the next moment one is due, and the
notices due at ``now`` (pure: no I/O; a transport delivers what ``due`` returns).

A call is tracked only while its account has subscriptions (``SubscriptionStore.watching``). A
heap holds each tracked call's next scenario step; forced legs, cancels and poll-mode reads mark
a call due at once (``touch``). ``due(now)`` derives each due call's events from its timeline
(``core.events``), returns the ones not yet sent, in time order, each with the subscriptions it
goes to (the subscriptions live at the event's own time: a manual clock moved past a subscription's
expiry still delivers what happened before it), and re-schedules the call at its next step (or
forgets it once it ended)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace

from emulator.core.call import ClockMode, RingOutCall
from emulator.core.event_filters import PRESENCE, TELEPHONY, EventFilter
from emulator.core.events import PartyEvent, PresenceEvent, call_events
from emulator.core.subscriptions import Subscription, SubscriptionStore

ACTIVE_CALLS = 7  # a presence event lists the latest 7 calls in progress (the spec's activeCalls)


@dataclass(frozen=True, slots=True)
class Notice:
    """One event, built once, and every subscription (with the filter it matched) it goes to."""

    call: RingOutCall
    event: PartyEvent | PresenceEvent
    presence_sequence: int  # the extension's presence counter (presence events only; else 0)
    targets: tuple[tuple[Subscription, EventFilter], ...]
    # presence events only: the extension's other calls in progress at the event, latest first
    # (their own latest presence status), at most ``ACTIVE_CALLS - 1`` of them, and how many in all
    others: tuple[tuple[RingOutCall, str], ...] = ()
    others_total: int = 0

    @property
    def at(self) -> float:
        return self.event.at


@dataclass(slots=True)
class _Tracked:
    call: RingOutCall
    parties_sent: int = 0
    presence_sent: int = 0


class Notifier:
    def __init__(self, subscriptions: SubscriptionStore) -> None:
        self.subscriptions = subscriptions
        self._tracked: dict[str, _Tracked] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._order = 0
        self._presence_sequence: dict[str, int] = {}
        # each extension's calls in progress (presence not yet NoCall), by call id, oldest first
        self._in_progress: dict[str, dict[str, tuple[RingOutCall, str]]] = {}

    def __len__(self) -> int:
        return len(self._tracked)

    def track(self, call: RingOutCall, now: float, *, past_sent: bool = False) -> None:
        """Follow ``call``; with ``past_sent``, the events already due count as sent (a call
        older than the subscription that made it interesting)."""
        if call.id in self._tracked:
            return
        tracked = _Tracked(call)
        if past_sent:
            events = call_events(call, now)
            tracked.parties_sent, tracked.presence_sent = len(events.parties), len(events.presence)
            if events.presence:
                self._progress(call, events.presence[-1])
        self._tracked[call.id] = tracked
        self._push(call.created_at if not past_sent else self._next_step(call, now), call.id)

    def touch(self, call: RingOutCall, now: float) -> None:
        """The call may have new events now (a forced leg, a cancel, a poll)."""
        if call.id in self._tracked:
            self._push(now, call.id)

    def next_due(self) -> float | None:
        while self._heap and self._heap[0][2] not in self._tracked:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def due(self, now: float) -> list[Notice]:
        notices: list[Notice] = []
        seen: set[str] = set()
        while self._heap and self._heap[0][0] <= now:
            _, _, call_id = heapq.heappop(self._heap)
            tracked = self._tracked.get(call_id)
            if tracked is None or call_id in seen:
                continue
            seen.add(call_id)
            notices.extend(self._new_events(tracked, now))
            call = tracked.call
            if call.view(now).ended_at is not None:
                del self._tracked[call_id]
            elif (step := self._next_step(call, now)) is not None:
                self._push(step, call_id)
        notices.sort(key=lambda notice: notice.at)  # stable: per call, per session order kept
        return self._sequenced(notices)

    def _sequenced(self, notices: list[Notice]) -> list[Notice]:
        """The notices with somewhere to go, each presence one numbered by its extension's counter
        in time order (calls are visited in heap order: two calls' events in one batch interleave
        only once sorted). Every presence event counts, delivered or not."""
        numbered: list[Notice] = []
        counters = self._presence_sequence
        for notice in notices:
            if isinstance(notice.event, PresenceEvent):
                extension_id = notice.call.extension_id
                counters[extension_id] = counters.get(extension_id, 0) + 1
                calls = self._progress(notice.call, notice.event)
                if notice.targets:
                    others = [entry for call_id, entry in reversed(calls.items()) if call_id != notice.call.id]
                    numbered.append(replace(
                        notice, presence_sequence=counters[extension_id],
                        others=tuple(others[: ACTIVE_CALLS - 1]), others_total=len(others),
                    ))  # fmt: skip
            elif notice.targets:
                numbered.append(notice)
        return numbered

    def _progress(self, call: RingOutCall, event: PresenceEvent) -> dict[str, tuple[RingOutCall, str]]:
        """Record ``call``'s presence status in its extension's calls in progress (gone once
        ``NoCall``); the extension's calls in progress, as they stand."""
        calls = self._in_progress.setdefault(call.extension_id, {})
        if event.final:
            calls.pop(call.id, None)
            if not calls:
                del self._in_progress[call.extension_id]
        else:
            calls[call.id] = (call, event.telephony_status)
        return calls

    def clear(self) -> None:
        self._tracked.clear()
        self._heap.clear()
        self._presence_sequence.clear()
        self._in_progress.clear()

    def _new_events(self, tracked: _Tracked, now: float) -> list[Notice]:
        call = tracked.call
        events = call_events(call, now)
        found: list[Notice] = []
        store = self.subscriptions
        for party in events.parties[tracked.parties_sent :]:
            targets = tuple(store.matching(call.account_id, call.extension_id, TELEPHONY, party.at))
            found.append(Notice(call, party, 0, targets))
        for presence in events.presence[tracked.presence_sent :]:  # numbered once sorted (``_sequenced``)
            targets = tuple(store.matching(call.account_id, call.extension_id, PRESENCE, presence.at))
            found.append(Notice(call, presence, 0, targets))
        tracked.parties_sent, tracked.presence_sent = len(events.parties), len(events.presence)
        return found

    def _push(self, when: float | None, call_id: str) -> None:
        if when is None:
            return
        self._order += 1
        heapq.heappush(self._heap, (when, self._order, call_id))

    @staticmethod
    def _next_step(call: RingOutCall, now: float) -> float | None:
        """When the clock alone moves ``call`` to its next step (None in poll mode, once forced,
        cancelled, or at its last step)."""
        if call.mode is ClockMode.POLL or call.frozen_index is not None or call.cancelled_at is not None:
            return None
        scenario = call.scenario
        index = scenario.index_at(now - call.created_at)
        return None if index >= scenario.last_index else call.created_at + scenario.offsets[index + 1]
