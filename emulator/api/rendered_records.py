"""Call-log records already written as JSON, the oldest written out first (at most ``SIZE`` per
view and base URL, about 1 KiB each; at most ``VIEWS`` such pairs): apps poll the newest page of
their log, and a record that is visible never changes (its call has ended; only a record not yet
visible can still move its end, and the log's revision says when one did: then all are dropped).
A record is found by its log entry's sequence number, never reused by one log, not even after a
reset."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

from emulator.core.call_log import LogEntry

SIZE = 4096
VIEWS = 8  # (view, base URL) pairs kept: a client sending many Host headers cannot grow this
Bucket = OrderedDict[int, bytes]


class RenderedRecords:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._buckets: OrderedDict[tuple[bool, str], Bucket] = OrderedDict()
        self._revision = 0  # the log's ``call_log_revision`` the records were rendered at

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._buckets.values())

    def records(
        self,
        entries: Sequence[LogEntry],
        detailed: bool,
        base: str,
        render: Callable[[LogEntry], bytes],
        revision: int,
    ) -> list[bytes]:
        """Each entry's JSON, from the cache or ``render`` (then kept). ``revision`` moves when a
        logged call's end moves (rare: a forced leg): then everything rendered before is dropped."""
        if revision != self._revision:
            self._buckets.clear()
            self._revision = revision
        bucket = self._bucket(detailed, base)
        get = bucket.get
        out = [get(e.seq) for e in entries]
        if None not in out:  # the common case: the newest page is polled again and again
            return out  # type: ignore[return-value]
        for i, entry in enumerate(entries):
            if out[i] is None:
                out[i] = made = render(entry)
                bucket[entry.seq] = made
                if len(bucket) > self.size:
                    bucket.popitem(last=False)
        return out  # type: ignore[return-value]

    def _bucket(self, detailed: bool, base: str) -> Bucket:
        key = (detailed, base)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = OrderedDict()
            if len(self._buckets) > VIEWS:
                self._buckets.popitem(last=False)
        return bucket
