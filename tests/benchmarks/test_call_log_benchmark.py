"""The call-log benchmark runs at a tiny size and reports what the README quotes."""

from __future__ import annotations

from benchmarks import call_log


def test_it_reports_latency_ratios_and_memory_per_record() -> None:
    result = call_log.run(records=200, samples=40)
    assert result["records"] == 201  # the records, and the live call the RingOut GET reads
    assert set(result["p50_us"]) == {"ringout_get", "call_log_simple", "call_log_detailed", "call_log_simple_cold"}
    assert all(value > 0 for value in result["p50_us"].values())
    assert result["ratio_simple"] == result["p50_us"]["call_log_simple"] / result["p50_us"]["ringout_get"]
    assert result["bytes_per_record"] > 0
