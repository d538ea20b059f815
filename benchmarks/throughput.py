"""GET status and POST create on real uvicorn servers, the emulator and the two references, in
interleaved rounds (so drift on a noisy machine hits all three alike)."""

from __future__ import annotations

import http.client
import json
import statistics
from dataclasses import asdict
from typing import Any

from benchmarks.load import SAMPLE, LoadResult, run_wrk
from benchmarks.servers import TOKEN, Server

TARGETS = ("emulator", "fastapi", "starlette")
RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"


def create_call(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Content-Type": "application/json", "Authorization": TOKEN}
    conn.request("POST", RINGOUT, body=json.dumps(SAMPLE), headers=headers)
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"create answered {response.status}: {body}")
    return str(body["id"])


def run(rounds: int, seconds: float, warmup: float, connections: int) -> dict[str, Any]:
    servers = {target: Server(target, cpu=0) for target in TARGETS}
    runs: dict[str, dict[str, list[LoadResult]]] = {t: {"GET": [], "POST": []} for t in TARGETS}
    try:
        urls = {}
        for target, server in servers.items():
            server.start()
            urls[target] = {"GET": f"{server.url}{RINGOUT}/{create_call(server.port)}", "POST": server.url + RINGOUT}
            for method in ("GET", "POST"):
                run_wrk(urls[target][method], method, warmup, connections)
        for _ in range(rounds):
            for method in ("GET", "POST"):
                for target in TARGETS:
                    runs[target][method].append(run_wrk(urls[target][method], method, seconds, connections))
    finally:
        for server in servers.values():
            server.stop()
    return summarise(runs)


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarise(runs: dict[str, dict[str, list[LoadResult]]]) -> dict[str, Any]:
    out: dict[str, Any] = {"runs": {t: {m: [asdict(r) for r in rs] for m, rs in ms.items()} for t, ms in runs.items()}}
    for target, methods in runs.items():
        for method, results in methods.items():
            out[f"{target}_{method}"] = {
                "rps": _spread([r.rps for r in results]),
                "p50_ms": _spread([r.p50_ms for r in results]),
                "p99_ms": _spread([r.p99_ms for r in results]),
                "errors": sum(r.errors for r in results),
            }
    for method in ("GET", "POST"):
        mine = out[f"emulator_{method}"]["rps"]["median"]
        for ref in ("fastapi", "starlette"):
            out[f"{method}_vs_{ref}"] = mine / out[f"{ref}_{method}"]["rps"]["median"]
    return out
