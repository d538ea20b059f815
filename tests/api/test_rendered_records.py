"""Rendered call-log records: bounded, keyed by the entry and its end, per view and base URL."""

from __future__ import annotations

from emulator.api.rendered_records import VIEWS, RenderedRecords
from emulator.core.call_log import LogEntry
from tests.core.helpers import make_call


def entry(seq: int, ended_at: float = 10.0) -> LogEntry:
    return LogEntry(0.0, ended_at, seq, f"r{seq}", make_call(call_id=f"c{seq}"))


def test_a_record_is_rendered_once_then_read_back() -> None:
    cache = RenderedRecords(size=10)
    rendered: list[int] = []

    def render(e: LogEntry) -> bytes:
        rendered.append(e.seq)
        return f"{e.seq}".encode()

    entries = [entry(1), entry(2)]
    assert cache.records(entries, False, "http://a", render) == [b"1", b"2"]
    assert cache.records(entries, False, "http://a", render) == [b"1", b"2"]
    assert rendered == [1, 2]
    cache.records(entries, True, "http://a", render)  # another view
    cache.records(entries, False, "http://b", render)  # another base URL
    assert rendered == [1, 2, 1, 2, 1, 2]
    moved = entry(1, ended_at=20.0)  # a record whose end moved is rendered again
    assert cache.records([moved], False, "http://a", render) == [b"1"]
    assert rendered[-1] == 1 and len(rendered) == 7


def test_it_is_bounded() -> None:
    cache = RenderedRecords(size=3)
    cache.records([entry(n) for n in range(10)], False, "http://a", lambda e: b"x")
    assert len(cache) == 3
    for n in range(VIEWS + 5):
        cache.records([entry(1)], False, f"http://host{n}", lambda e: b"x")
    assert len(cache) == VIEWS
