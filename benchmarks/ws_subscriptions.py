"""WebSocket subscriptions under load: ``sockets`` sockets subscribed to telephony sessions,
``calls`` live calls, one clock advance that ends them all; every event must reach every socket.
Reports events/s (frames sent by the advance over its wall time, until the last frame arrived) and
the memory an open subscribed socket costs (RSS growth over opening them, server and client sides
together: both share this process).

``python -m benchmarks.ws_subscriptions [sockets] [calls]`` prints the JSON."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from typing import Any

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
FILTER = "/restapi/v1.0/account/~/extension/~/telephony/sessions"
HEADERS = {"Authorization": "Bearer bench-token"}
EVENTS_PER_CALL = 6  # 1 delivered at create, 5 by the advance


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def _run(sockets: int, calls: int) -> dict[str, Any]:
    import httpx
    import websockets

    from emulator.app import create_app
    from emulator.server import EmulatorServer
    from emulator.settings import Settings

    settings = Settings(
        clock="manual",
        auth="lenient",
        rate_limits="off",
        max_calls=calls + 10,
        delivery_log_size=0,
        ws_max_connections_per_extension=sockets,
        ws_max_connections=sockets,
    )
    with EmulatorServer(create_app(settings)) as server:
        async with httpx.AsyncClient(base_url=server.url, headers=HEADERS, timeout=600) as http:
            ws = (await http.post("/restapi/oauth/wstoken")).json()
            before = _rss_kib()
            opened = [
                await websockets.connect(f"{ws['uri']}?access_token={ws['ws_access_token']}") for _ in range(sockets)
            ]
            request = {
                "type": "ClientRequest",
                "messageId": "m",
                "method": "POST",
                "path": "/restapi/v1.0/subscription",
            }
            for socket in opened:
                await socket.recv()
                await socket.send(json.dumps([request, {"eventFilters": [FILTER]}]))
                assert json.loads(await socket.recv())[0]["status"] == 200
            per_socket_kib = (_rss_kib() - before) / sockets
            counts = [0] * sockets
            expected = calls * EVENTS_PER_CALL

            async def drain(i: int) -> None:
                while counts[i] < expected:
                    await opened[i].recv()
                    counts[i] += 1

            readers = [asyncio.create_task(drain(i)) for i in range(sockets)]
            for i in range(calls):
                assert (
                    await http.post(RINGOUT, json={"to": {"phoneNumber": f"+1650555{i % 10000:04d}"}})
                ).status_code == 200
            started = time.perf_counter()
            advanced = await http.post("/__emulator/clock/advance", json={"seconds": 60})
            await asyncio.wait_for(asyncio.gather(*readers), 600)
            wall = time.perf_counter() - started
            for socket in opened:
                await socket.close()
    delivered = advanced.json()["delivered"]
    return {
        "sockets": sockets,
        "calls": calls,
        "delivered_by_advance": delivered,
        "every_event_everywhere": all(count == expected for count in counts),
        "advance_wall_s": wall,
        "events_per_s": delivered / wall,
        "rss_per_socket_kib": per_socket_kib,
    }


def run(sockets: int = 100, calls: int = 1000) -> dict[str, Any]:
    return asyncio.run(_run(sockets, calls))


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(run(*args), indent=2))
