"""The call log: one entry per RingOut whose end is known, kept after the call store has let
the call go, bounded (oldest entries first), each extension's entries sorted by start time.

An entry is written as soon as a call's end is determined, which the facade always sees: at
creation for a call the clock alone ends (its scenario fixes the end), at the poll that ends a
poll-mode call, at a cancel, at the forced leg that ends a call (a forced leg that leaves the call
live removes the entry written at creation: only the control plane can end it now). An entry holds
the call and its end; writes are queued and applied, in order, by the next read (or once
``PENDING`` have queued): a create pays one list append. Whether an entry is visible is computed
on read: ``ended_at + delay <= now`` (the delay may change at run time; a clock moved back hides
entries again). The record itself is derived from the call when read (``call_record``).

Listing is O(log n + page + the entries near the visibility edge): entries that started before
``cutoff - longest`` (the longest call ever logged for the extension) are certainly visible, so
only those after it are looked at one by one."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from heapq import nlargest

from emulator.core.call import RingOutCall
from emulator.core.call_record import call_record_id
from emulator.core.sessions import session_id, telephony_session_id

PENDING = 1024  # writes queued before they are applied without waiting for a read
COMPACT_AFTER = 64  # entries gone from a shelf's front before they are cut off


@dataclass(slots=True, eq=False)
class LogEntry:
    start: float
    ended_at: float
    seq: int
    call: RingOutCall
    indexed: bool = False  # its record id and session ids are in the lookup indexes

    @property
    def record_id(self) -> str:
        return call_record_id(self.call.id)


@dataclass(slots=True)
class _Shelf:
    """One extension's entries, sorted by (start, seq), and their starts (bisected without a key).
    The first ``head`` are gone: the oldest entry goes first when the log is full, and deleting a
    list's first item moves all the others; they are cut off once they are half the list."""

    entries: list[LogEntry] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    head: int = 0

    def live(self) -> list[LogEntry]:
        return self.entries[self.head :] if self.head else self.entries

    def remove(self, index: int) -> None:
        if index != self.head:
            del self.entries[index]
            del self.starts[index]
            return
        self.head += 1
        if self.head >= COMPACT_AFTER and 2 * self.head >= len(self.entries):
            del self.entries[: self.head]
            del self.starts[: self.head]
            self.head = 0

    longest: float = 0.0  # never lowered: a stale maximum only widens the band looked at


@dataclass(frozen=True, slots=True)
class LogQuery:
    date_from: float
    date_to: float
    phone_number: str | None = None  # digits only, no '+'
    sessions: tuple[str, ...] = ()  # sessionId and / or telephonySessionId: the record must have each
    directions: frozenset[str] | None = None  # None: any
    types: frozenset[str] | None = None
    page: int = 1
    per_page: int = 100


@dataclass(frozen=True, slots=True)
class LogPage:
    entries: list[LogEntry]  # newest first
    total: int


def _order(entry: LogEntry) -> tuple[float, int]:
    return entry.start, entry.seq


class CallLog:
    def __init__(self, max_records: int) -> None:
        self.max_records = max_records
        self._entries: OrderedDict[str, LogEntry] = OrderedDict()  # call id -> entry, oldest first
        self._shelves: dict[tuple[str, str], _Shelf] = {}
        # record id, sessionId or telephonySessionId -> call id: brought up to date on a lookup
        # (most runs never look one up, and the digests are a good share of a create's cost)
        self._index_of: dict[str, str] = {}
        self._unindexed: list[LogEntry] = []  # written since the indexes were last brought up to date
        self._seq = 0
        self.end_moves = 0  # how often a logged call's end moved: what a rendering of a record depends on
        self._pending: list[tuple[RingOutCall, float]] = []  # writes not yet applied, in order

    def __len__(self) -> int:
        self._settle()
        return len(self._entries)

    def put(self, call: RingOutCall, ended_at: float) -> None:
        """The call ends (or ended) at ``ended_at``: write its entry, or move its end (queued:
        every read applies the queue first)."""
        pending = self._pending
        pending.append((call, ended_at))
        if len(pending) >= PENDING:
            self._settle()

    def _settle(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            for call, ended_at in pending:
                self._write(call, ended_at)

    def _write(self, call: RingOutCall, ended_at: float) -> None:
        key = (call.account_id, call.extension_id)
        shelf = self._shelves.get(key)
        if shelf is None:  # (not ``setdefault``: it would make a shelf on every write)
            shelf = self._shelves[key] = _Shelf()
        shelf.longest = max(shelf.longest, ended_at - call.created_at)
        entry = self._entries.get(call.id)
        if entry is not None and entry.call is call:
            if entry.ended_at != ended_at:
                entry.ended_at = ended_at
                self.end_moves += 1
            return
        if entry is not None:  # a call id drawn again after an ids reset: the newer call's record wins
            self._remove(entry)
        if len(self._entries) >= self.max_records:
            self._remove(next(iter(self._entries.values())))
        self._seq += 1
        entry = LogEntry(call.created_at, ended_at, self._seq, call)
        self._entries[call.id] = entry
        entries = shelf.entries
        if len(entries) == shelf.head or _order(entries[-1]) <= (entry.start, entry.seq):
            entries.append(entry)  # the common case: calls are logged in the order they started
            shelf.starts.append(entry.start)
        else:
            index = bisect_right(entries, _order(entry), lo=shelf.head, key=_order)
            entries.insert(index, entry)
            shelf.starts.insert(index, entry.start)
        self._unindexed.append(entry)
        if len(self._unindexed) > 2 * self.max_records:
            self._unindexed = [e for e in self._unindexed if self._entries.get(e.call.id) is e]

    def drop(self, call: RingOutCall) -> None:
        self._settle()
        entry = self._entries.get(call.id)
        if entry is not None:
            self._remove(entry)

    def drop_ending_after(self, when: float) -> None:
        """Forget the entries of calls that had not ended by ``when`` (their calls were reset)."""
        self._settle()
        for entry in [e for e in self._entries.values() if e.ended_at > when]:
            self._remove(entry)

    def clear(self) -> None:
        self._pending.clear()
        self._entries.clear()
        self._shelves.clear()
        self._index_of.clear()
        self._unindexed.clear()

    def _index(self) -> None:
        for entry in self._unindexed:
            call_id = entry.call.id
            if self._entries.get(call_id) is entry:
                for key in _keys(call_id):
                    self._index_of[key] = call_id
                entry.indexed = True
        self._unindexed.clear()

    def _lookup(self, key: str) -> LogEntry | None:
        self._settle()
        self._index()
        call_id = self._index_of.get(key)
        return None if call_id is None else self._entries.get(call_id)

    def get(self, record_id: str) -> LogEntry | None:
        return self._lookup(record_id)

    def by_session(self, session: str) -> LogEntry | None:
        """The entry of a ``sessionId`` or a ``telephonySessionId``."""
        return self._lookup(session)

    def query(self, owner: tuple[str, str], query: LogQuery, cutoff: float) -> LogPage:
        """The page of ``owner``'s entries visible at ``cutoff`` (ended at or before it) that
        started within [date_from, date_to], newest first."""
        self._settle()
        shelf = self._shelves.get(owner)
        if shelf is None or not _kinds_match(query):
            return LogPage([], 0)
        if query.sessions:
            return self._by_session(owner, query, cutoff)
        entries, starts = shelf.entries, shelf.starts
        lo = bisect_left(starts, query.date_from, lo=shelf.head)
        hi = bisect_right(starts, min(query.date_to, cutoff), lo=lo)
        offset = (query.page - 1) * query.per_page
        if query.phone_number is not None:
            digits = query.phone_number
            found = [e for e in entries[lo:hi] if e.ended_at <= cutoff and _has_number(e, digits)]
            found.reverse()
            return LogPage(found[offset : offset + query.per_page], len(found))
        sure = min(max(bisect_right(starts, cutoff - shelf.longest, lo=lo, hi=hi), lo), hi)
        band = [e for e in entries[sure:hi] if e.ended_at <= cutoff]
        band.reverse()
        page = band[offset : offset + query.per_page]
        first = max(0, offset - len(band))  # rank, newest first, within entries[lo:sure]
        want = query.per_page - len(page)
        top = sure - 1 - first
        bottom = max(lo - 1, top - want)
        if want > 0 and top >= lo:
            page += entries[top:bottom:-1] if bottom >= 0 else entries[top::-1]
        return LogPage(page, (sure - lo) + len(band))

    def latest(self, cutoff: float, extension_id: str | None, limit: int) -> LogPage:
        """The newest ``limit`` entries visible at ``cutoff``, of every extension or of one, newest
        first, and how many are visible (the control plane's read: O(n log limit))."""
        self._settle()
        shelves = [s for (_, ext), s in self._shelves.items() if extension_id is None or ext == extension_id]
        visible = [e for shelf in shelves for e in shelf.live() if e.ended_at <= cutoff]
        return LogPage(nlargest(limit, visible, key=_order), len(visible))

    def _by_session(self, owner: tuple[str, str], query: LogQuery, cutoff: float) -> LogPage:
        entry = self.by_session(query.sessions[0])
        found = (
            entry is not None
            and all(self._index_of.get(s) == entry.call.id for s in query.sessions)
            and (entry.call.account_id, entry.call.extension_id) == owner
            and query.date_from <= entry.start <= query.date_to
            and entry.ended_at <= cutoff
            and (query.phone_number is None or _has_number(entry, query.phone_number))
        )
        return LogPage([entry] if found and query.page == 1 and entry is not None else [], int(found))

    def _remove(self, entry: LogEntry) -> None:
        del self._entries[entry.call.id]
        call = entry.call
        shelf = self._shelves[(call.account_id, call.extension_id)]
        index = bisect_left(shelf.starts, entry.start, lo=shelf.head)  # floats: no key function
        while shelf.entries[index] is not entry:  # among entries that started at the same moment
            index += 1
        shelf.remove(index)
        if entry.indexed:
            for key in _keys(call.id):
                self._index_of.pop(key, None)


def _keys(call_id: str) -> tuple[str, str, str]:
    """What a call's entry is looked up by: its record id, ``sessionId``, ``telephonySessionId``."""
    return call_record_id(call_id), session_id(call_id), telephony_session_id(call_id)


def _has_number(entry: LogEntry, digits: str) -> bool:
    return digits in (entry.call.from_number.lstrip("+"), entry.call.to_number.lstrip("+"))


def kinds_match(directions: frozenset[str] | None, types: frozenset[str] | None) -> bool:
    """A RingOut record is an Outbound Voice call: does a direction / type filter admit it?"""
    return (directions is None or "Outbound" in directions) and (types is None or "Voice" in types)


def _kinds_match(query: LogQuery) -> bool:
    return kinds_match(query.directions, query.types)
