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


def import_seconds(module: str, runs: int) -> float:
    """Median wall time of ``import module`` in a fresh interpreter."""
    times = []
    for _ in range(runs):
        argv = [sys.executable, "-c", IMPORT_PROBE.format(module=module)]
        out = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True).stdout
        times.append(float(out))
    return statistics.median(times)
