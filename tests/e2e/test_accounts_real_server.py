"""Accounts on demand on a real server (uvicorn on a free port): the official Python SDK logs in
with a created account's credentials and places a RingOut in it; a WebSocket of that account gets
its notifications when *its* clock moves, and closes when the account is deleted."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets
from ringcentral import SDK
from ringcentral.platform.platform import Platform

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
CALL = {"from": {"phoneNumber": "+16505550111"}, "to": {"phoneNumber": "+16505550199"}, "playPrompt": False}
FILTER = "/restapi/v1.0/account/~/extension/~/telephony/sessions"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    app = create_app(Settings(clock="manual", auth="strict", rate_limits="off"))
    with EmulatorServer(app, port=0) as running:
        yield running


def _account(server: EmulatorServer) -> dict[str, Any]:
    response = httpx.post(f"{server.url}/__emulator/accounts", json={"name": "sdk worker"})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _platform(server: EmulatorServer, account: dict[str, Any]) -> Platform:
    app = account["apps"][0]
    platform: Platform = SDK(app["clientId"], app["clientSecret"], server.url, name="accounts", version="1").platform()
    return platform


def test_the_python_sdk_logs_in_to_a_created_account_and_places_a_ringout(server: EmulatorServer) -> None:
    account = _account(server)
    platform = _platform(server, account)
    platform.login(jwt="emulator-jwt")
    assert platform.auth().access_token().startswith(f"emu-at-{account['id']}.")
    call = platform.post(RINGOUT, CALL).json_dict()
    alice = account["extensions"][0]["id"]
    assert call["uri"] == f"{server.url}/restapi/v1.0/account/{account['id']}/extension/{alice}/ring-out/{call['id']}"
    assert call["status"]["callStatus"] == "InProgress"
    scoped = {"X-Emulator-Account": account["id"]}
    advanced = httpx.post(f"{server.url}/__emulator/clock/advance", json={"seconds": 45}, headers=scoped)
    assert advanced.status_code == 200, advanced.text
    assert platform.get(f"{RINGOUT}/{call['id']}").json_dict()["status"]["callStatus"] == "Success"
    listed = httpx.get(f"{server.url}/__emulator/calls", headers=scoped).json()["records"]
    assert [c["id"] for c in listed] == [call["id"]]
    assert httpx.get(f"{server.url}/__emulator/calls").json() == {"records": []}
    assert httpx.get(f"{server.url}/__emulator/clock").json()["now"] == "2026-01-01T00:00:00.000Z"
    bob = _platform(server, account)
    bob.login(jwt="emulator-jwt-102")
    assert bob.get("/restapi/v1.0/account/~/extension/~").json_dict()["extensionNumber"] == "102"


def test_a_created_account_socket_follows_its_clock_and_closes_when_it_is_deleted(server: EmulatorServer) -> None:
    async def test() -> None:
        account = _account(server)
        app = account["apps"][0]
        scoped = {"X-Emulator-Account": account["id"]}
        async with httpx.AsyncClient(base_url=server.url) as http:
            form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}
            token = await http.post("/restapi/oauth/token", data=form, auth=(app["clientId"], app["clientSecret"]))
            http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
            ws = (await http.post("/restapi/oauth/wstoken")).json()
            socket = await websockets.connect(f"{ws['uri']}?access_token={ws['ws_access_token']}")
            details = json.loads(await asyncio.wait_for(socket.recv(), 5))
            assert details[0]["type"] == "ConnectionDetails"
            request = {
                "type": "ClientRequest",
                "messageId": "m1",
                "method": "POST",
                "path": "/restapi/v1.0/subscription",
            }
            body = {"eventFilters": [FILTER], "deliveryMode": {"transportType": "WebSocket"}}
            await socket.send(json.dumps([request, body]))
            answer = json.loads(await asyncio.wait_for(socket.recv(), 5))
            assert answer[0]["status"] == 200, answer
            assert (await http.post(RINGOUT, json=CALL)).status_code == 200
            first = json.loads(await asyncio.wait_for(socket.recv(), 5))  # the call's first event, at once
            assert first[0]["type"] == "ServerNotification"
            assert (await http.post("/__emulator/clock/advance", json={"seconds": 60})).json()["delivered"] == 0
            moved = await http.post("/__emulator/clock/advance", json={"seconds": 60}, headers=scoped)
            assert moved.json()["delivered"] == 5
            deliveries = (await http.get("/__emulator/deliveries", headers=scoped)).json()
            assert deliveries["count"] == 6
            assert {d["account"] for d in deliveries["records"]} == {account["id"]}
            assert (await http.get("/__emulator/deliveries")).json()["count"] == 0
            frames = [json.loads(await asyncio.wait_for(socket.recv(), 5)) for _ in range(5)]
            assert {f[0]["type"] for f in frames} == {"ServerNotification"}
            assert (await http.delete(f"/__emulator/accounts/{account['id']}")).status_code == 204
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), 5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
            gone = await http.get(f"{RINGOUT}/x")
            assert gone.status_code == 401, gone.text

    asyncio.run(asyncio.wait_for(test(), 30))
