"""A latency fault on one route does not slow the others: app only (no socket), GET ring-out
status timed alone, then again while ``held`` POSTs sit in a latency fault on
``createRingOutCall`` (``asyncio.sleep``: the event loop goes on serving)."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from typing import Any

from benchmarks.asgi import call, timed

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
SAMPLE = b'{"from": {"phoneNumber": "13445554444"}, "to": {"phoneNumber": "13455553434"}}'
FAULT = b'{"effect": "latency", "ms": 300, "operation": "createRingOutCall"}'
GOAL_MS = 20.0  # the slowest GET while the POSTs are held


def run(samples: int, held: int = 50) -> dict[str, Any]:
    from emulator.app import create_app
    from emulator.settings import Settings

    app = create_app(Settings(clock="manual", auth="lenient", rate_limits="off", journal_size=1000))
    return asyncio.run(_measure(app, samples, held))


async def _measure(app: Any, samples: int, held: int) -> dict[str, Any]:
    status, body = await call(app, "POST", RINGOUT, SAMPLE)
    if status != 200:
        raise RuntimeError(f"POST answered {status}")
    paths = [f"{RINGOUT}/{json.loads(body)['id']}"] * samples
    alone = await timed(app, "GET", paths)
    status, _ = await call(app, "POST", "/__emulator/faults", FAULT)
    if status != 201:
        raise RuntimeError(f"POST /__emulator/faults answered {status}")
    started = time.perf_counter()
    posts = [asyncio.create_task(call(app, "POST", RINGOUT, SAMPLE)) for _ in range(held)]
    await asyncio.sleep(0)  # every POST is in its fault's sleep
    beside = await timed(app, "GET", paths)
    gets_done = time.perf_counter() - started
    await asyncio.gather(*posts)
    posts_done = time.perf_counter() - started
    return {
        "held": held,
        "get_p50_us": {"alone": statistics.median(alone) * 1e6, "beside": statistics.median(beside) * 1e6},
        "get_max_ms": max(beside) * 1000,
        "gets_done_s": gets_done,
        "posts_done_s": posts_done,
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    faults = result.get("faults")
    if not faults:
        return []
    p50, slowest = faults["get_p50_us"], faults["get_max_ms"]
    measured = (
        f"slowest {slowest:.2f} ms; p50 {p50['beside']:.1f} us beside vs {p50['alone']:.1f} us alone; "
        f"GETs done at {faults['gets_done_s']:.3f} s, the POSTs at {faults['posts_done_s']:.3f} s"
    )
    met = slowest < GOAL_MS and faults["gets_done_s"] < faults["posts_done_s"]
    figure = f"GET status beside {faults['held']} POSTs held by a 300 ms latency fault (app only)"
    return [(figure, measured, f"slowest < {GOAL_MS:g} ms", "yes" if met else "NO")]


if __name__ == "__main__":
    print(run(2_000))
