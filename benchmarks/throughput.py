"""GET status and POST create on real uvicorn servers, the emulator (lenient auth, as the README
recommends for speed; and strict auth, the default, with a real token from the OAuth endpoint)
and the two references, in interleaved rounds (so drift on a noisy machine hits all alike)."""

from __future__ import annotations

import base64
import http.client
import json
import statistics
from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from benchmarks.load import SAMPLE, LoadResult, run_wrk
from benchmarks.servers import TOKEN, Server

TARGETS = ("emulator", "emulator-strict", "fastapi", "starlette")
RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
# The bundled accounts file's app and JWT (see accounts/default.yaml)
CLIENT = ("emulator-client-id", "emulator-client-secret")
JWT_GRANT = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}


def login(port: int) -> str:
    """``Bearer <access token>`` from the emulator's OAuth endpoint (JWT grant)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    basic = base64.b64encode(":".join(CLIENT).encode()).decode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"}
    conn.request("POST", "/restapi/oauth/token", body=urlencode(JWT_GRANT), headers=headers)
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"login answered {response.status}: {body}")
    return f"Bearer {body['access_token']}"


def create_call(port: int, token: str = TOKEN) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Content-Type": "application/json", "Authorization": token}
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
        urls, tokens = {}, {}
        for target, server in servers.items():
            server.start()
            tokens[target] = login(server.port) if target == "emulator-strict" else TOKEN
            call_id = create_call(server.port, tokens[target])
            urls[target] = {"GET": f"{server.url}{RINGOUT}/{call_id}", "POST": server.url + RINGOUT}
            for method in ("GET", "POST"):
                run_wrk(urls[target][method], method, warmup, connections, token=tokens[target])
        for _ in range(rounds):
            for method in ("GET", "POST"):
                for target in TARGETS:
                    result = run_wrk(urls[target][method], method, seconds, connections, token=tokens[target])
                    runs[target][method].append(result)
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
        for ref in ("fastapi", "starlette"):
            base = out[f"{ref}_{method}"]["rps"]["median"]
            out[f"{method}_vs_{ref}"] = out[f"emulator_{method}"]["rps"]["median"] / base
            if f"emulator-strict_{method}" in out:
                out[f"{method}_strict_vs_{ref}"] = out[f"emulator-strict_{method}"]["rps"]["median"] / base
    return out
