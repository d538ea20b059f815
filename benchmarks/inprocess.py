"""In-process figures: the complete call flow, memory per stored call, GET cost at 100k vs 10 calls.

Each runs in a fresh child process of the tree under test (``python -m benchmarks.inprocess flow N``,
``... memory SIZES SAMPLES``), so the tree's own emulator is imported and the RSS baseline is clean;
with two trees the children alternate and the figures are medians over them."""

from __future__ import annotations

import asyncio
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.asgi import timed
from benchmarks.trees import Tree, alternate

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
SAMPLE = {"from": {"phoneNumber": "13445554444"}, "to": {"phoneNumber": "13455553434"}, "playPrompt": True}


def flow_child(flows: int) -> dict[str, list[float]]:
    """create -> poll until Finished, with the poll clock, in-process: through ``httpx.AsyncClient``
    on the ASGI app, and through Starlette's ``TestClient`` (a thread hop per request); wall ms per flow,
    and CPU ms (all threads; barely moved by other jobs on the machine)."""
    from emulator.app import create_app
    from emulator.settings import Settings

    app = create_app(Settings(clock="poll", auth="lenient"))
    asgi, asgi_cpu = asyncio.run(_async_flows(app, flows))
    sync, sync_cpu = _testclient_flows(app, flows)
    return {"asgi": asgi, "asgi_cpu": asgi_cpu, "testclient": sync, "testclient_cpu": sync_cpu}


def _child(tree: Tree, *args: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(tree.run("-m", "benchmarks.inprocess", *args))
    return out


def flow_ms(trees: Sequence[Tree], flows: int, rounds: int) -> dict[str, dict[str, float]]:
    """Per tree name: the flow's median and p90, over ``rounds`` alternating children of ~flows/rounds."""
    per_child = -(-flows // rounds)
    times: dict[str, dict[str, list[float]]] = {tree.name: {} for tree in trees}
    for i in range(rounds):
        for tree in alternate(trees, i):
            for client, durations in _child(tree, "flow", str(per_child)).items():
                times[tree.name].setdefault(client, []).extend(durations)
    return {
        name: {
            "asgi_median_ms": statistics.median(t["asgi"]),
            "asgi_p90_ms": _pct(t["asgi"], 90),
            "testclient_median_ms": statistics.median(t["testclient"]),
            "testclient_p90_ms": _pct(t["testclient"], 90),
            "asgi_cpu_median_ms": statistics.median(t["asgi_cpu"]),
            "testclient_cpu_median_ms": statistics.median(t["testclient_cpu"]),
            "requests_per_flow": 4,
        }
        for name, t in times.items()
    }


def _finished(status: dict[str, str]) -> bool:
    return status["callerStatus"] == "Finished" and status["calleeStatus"] == "Finished"


def _since(wall: float, cpu: float) -> tuple[float, float]:
    """Wall and CPU milliseconds since ``(time.perf_counter(), time.process_time())`` were ``wall, cpu``."""
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


async def _async_flows(app: Any, flows: int) -> tuple[list[float], list[float]]:
    import httpx

    durations: list[float] = []
    cpu: list[float] = []
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": "Bearer bench-token"}
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator", headers=headers) as client:
        for _ in range(flows):
            start = time.perf_counter(), time.process_time()
            call_id = (await client.post(RINGOUT, json=SAMPLE)).json()["id"]
            while not _finished((await client.get(f"{RINGOUT}/{call_id}")).json()["status"]):
                pass
            wall, used = _since(*start)
            durations.append(wall)
            cpu.append(used)
    return durations, cpu


def _testclient_flows(app: Any, flows: int) -> tuple[list[float], list[float]]:
    from fastapi.testclient import TestClient

    durations: list[float] = []
    cpu: list[float] = []
    with TestClient(app, headers={"Authorization": "Bearer bench-token"}) as client:
        for _ in range(flows):
            start = time.perf_counter(), time.process_time()
            call_id = client.post(RINGOUT, json=SAMPLE).json()["id"]
            while not _finished(client.get(f"{RINGOUT}/{call_id}").json()["status"]):
                pass
            wall, used = _since(*start)
            durations.append(wall)
            cpu.append(used)
    return durations, cpu


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _fill(emulator: Any, count: int) -> list[str]:
    from emulator.core.dialing import RingOutRequest

    extension = emulator.directory.default_extension
    ids = []
    for i in range(count):
        request = RingOutRequest(to_number=f"1345555{i % 10000:04d}", from_number="13445554444", from_given=True)
        ids.append(emulator.create_ringout(extension, request, None).call.id)
    return ids


def memory_child(sizes: list[int], samples: int) -> dict[str, Any]:
    """RSS at each store size, and GET p50 (app only, no socket) at 10 calls and at the largest."""
    from emulator.app import create_app
    from emulator.settings import Settings

    settings = Settings(clock="manual", auth="lenient", max_calls=max(sizes) + 10)
    small, large = create_app(settings), create_app(settings)
    small_ids = _fill(small.state.emulator, 10)
    gc.collect()
    rss: dict[str, int] = {"0": _rss_kib()}
    ids: list[str] = []
    for size in sizes:
        ids += _fill(large.state.emulator, size - len(ids))
        gc.collect()
        rss[str(size)] = _rss_kib()
    rng = random.Random(1)
    loop = asyncio.new_event_loop()
    times: dict[str, list[float]] = {"10": [], str(len(ids)): []}
    for _ in range(4):  # alternate, so drift hits both equally
        for app, pool, key in ((small, small_ids, "10"), (large, ids, str(len(ids)))):
            paths = [f"{RINGOUT}/{rng.choice(pool)}" for _ in range(samples // 4)]
            times[key] += loop.run_until_complete(timed(app, "GET", paths))
    loop.close()
    p50 = {key: statistics.median(value) * 1e6 for key, value in times.items()}
    return {"rss_kib": rss, "get_p50_us": p50}


def _medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def memory(trees: Sequence[Tree], sizes: list[int], samples: int, rounds: int) -> dict[str, dict[str, Any]]:
    """Per tree name: RSS and GET p50 at each size, medians over ``rounds`` alternating children."""
    children: dict[str, list[dict[str, Any]]] = {tree.name: [] for tree in trees}
    for i in range(rounds):
        for tree in alternate(trees, i):
            children[tree.name].append(_child(tree, "memory", json.dumps(sizes), str(samples)))
    out: dict[str, dict[str, Any]] = {}
    for name, runs in children.items():
        rss = _medians([run["rss_kib"] for run in runs])
        p50 = _medians([run["get_p50_us"] for run in runs])
        largest = str(max(sizes))
        out[name] = {
            "rss_kib": rss,
            "get_p50_us": p50,
            "bytes_per_call": (rss[largest] - rss["0"]) * 1024 / max(sizes),
            "get_p50_ratio": p50[largest] / p50["10"],
        }
    return out


if __name__ == "__main__" and sys.argv[1] == "memory":
    print(json.dumps(memory_child(json.loads(sys.argv[2]), int(sys.argv[3]))))
if __name__ == "__main__" and sys.argv[1] == "flow":
    print(json.dumps(flow_child(int(sys.argv[2]))))
