"""GET ring-out status with rate limits on (a Light bucket that never fills) and off, in the same
run, interleaved: what counting every request costs. The goal is on the throughput of a real server
(uvicorn on a socket, loaded by wrk, its CPU per request read from /proc: the figure least moved by
other jobs on a shared machine); the app-only figure (no socket) is the same cost against the app's
own share of a request, reported beside it. Bare Starlette with and without the four
``X-Rate-Limit-*`` headers, in the same rounds, shows what sending the headers costs by itself."""

from __future__ import annotations

import asyncio
import statistics
from typing import Any

from benchmarks.asgi import call, timed

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
SAMPLE = b'{"from": {"phoneNumber": "13445554444"}, "to": {"phoneNumber": "13455553434"}}'
GOAL = 0.95  # on / off throughput


ON_ARGS = ["--rate-limits", "platform", "--rate-limit-light", "1000000"]
# name -> (server target, extra arguments): the emulator with limits on and off, and bare Starlette
# with and without the four X-Rate-Limit-* headers (what sending them costs on this stack, with no
# counting at all: the floor under the emulator's on / off ratio)
SERVED = {
    "on": ("emulator", ON_ARGS),
    "off": ("emulator", []),
    "bare": ("starlette", []),
    "bare_headers": ("starlette-rate-limit-headers", []),
}


def run_servers(rounds: int, seconds: float, warmup: float, connections: int) -> dict[str, Any]:
    """Server CPU per request (and req/s) of each of ``SERVED``, fresh servers each round, in
    alternating order; the on / off ratio and what the headers alone cost."""
    from benchmarks.servers import Server
    from benchmarks.throughput import measure, start_live

    cpu: dict[str, list[float]] = {name: [] for name in SERVED}
    rps: dict[str, list[float]] = {name: [] for name in SERVED}
    for i in range(rounds):
        names = list(SERVED) if i % 2 == 0 else list(SERVED)[::-1]
        servers = {name: Server(SERVED[name][0], cpu=0, extra=SERVED[name][1]) for name in names}
        try:
            live = {name: start_live(server, warmup, connections) for name, server in servers.items()}
            for name in names:
                result = measure(live[name], "GET", seconds, connections)
                if result.errors:
                    raise RuntimeError(f"{name}: {result.errors} errors (a bucket filled?)")
                cpu[name].append(result.server_cpu_s / max(result.requests, 1) * 1e6)
                rps[name].append(result.rps)
        finally:
            for server in servers.values():
                server.stop()
    cpu_p50 = {name: statistics.median(values) for name, values in cpu.items()}
    return {
        "cpu_us_per_request": cpu_p50,
        "rps": {name: statistics.median(values) for name, values in rps.items()},
        "ratio": cpu_p50["off"] / cpu_p50["on"],
        "headers_us": cpu_p50["bare_headers"] - cpu_p50["bare"],
        "budget_us": cpu_p50["off"] * (1 / GOAL - 1),  # the on-cost a ratio of GOAL allows
    }


def run(samples: int, rounds: int = 6) -> dict[str, Any]:
    from emulator.app import create_app
    from emulator.settings import Settings

    base: dict[str, Any] = {"clock": "manual", "auth": "lenient", "journal_size": 1000}
    apps = {
        "on": create_app(Settings(**base, rate_limits="platform", rate_limit_light=1_000_000)),
        "off": create_app(Settings(**base, rate_limits="off")),
    }
    loop = asyncio.new_event_loop()
    paths = {name: [f"{RINGOUT}/{_call_id(loop, app)}"] * (samples // rounds) for name, app in apps.items()}
    times: dict[str, list[float]] = {"on": [], "off": []}
    for _ in range(rounds):  # alternate, so drift hits both equally
        for name, app in apps.items():
            times[name] += loop.run_until_complete(timed(app, "GET", paths[name]))
    loop.close()
    p50 = {name: statistics.median(values) for name, values in times.items()}
    rps = {name: 1 / value for name, value in p50.items()}
    return {"get_p50_us": {k: v * 1e6 for k, v in p50.items()}, "rps": rps, "ratio": rps["on"] / rps["off"]}


def _call_id(loop: asyncio.AbstractEventLoop, app: Any) -> str:
    import json

    status, body = loop.run_until_complete(call(app, "POST", RINGOUT, SAMPLE))
    if status != 200:
        raise RuntimeError(f"POST answered {status}")
    call_id: str = json.loads(body)["id"]
    return call_id


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    limits = result.get("rate_limits")
    if not limits:
        return []
    out = []
    served = result.get("rate_limits_server")
    if served:
        cpu, ratio = served["cpu_us_per_request"], served["ratio"]
        measured = f"{ratio:.3f}x ({cpu['on']:.1f} us on vs {cpu['off']:.1f} us off, server CPU per request)"
        out.append(("GET status throughput rate limits on / off", measured, f">= {GOAL}x", _met(ratio)))
        if "headers_us" in served:
            floor = (
                f"{served['headers_us']:.1f} us per request ({cpu['bare']:.1f} us without, "
                f"{cpu['bare_headers']:.1f} us with); the emulator's limits cost {cpu['on'] - cpu['off']:.1f} us, "
                f"a {GOAL}x ratio allows {served['budget_us']:.1f} us"
            )
            out.append(("the four X-Rate-Limit-* headers alone, bare Starlette on the same uvicorn", floor, "", "-"))
    p50, ratio = limits["get_p50_us"], limits["ratio"]
    measured = f"{ratio:.3f}x ({p50['on']:.1f} us on vs {p50['off']:.1f} us off, p50)"
    return [*out, ("GET status rate limits on / off (app only)", measured, "(the same cost, app share)", "-")]


def _met(ratio: float) -> str:
    return "yes" if ratio >= GOAL else "NO"


if __name__ == "__main__":
    print(run(20_000))
