"""In-process figures: the complete call flow, memory per stored call, GET cost at 100k vs 10 calls.

Memory runs in a fresh child process (``python -m benchmarks.inprocess memory N``) so the RSS
baseline is clean."""

from __future__ import annotations

import asyncio
import gc
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.asgi import timed
from benchmarks.servers import ROOT

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
SAMPLE = {"from": {"phoneNumber": "13445554444"}, "to": {"phoneNumber": "13455553434"}, "playPrompt": True}


def flow_ms(flows: int) -> dict[str, float]:
    """create -> poll until Finished, with the poll clock, in-process: through ``httpx.AsyncClient``
    on the ASGI app, and through Starlette's ``TestClient`` (a thread hop per request)."""
    from emulator.app import create_app
    from emulator.settings import Settings

    app = create_app(Settings(clock="poll", auth="lenient", rate_limits="off"))
    asgi = asyncio.run(_async_flows(app, flows))
    sync = _testclient_flows(app, flows)
    return {
        "asgi_median_ms": statistics.median(asgi),
        "asgi_p90_ms": _pct(asgi, 90),
        "testclient_median_ms": statistics.median(sync),
        "testclient_p90_ms": _pct(sync, 90),
        "requests_per_flow": 4,
    }


def _finished(status: dict[str, str]) -> bool:
    return status["callerStatus"] == "Finished" and status["calleeStatus"] == "Finished"


async def _async_flows(app: Any, flows: int) -> list[float]:
    import httpx

    durations: list[float] = []
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": "Bearer bench-token"}
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator", headers=headers) as client:
        for _ in range(flows):
            start = time.perf_counter()
            call_id = (await client.post(RINGOUT, json=SAMPLE)).json()["id"]
            while not _finished((await client.get(f"{RINGOUT}/{call_id}")).json()["status"]):
                pass
            durations.append((time.perf_counter() - start) * 1000)
    return durations


def _testclient_flows(app: Any, flows: int) -> list[float]:
    from fastapi.testclient import TestClient

    durations: list[float] = []
    with TestClient(app, headers={"Authorization": "Bearer bench-token"}) as client:
        for _ in range(flows):
            start = time.perf_counter()
            call_id = client.post(RINGOUT, json=SAMPLE).json()["id"]
            while not _finished(client.get(f"{RINGOUT}/{call_id}").json()["status"]):
                pass
            durations.append((time.perf_counter() - start) * 1000)
    return durations


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

    settings = Settings(clock="manual", auth="lenient", max_calls=max(sizes) + 10, rate_limits="off")
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


def memory(sizes: list[int], samples: int) -> dict[str, Any]:
    argv = [sys.executable, "-m", "benchmarks.inprocess", "memory", json.dumps(sizes), str(samples)]
    out = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out)
    rss = result["rss_kib"]
    largest = str(max(sizes))
    result["bytes_per_call"] = (rss[largest] - rss["0"]) * 1024 / max(sizes)
    p50 = result["get_p50_us"]
    result["get_p50_ratio"] = p50[largest] / p50["10"]
    return result


if __name__ == "__main__" and sys.argv[1] == "memory":
    print(json.dumps(memory_child(json.loads(sys.argv[2]), int(sys.argv[3]))))
