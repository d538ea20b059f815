"""The project's own example suite (the docs' plugin examples, as ``tests/readme.py`` writes them)
run by pytest at ``-n 1`` and ``-n 2`` (pytest-xdist), alternating, against one shared emulator
server (strict auth, manual clock, speed 100: the docs' GitHub Actions service; an account per
worker) and in-process (an app per worker). Wall seconds of each whole pytest run, workers'
start-up included: what a user waits for."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.servers import Server
from benchmarks.trees import CURRENT

MODES = ("shared", "inprocess")
WORKERS = (1, 2)
SERVER_ARGS = ["--speed", "100"]


def pytest_run(suite: Path, workers: int, url: str | None) -> float:
    """Wall seconds of one pytest run of the suite (fails if a test does)."""
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", str(workers), str(suite)]
    if url is not None:
        argv.append(f"--ringout-url={url}")
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=suite, env=CURRENT.env(), capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the example suite failed at -n {workers}:\n{done.stdout[-3000:]}")
    return took


def run(rounds: int) -> dict[str, Any]:
    sys.path.insert(0, str(CURRENT.root))
    from tests.readme import write_example_suite

    times: dict[str, dict[int, list[float]]] = {mode: {n: [] for n in WORKERS} for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="ringout-bench-suite.") as directory:
        suite = Path(directory)
        tests = len(write_example_suite(suite)) - 1  # the conftest is no test file
        with Server("emulator-strict", cpu=None, extra=SERVER_ARGS) as server:
            for mode in MODES:  # one unmeasured run each: imports and bytecode warm
                pytest_run(suite, 1, server.url if mode == "shared" else None)
            for i in range(rounds):
                for n in WORKERS if i % 2 == 0 else WORKERS[::-1]:
                    for mode in MODES:
                        times[mode][n].append(pytest_run(suite, n, server.url if mode == "shared" else None))
    result: dict[str, Any] = {"files": tests, "rounds": rounds}
    for mode in MODES:
        medians = {n: statistics.median(times[mode][n]) for n in WORKERS}
        result[mode] = {"n1_s": medians[1], "n2_s": medians[2], "speedup": medians[1] / medians[2]}
    return result


WHERE = {"shared": "one shared server, an account per worker", "inprocess": "in-process"}


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    found = result.get("xdist") or {}
    figure = "docs' example suite ({files} files), -n 1 / -n 2 wall, {where}"
    measured = "{speedup:.2f}x (-n 1 {n1_s:.2f} s, -n 2 {n2_s:.2f} s)"
    return [
        (figure.format(files=found["files"], where=WHERE[mode]), measured.format(**found[mode]), "", "")
        for mode in MODES
        if mode in found
    ]


if __name__ == "__main__":
    print(run(1))
