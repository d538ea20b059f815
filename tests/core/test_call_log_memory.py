"""What a call-log record costs once the RingOut store has let its call go: at most 1 KiB, the
call it keeps included (README "Limits")."""

from __future__ import annotations

import gc
import tracemalloc

from emulator.app import build_emulator
from emulator.core.dialing import RingOutRequest
from emulator.settings import Settings

RECORDS = 2000
MAX_BYTES_PER_RECORD = 1024


def test_a_record_costs_at_most_a_kibibyte() -> None:
    emulator = build_emulator(Settings(clock="manual", max_calls=RECORDS + 10, seed=1))
    extension = emulator.directory.default_extension
    request = RingOutRequest(to_number="+13455553434")
    emulator.create_ringout(extension, request, None)  # warm up
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(RECORDS):
            emulator.create_ringout(extension, request, None)
        emulator.advance_clock(3600)
        emulator.reset(["calls"])  # the store lets every call go; the log keeps them
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    assert len(emulator.calls) == 0
    assert len(emulator.call_log) == RECORDS + 1
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert grown / RECORDS <= MAX_BYTES_PER_RECORD
