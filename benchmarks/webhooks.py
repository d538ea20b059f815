"""Webhooks under load: 1,000 live calls, one clock advance that ends them all, every event
delivered over real sockets to a local receiver (127.0.0.1, port 0); events/s and the advance's
wall time. Then the RingOut GET's cost (app only, no socket) with 30 subscriptions present
against none: the hot path must not notice them.

``python -m benchmarks.webhooks [calls] [samples]`` prints the JSON (``python -m benchmarks --only
webhooks`` puts it in the report). The receiver shares the process (and the GIL) with the
emulator, so more deliveries in flight are slower here; a receiver of its own gains from them."""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import time
from typing import Any

from benchmarks.asgi import timed

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
SUBSCRIPTION = "/restapi/v1.0/subscription"
FILTER = "/restapi/v1.0/account/~/extension/~/telephony/sessions"
HEADERS = {"Authorization": "Bearer bench-token"}


def _subscription(address: str) -> dict[str, Any]:
    return {"eventFilters": [FILTER], "deliveryMode": {"transportType": "WebHook", "address": address}}


async def _advance_all(calls: int, concurrency: int) -> dict[str, Any]:
    import httpx

    from emulator.app import create_app
    from emulator.receiver import WebhookReceiver, as_app
    from emulator.server import EmulatorServer
    from emulator.settings import Settings

    receiver = WebhookReceiver()
    settings = Settings(
        clock="manual",
        auth="lenient",
        max_calls=calls + 10,
        delivery_log_size=calls * 10,
        webhook_concurrency=concurrency,
        rate_limits="off",
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    with EmulatorServer(as_app(receiver)) as hook:
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator", headers=HEADERS) as client:
            assert (await client.post(SUBSCRIPTION, json=_subscription(f"{hook.url}/hook"))).status_code == 200
            created = time.perf_counter()
            for i in range(calls):
                body = {"to": {"phoneNumber": f"+1650555{i % 10000:04d}"}}
                assert (await client.post(RINGOUT, json=body)).status_code == 200
            create_s = time.perf_counter() - created
            started = time.perf_counter()
            advanced = await client.post("/__emulator/clock/advance", json={"seconds": 60})
            wall = time.perf_counter() - started
    delivered = advanced.json()["delivered"]
    assert len(receiver.notifications) == calls * 6, len(receiver.notifications)  # 1 at create + 5 on advance
    return {
        "calls": calls,
        "concurrency": concurrency,
        "delivered_by_advance": delivered,
        "advance_wall_s": wall,
        "events_per_s": delivered / wall,
        "creates_with_delivery_s": create_s,
        "all_received": len(receiver.notifications),
    }


def _get_cost(samples: int) -> dict[str, Any]:
    import httpx

    from emulator.app import create_app
    from emulator.receiver import WebhookReceiver
    from emulator.settings import Settings

    def app_with(subscriptions: int) -> tuple[Any, list[str]]:
        from fastapi.testclient import TestClient

        app = create_app(Settings(clock="manual", auth="lenient", rate_limits="off"))
        app.state.webhooks.mount("http://receiver.test", httpx.ASGITransport(app=WebhookReceiver()))
        with TestClient(app, headers=HEADERS) as client:
            for _ in range(subscriptions):
                assert client.post(SUBSCRIPTION, json=_subscription("http://receiver.test/hook")).status_code == 200
            ids = [client.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}).json()["id"] for _ in range(10)]
        return app, ids

    plain, plain_ids = app_with(0)
    watched, watched_ids = app_with(30)
    rng = random.Random(1)
    loop = asyncio.new_event_loop()
    times: dict[str, list[float]] = {"none": [], "30": []}
    for _ in range(6):  # alternate, so drift hits both equally
        for app, ids, key in ((plain, plain_ids, "none"), (watched, watched_ids, "30")):
            paths = [f"{RINGOUT}/{rng.choice(ids)}" for _ in range(samples // 6)]
            times[key] += loop.run_until_complete(timed(app, "GET", paths))
    loop.close()
    p50 = {key: statistics.median(values) * 1e6 for key, values in times.items()}
    return {"get_p50_us": p50, "throughput_ratio": p50["none"] / p50["30"]}


def run(calls: int = 1000, samples: int = 20_000, concurrency: tuple[int, ...] = (1, 4, 16)) -> dict[str, Any]:
    advances = [asyncio.run(_advance_all(calls, n)) for n in concurrency]
    return {"advance": advances, "get": _get_cost(samples)}


if __name__ == "__main__":
    calls, samples = (int(a) for a in (sys.argv[1:3] + ["1000", "20000"][len(sys.argv[1:3]) :]))
    print(json.dumps(run(calls, samples), indent=2))
