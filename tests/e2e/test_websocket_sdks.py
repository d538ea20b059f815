"""The official SDKs' WebSocket subscription helpers, unchanged, against a real server on a free
port: each subscribes to telephony sessions, a RingOut is placed, the manual clock is advanced,
and each receives the call's events in order; then updates/removes the subscription and closes."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from ringcentral import SDK
from ringcentral.websocket.events import WebSocketEvents

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.e2e.js_sdks import JS_DIR, require_js_sdks
from tests.eventually import eventually

FILTER = "/restapi/v1.0/account/~/extension/~/telephony/sessions"
PRESENCE = "/restapi/v1.0/account/~/extension/~/presence"
STORED = "/restapi/v1.0/account/400131560008/extension/400131560009/telephony/sessions"
EVENTS = ["1 Proceeding", "1 Answered", "2 Proceeding", "2 Answered", "1 Disconnected", "2 Disconnected"]


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(create_app(Settings(clock="manual", auth="strict", rate_limits="off"))) as server:
        yield server


def settle(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


def compact(body: dict[str, Any]) -> str:
    party = body["body"]["parties"][0]
    return f"{party['id'][-1]} {party['status']['code']}"


def test_python_sdk_web_socket_client(emulator: EmulatorServer) -> None:
    """``ringcentral`` 0.9.2: ``create_web_socket_client()``, ``create_subscription``, notifications
    through ``receiveSubscriptionNotification``, ``update_subscription``, ``remove_subscription``."""
    sdk = SDK("emulator-client-id", "emulator-client-secret", emulator.url)
    platform = sdk.platform()
    platform.login(jwt="emulator-jwt")
    control = httpx.Client(base_url=emulator.url)

    async def main() -> None:
        ws = sdk.create_web_socket_client()
        loop = asyncio.get_running_loop()
        created: asyncio.Future[Any] = loop.create_future()
        received: list[dict[str, Any]] = []
        all_in = asyncio.Event()

        def on_notification(message: list[dict[str, Any]]) -> None:
            received.append(message[1])
            if len(received) == len(EVENTS):
                all_in.set()

        ws.on(WebSocketEvents.subscriptionCreated, lambda sub: settle(created, sub))
        ws.on(WebSocketEvents.receiveSubscriptionNotification, on_notification)
        connection = asyncio.create_task(ws.create_new_connection())
        await ws.create_subscription([FILTER])
        subscription = await asyncio.wait_for(created, 10)
        info = subscription.get_subscription_info()[1]
        assert (info["status"], info["eventFilters"]) == ("Active", [STORED])
        call = await asyncio.to_thread(
            platform.post, "/restapi/v1.0/account/~/extension/~/ring-out", {"to": {"phoneNumber": "+16505550199"}}
        )
        assert call.response().status_code == 200
        advanced = await asyncio.to_thread(control.post, "/__emulator/clock/advance", json={"seconds": 60})
        assert advanced.status_code == 200
        await asyncio.wait_for(all_in.wait(), 10)
        assert [compact(body) for body in received] == EVENTS
        assert {body["subscriptionId"] for body in received} == {info["id"]}
        updated: asyncio.Future[Any] = loop.create_future()
        ws.on(WebSocketEvents.subscriptionUpdated, lambda sub: settle(updated, sub))
        await ws.update_subscription(subscription, [FILTER, PRESENCE])
        await asyncio.wait_for(updated, 10)
        await ws.remove_subscription(subscription)
        await ws.close_connection()
        with pytest.raises(Exception, match="1000"):  # websockets' ConnectionClosedOK: a clean close
            await asyncio.wait_for(connection, 10)

    asyncio.run(main())
    # the server's socket task catches up with frames sent just before the close (uvicorn answers the close first)
    assert eventually(lambda: platform.get("/restapi/v1.0/subscription").json_dict()["records"] == [])


def run_node(script: str, *args: str) -> list[str]:
    node = require_js_sdks()
    done = subprocess.run([node, script, *args], cwd=JS_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_rc_ex_ws_subscribes_recovers_and_carries_rest(emulator: EmulatorServer) -> None:
    """``@rc-ex/ws`` 1.4.2 (``restOverWebSocket: true``): the events in order, a RingOut GET over
    the socket, auto-recovery after the socket drops with the events buffered meanwhile, revoke."""
    order = ",".join(EVENTS)
    assert run_node("ws-subscriptions.mjs", emulator.url) == [
        "subscribed Active WebSocket",
        f"events {order}",
        "rest over websocket Success",
        "recovered Successful",
        f"buffered {order} 2",
        "revoked",
    ]


def test_ringcentral_subscriptions_registers_and_receives(emulator: EmulatorServer) -> None:
    """``@ringcentral/subscriptions`` 5.0.11 over ``@ringcentral/sdk``: ``createSubscription()
    .setEventFilters([...]).register()``, the events in order, then ``wse.revoke()``."""
    assert run_node("ws-ringcentral-subscriptions.mjs", emulator.url) == [
        "registered Active WebSocket",
        "ring-out 200",
        "advance 200",
        f"events {','.join(EVENTS)}",
        "revoked",
    ]
