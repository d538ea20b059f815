"""Start to ready: process start -> first 200 from the ready route, and import times."""

from __future__ import annotations

import statistics
import subprocess
import sys

from benchmarks.servers import ROOT, Server

IMPORT_PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def start_to_ready(target: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        server = Server(target, cpu=0)
        try:
            times.append(server.start())
        finally:
            server.stop()
    return times


def interleaved(targets: tuple[str, ...], runs: int) -> dict[str, list[float]]:
    """Start-to-ready of each target, alternating (a, b, a, b, ...): drift on a shared machine
    hits every target alike instead of whichever ran during a busy spell."""
    times: dict[str, list[float]] = {target: [] for target in targets}
    for _ in range(runs):
        for target in targets:
            times[target] += start_to_ready(target, 1)
    return times


def import_seconds(module: str, runs: int) -> float:
    """Median wall time of ``import module`` in a fresh interpreter."""
    times = []
    for _ in range(runs):
        argv = [sys.executable, "-c", IMPORT_PROBE.format(module=module)]
        out = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True).stdout
        times.append(float(out))
    return statistics.median(times)
