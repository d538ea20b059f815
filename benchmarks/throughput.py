"""GET status and POST create on real uvicorn servers, the emulator (lenient auth, as the README
recommends for speed; and strict auth, the default, with a real token from the OAuth endpoint) of
each tree under test and the two references, in interleaved rounds (so drift on a noisy machine hits
all alike)."""

from __future__ import annotations

import base64
import http.client
import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import urlencode

from benchmarks.load import SAMPLE, LoadResult, run_wrk
from benchmarks.servers import TOKEN, Server
from benchmarks.trees import CURRENT, Tree, alternate

EMULATORS = ("emulator", "emulator-strict")
REFERENCES = ("fastapi", "starlette")
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


def _key(tree: Tree, target: str) -> str:
    return f"{tree.name}/{target}" if target in EMULATORS else target


@dataclass
class Live:
    """A started server, warmed up, with its token and the URLs wrk loads."""

    server: Server
    token: str
    urls: dict[str, str]


def start_live(server: Server, warmup: float, connections: int) -> Live:
    server.start()
    token = login(server.port) if server.target == "emulator-strict" else TOKEN
    call_id = create_call(server.port, token)
    live = Live(server, token, {"GET": f"{server.url}{RINGOUT}/{call_id}", "POST": server.url + RINGOUT})
    for method in ("GET", "POST"):
        run_wrk(live.urls[method], method, warmup, connections, token=token)
    return live


def measure(live: Live, method: str, seconds: float, connections: int) -> LoadResult:
    cpu = live.server.cpu_seconds()
    result = run_wrk(live.urls[method], method, seconds, connections, token=live.token)
    return replace(result, server_cpu_s=live.server.cpu_seconds() - cpu)


def run(
    rounds: int, seconds: float, warmup: float, connections: int, trees: Sequence[Tree] = (CURRENT,)
) -> dict[str, dict[str, Any]]:
    """A summary per tree name: its emulators against the references, all measured in the same rounds.
    Every round starts fresh servers: two processes of the same code can differ by several per cent
    (hash seed, memory layout), and a median over rounds then averages that out too."""
    slots = {_key(tree, target): (tree, target) for target in EMULATORS for tree in trees}
    slots |= {target: (CURRENT, target) for target in REFERENCES}
    runs: dict[str, dict[str, list[LoadResult]]] = {key: {"GET": [], "POST": []} for key in slots}
    for i in range(rounds):
        order = [_key(tree, target) for target in EMULATORS for tree in alternate(trees, i)] + list(REFERENCES)
        servers = [Server(slots[key][1], cpu=0, tree=slots[key][0]) for key in order]
        try:
            live = {key: start_live(server, warmup, connections) for key, server in zip(order, servers, strict=True)}
            for method in ("GET", "POST"):
                for key in order:
                    runs[key][method].append(measure(live[key], method, seconds, connections))
        finally:
            for server in servers:
                server.stop()
    return {
        tree.name: summarise({target: runs[_key(tree, target)] for target in (*EMULATORS, *REFERENCES)})
        for tree in trees
    }


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
                "cpu_us_per_request": _spread([r.server_cpu_s / max(r.requests, 1) * 1e6 for r in results]),
                "errors": sum(r.errors for r in results),
            }
    for method in ("GET", "POST"):
        for ref in ("fastapi", "starlette"):
            base = out[f"{ref}_{method}"]["rps"]["median"]
            out[f"{method}_vs_{ref}"] = out[f"emulator_{method}"]["rps"]["median"] / base
            if f"emulator-strict_{method}" in out:
                out[f"{method}_strict_vs_{ref}"] = out[f"emulator-strict_{method}"]["rps"]["median"] / base
    return out
