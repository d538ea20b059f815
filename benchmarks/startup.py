"""Start to ready: process start -> first 200 from the ready route, and import times, for each tree's
emulator and the bare FastAPI reference, alternating."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from benchmarks.servers import Server
from benchmarks.trees import CURRENT, Tree, alternate

IMPORT_PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
MODULES = ("emulator.cli", "emulator.app", "fastapi", "uvicorn")
REFERENCE = "fastapi"


def start_to_ready(target: str, tree: Tree = CURRENT) -> tuple[float, float]:
    """Wall seconds from process start to the first 200 from the ready route, and the CPU seconds the
    server had used by then (barely moved by other jobs on the machine)."""
    server = Server(target, cpu=0, tree=tree)
    try:
        return server.start(), server.cpu_seconds()
    finally:
        server.stop()


def interleaved(trees: Sequence[Tree], runs: int) -> dict[str, dict[str, list[float]]]:
    """Start-to-ready (``wall``, ``cpu``) of each tree's emulator (keyed by tree name) and of the
    reference, alternating (a, b, ref, b, a, ref, ...) after one unmeasured start of each: drift on a
    shared machine hits every target alike instead of whichever ran during a busy spell."""
    for tree in trees:
        start_to_ready("emulator", tree)
    start_to_ready(REFERENCE)
    names = (*(tree.name for tree in trees), REFERENCE)
    times: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in names}
    for i in range(runs):
        for name, (target, tree) in [
            *((t.name, ("emulator", t)) for t in alternate(trees, i)),
            (REFERENCE, (REFERENCE, CURRENT)),
        ]:
            wall, cpu = start_to_ready(target, tree)
            times[name]["wall"].append(wall)
            times[name]["cpu"].append(cpu)
    return times


def import_seconds(trees: Sequence[Tree], runs: int) -> dict[str, dict[str, float]]:
    """Per tree, the median wall time of ``import module`` in a fresh interpreter, trees alternating."""
    times: dict[str, dict[str, list[float]]] = {tree.name: {m: [] for m in MODULES} for tree in trees}
    for i in range(runs):
        for tree in alternate(trees, i):
            for module in MODULES:
                times[tree.name][module].append(float(tree.run("-c", IMPORT_PROBE.format(module=module))))
    return {name: {m: statistics.median(ts) for m, ts in modules.items()} for name, modules in times.items()}


def _spread(times: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": times}


def run(trees: Sequence[Tree], starts: int) -> dict[str, dict[str, Any]]:
    """Per tree name: its emulator's and the (shared) reference's start-to-ready, their ratio, import times."""
    times = interleaved(trees, starts)
    imports = import_seconds(trees, 3)
    out: dict[str, dict[str, Any]] = {}
    for tree in trees:
        figures = {"emulator": _spread(times[tree.name]["wall"]), REFERENCE: _spread(times[REFERENCE]["wall"])}
        figures["ratio"] = figures["emulator"]["median"] / figures[REFERENCE]["median"]
        figures["cpu_s"] = {
            "emulator": statistics.median(times[tree.name]["cpu"]),
            REFERENCE: statistics.median(times[REFERENCE]["cpu"]),
        }
        figures["imports_s"] = imports[tree.name]
        out[tree.name] = figures
    return out
