"""What a stored call costs: at most 1 KiB, a slow magic-number call too (its derived scenario
is built once and shared by every call, not built per call)."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from emulator.app import build_emulator
from emulator.core.dialing import RingOutRequest
from emulator.settings import Settings

CALLS = 2000
MAX_BYTES_PER_CALL = 1024


def bytes_per_call(to_number: str) -> float:
    emulator = build_emulator(Settings(clock="manual", max_calls=CALLS + 10, seed=1))
    extension = emulator.directory.default_extension
    request = RingOutRequest(to_number=to_number)
    emulator.create_ringout(extension, request, None)  # warm up: anything built once, on first use
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(CALLS):
            emulator.create_ringout(extension, request, None)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    return grown / CALLS


@pytest.mark.parametrize(
    ("to_number", "scenario"),
    [("+13455553434", "success"), ("+12025550101", "busy"), ("+12025550111", "busy+20s")],
)
def test_a_stored_call_costs_at_most_a_kibibyte(to_number: str, scenario: str) -> None:
    emulator = build_emulator(Settings(clock="manual"))
    call = emulator.create_ringout(emulator.directory.default_extension, RingOutRequest(to_number=to_number), None)
    assert call.call.scenario.name == scenario
    assert bytes_per_call(to_number) <= MAX_BYTES_PER_CALL


def test_slow_variants_are_shared_by_every_call() -> None:
    emulator = build_emulator(Settings(clock="manual"))
    extension = emulator.directory.default_extension
    first, second = (emulator.create_ringout(extension, RingOutRequest(to_number="+12025550111"), None) for _ in "ab")
    assert first.call.scenario is second.call.scenario
    assert first.call.scenario.steps[-1].at == emulator.scenarios["busy"].steps[-1].at + 20
