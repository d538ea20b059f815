"""Rendered call-log records: bounded, keyed by the entry, per view and base URL, dropped when the
log's revision (a logged call's end moved) moves."""

from __future__ import annotations

from emulator.api.rendered_records import VIEWS, RenderedRecords
from emulator.core.call_log import LogEntry
from tests.core.helpers import make_call


def entry(seq: int, ended_at: float = 10.0) -> LogEntry:
    return LogEntry(0.0, ended_at, seq, make_call(call_id=f"c{seq}"))


def test_a_record_is_rendered_once_then_read_back() -> None:
    cache = RenderedRecords(size=10)
    rendered: list[int] = []

    def render(e: LogEntry) -> bytes:
        rendered.append(e.seq)
        return f"{e.seq}".encode()

    entries = [entry(1), entry(2)]
    assert cache.records(entries, False, "http://a", render, 0) == [b"1", b"2"]
    assert cache.records(entries, False, "http://a", render, 0) == [b"1", b"2"]
    assert rendered == [1, 2]
    cache.records(entries, True, "http://a", render, 0)  # another view
    cache.records(entries, False, "http://b", render, 0)  # another base URL
    assert rendered == [1, 2, 1, 2, 1, 2]
    moved = entry(1, ended_at=20.0)  # the log's revision moved: every record is rendered again
    assert cache.records([moved, entry(2)], False, "http://a", render, 1) == [b"1", b"2"]
    assert rendered[-2:] == [1, 2] and len(rendered) == 8
    assert cache.records([moved], False, "http://b", render, 1) == [b"1"]  # other views too
    assert len(rendered) == 9


def test_it_is_bounded() -> None:
    cache = RenderedRecords(size=3)
    cache.records([entry(n) for n in range(10)], False, "http://a", lambda e: b"x", 0)
    assert len(cache) == 3
    for n in range(VIEWS + 5):
        cache.records([entry(1)], False, f"http://host{n}", lambda e: b"x", 0)
    assert len(cache) == VIEWS
