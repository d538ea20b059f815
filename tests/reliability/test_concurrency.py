"""500 concurrent clients doing POST / GET / DELETE against the real server: no errors, no lost
or duplicate ids, every call ends.

The server runs in a thread of this process, so the GIL is shared: a short switch interval keeps
the client and the server from waiting 5 ms on each other at every hand-over."""

from __future__ import annotations

import asyncio

import httpx

from emulator.core.clock import ManualClock
from emulator.server import EmulatorServer
from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.reliability.conftest import AUTH

CLIENTS = 500
SCENARIOS = ("success", "busy", "no_answer", "rejected")


POOL = 10  # connections; a gate of the same size keeps httpcore's pool from queueing (O(n^2))


class Pool:
    """An ``httpx.AsyncClient`` with a bounded connection pool, shared by all the clients."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.gate = asyncio.Semaphore(POOL)

    async def send(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        async with self.gate:
            return await self.client.request(method, url, **kwargs)  # type: ignore[arg-type]


async def one_client(pool: Pool, n: int) -> tuple[str, bool]:
    """Create a call, read it, and cancel every third one; the id and whether it was cancelled."""
    headers = {"X-Emulator-Scenario": SCENARIOS[n % len(SCENARIOS)]}
    created = await pool.send("POST", RINGOUT, json=SEED_SAMPLE, headers=headers)
    assert created.status_code == 200, created.text
    call_id = created.json()["id"]
    read = await pool.send("GET", f"{RINGOUT}/{call_id}")
    assert read.status_code == 200, read.text
    assert read.json()["id"] == call_id
    if n % 3 == 0:
        cancelled = await pool.send("DELETE", f"{RINGOUT}/{call_id}")
        assert cancelled.status_code == 204, cancelled.text
        return call_id, True
    return call_id, False


def _client(url: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
    return httpx.AsyncClient(base_url=url, headers=AUTH, limits=limits, timeout=30)


async def run_clients(url: str) -> list[tuple[str, bool]]:
    async with _client(url) as client:
        pool = Pool(client)
        return await asyncio.gather(*(one_client(pool, n) for n in range(CLIENTS)))


async def read_all(url: str, ids: list[str]) -> list[httpx.Response]:
    async with _client(url) as client:
        pool = Pool(client)
        return await asyncio.gather(*(pool.send("GET", f"{RINGOUT}/{call_id}") for call_id in ids))


def test_500_concurrent_clients_lose_nothing_and_every_call_ends(
    live_server: EmulatorServer, manual_clock: ManualClock
) -> None:
    emulator = live_server.app.state.emulator
    outcomes = asyncio.run(run_clients(live_server.url))
    ids = [call_id for call_id, _ in outcomes]
    assert len(set(ids)) == CLIENTS  # no duplicate ids
    assert sorted(call.id for call in emulator.calls) == sorted(ids)  # none lost, none extra

    manual_clock.shift(45)  # past the last step of every scenario used (39 s), within retention (60 s)
    responses = asyncio.run(read_all(live_server.url, ids))
    assert [r.status_code for r in responses] == [200] * CLIENTS
    now = manual_clock.now()
    for n, ((call_id, cancelled), response) in enumerate(zip(outcomes, responses, strict=True)):
        call = emulator.calls.get(call_id, now)
        assert call is not None and call.view(now).ended_at is not None  # terminal
        final = emulator.scenarios[SCENARIOS[n % len(SCENARIOS)]].states[-1]
        expected = (
            {"callStatus": "CannotReach", "callerStatus": "Rejected", "calleeStatus": "Rejected"}
            if cancelled
            else {
                "callStatus": final.call.value,
                "callerStatus": final.caller.value,
                "calleeStatus": final.callee.value,
            }
        )
        assert response.json() == {"id": call_id, "uri": response.json()["uri"], "status": expected}

    manual_clock.shift(61)  # past retention: every call is gone, and says so the platform's way
    gone = asyncio.run(read_all(live_server.url, ids[:50]))
    assert {(r.status_code, r.json()["errorCode"]) for r in gone} == {(404, "CMN-102")}
