"""GET ring-out status, app only (no socket), with rate limits on (a Light bucket that never fills)
and off, in the same run, interleaved: what counting every request costs."""

from __future__ import annotations

import asyncio
import statistics
from typing import Any

from benchmarks.asgi import call, timed

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
SAMPLE = b'{"from": {"phoneNumber": "13445554444"}, "to": {"phoneNumber": "13455553434"}}'
GOAL = 0.95  # on / off throughput


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
    p50, ratio = limits["get_p50_us"], limits["ratio"]
    measured = f"{ratio:.3f}x ({p50['on']:.1f} us on vs {p50['off']:.1f} us off, p50)"
    return [("GET status rate limits on / off (app only)", measured, f">= {GOAL}x", "yes" if ratio >= GOAL else "NO")]


if __name__ == "__main__":
    print(run(20_000))
