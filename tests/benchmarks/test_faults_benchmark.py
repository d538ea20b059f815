"""The fault benchmark runs at a tiny size: GETs beside POSTs held by a latency fault finish first."""

from __future__ import annotations

from benchmarks import faults


def test_gets_beside_held_posts_are_not_held() -> None:
    result = faults.run(samples=50, held=5)
    assert result["held"] == 5
    assert set(result["get_p50_us"]) == {"alone", "beside"}
    assert result["gets_done_s"] < 0.3 <= result["posts_done_s"]  # the GETs did not wait out the 300 ms
    [(figure, _, goal, _)] = faults.rows({"faults": result})
    assert (figure, goal) == ("GET status beside 5 POSTs held by a 300 ms latency fault (app only)", "slowest < 20 ms")
    assert faults.rows({}) == []
