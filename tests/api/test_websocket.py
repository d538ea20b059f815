"""WebSocket subscriptions, frame by frame, with a plain ``websockets`` client against a real server
on a free port: ``POST /restapi/oauth/wstoken``, ``ConnectionDetails``, ``Heartbeat``, ``Error``
frames, subscription create/update/delete over the socket, notifications (the webhook payload),
session recovery, REST over WebSocket, the bounds, reset."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.connection import Connection

from emulator.api import ws_gateway
from emulator.app import create_app
from emulator.receiver import WebhookReceiver, as_app
from emulator.server import EmulatorServer
from emulator.settings import Settings

JWT = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}
CLIENT = ("emulator-client-id", "emulator-client-secret")
FILTER = "/restapi/v1.0/account/~/extension/~/telephony/sessions"
STORED = "/restapi/v1.0/account/400131560008/extension/400131560009/telephony/sessions"
PRESENCE = "/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"
RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DETAILS = {
    "creationTime": "2026-01-01T00:00:00.000Z",
    "maxConnectionsPerSession": 50,
    "recoveryBufferSize": 100,
    "recoveryTimeout": 180,
    "idleTimeout": 1800,
    "absoluteTimeout": 86400,
    "maxActiveRequests": 10,
}
STATUSES = ["1 Proceeding", "1 Answered", "2 Proceeding", "2 Answered", "1 Disconnected", "2 Disconnected"]


def serve(**settings: Any) -> EmulatorServer:
    chosen: dict[str, Any] = {"clock": "manual", "auth": "strict", "rate_limits": "off", **settings}
    return EmulatorServer(create_app(Settings(**chosen)))


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with serve() as running:
        yield running


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), 30))


class Client:
    """One logged-in user over HTTP, with helpers for the socket."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def ws_token(self) -> dict[str, Any]:
        response = await self.http.post("/restapi/oauth/wstoken")
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def ringout(self) -> dict[str, Any]:
        response = await self.http.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}})
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    async def advance(self, seconds: float = 60) -> None:
        response = await self.http.post("/__emulator/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text


@asynccontextmanager
async def client(server: EmulatorServer) -> AsyncIterator[Client]:
    async with httpx.AsyncClient(base_url=server.url) as http:
        token = (await http.post("/restapi/oauth/token", data=JWT, auth=CLIENT)).json()["access_token"]
        http.headers["Authorization"] = f"bearer {token}"  # lowercase, as the Python SDK sends it
        yield Client(http)


async def connect(ws: dict[str, Any], wsc: str | None = None) -> ClientConnection:
    url = f"{ws['uri']}?access_token={ws['ws_access_token']}" + (f"&wsc={wsc}" if wsc else "")
    return await websockets.connect(url)


async def recv(socket: Connection) -> list[Any]:
    frame: list[Any] = json.loads(await asyncio.wait_for(socket.recv(), 5))
    return frame


async def send(socket: Connection, *parts: Any) -> list[Any]:
    await socket.send(json.dumps(list(parts)))
    return await recv(socket)


def create(message_id: str = "m1", filters: tuple[str, ...] = (FILTER,), **header: Any) -> tuple[Any, ...]:
    request = {"type": "ClientRequest", "messageId": message_id, "method": "POST", "path": "/restapi/v1.0/subscription"}
    return {**request, **header}, {"eventFilters": list(filters), "deliveryMode": {"transportType": "WebSocket"}}


async def notifications(socket: Connection, n: int) -> list[list[Any]]:
    return [await recv(socket) for _ in range(n)]


def statuses(frames: list[list[Any]]) -> list[str]:
    parties = [frame[1]["body"]["parties"][0] for frame in frames]
    return [f"{party['id'][-1]} {party['status']['code']}" for party in parties]


# --- wstoken ----------------------------------------------------------------------------------


def test_wstoken_answers_the_socket_on_this_host_and_port() -> None:
    async def test() -> None:
        async with client(running) as user:
            response = await user.http.post("/restapi/oauth/wstoken", content=b"", headers={
                "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
            body = response.json()
            assert response.status_code == 200
            assert response.headers["x-rate-limit-group"] == "auth"
            assert set(body) == {"uri", "ws_access_token", "expires_in"}
            assert body["uri"] == running.url.replace("http://", "ws://") + "/ws"
            assert TOKEN.match(body["ws_access_token"])
            assert body["expires_in"] == 600

    with serve(rate_limits="platform") as running:
        run(test)


def test_wstoken_needs_a_token_and_the_websocket_permission(server: EmulatorServer) -> None:
    async def test() -> None:
        async with httpx.AsyncClient(base_url=server.url) as http:
            assert (await http.post("/restapi/oauth/wstoken")).status_code == 401
            other = ("emulator-no-ringout-client-id", "emulator-no-ringout-client-secret")
            token = (await http.post("/restapi/oauth/token", data=JWT, auth=other)).json()["access_token"]
            refused = await http.post("/restapi/oauth/wstoken", headers={"Authorization": f"Bearer {token}"})
            assert refused.status_code == 403
            assert refused.json()["errors"][0] == {
                "errorCode": "CMN-401",
                "message": "In order to call this API endpoint, application needs to have [WebSocket] permission",
                "permissionName": "WebSocket",
            }

    run(test)


# --- connecting ---------------------------------------------------------------------------------


def test_ws_tokens_are_bounded_oldest_first(server: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``wstoken`` call kept its token for ``ws_token_ttl`` (600 s): with rate limits off a
    client could mint them without end. At the cap the oldest goes."""
    monkeypatch.setattr(ws_gateway, "MAX_TOKENS", 2)

    async def test() -> None:
        async with client(server) as user:
            first, second, third = [await user.ws_token() for _ in range(3)]
            async with await connect(first) as socket:
                assert await recv(socket) == [
                    {"type": "Error", "status": 401, "headers": {}},
                    {"errorCode": "WSG-401", "message": "WebSocket access token is invalid or expired"},
                ]
            for kept in (second, third):
                async with await connect(kept) as socket:
                    assert (await recv(socket))[0]["type"] == "ConnectionDetails"

    run(test)


def test_connection_details_first_and_the_token_is_reusable(server: EmulatorServer) -> None:
    async def test() -> None:
        async with client(server) as user:
            ws = await user.ws_token()
            for _ in range(2):
                async with await connect(ws) as socket:
                    header, body = await recv(socket)
                    assert body == DETAILS  # no recoveryState without wsc
                    assert header["type"] == "ConnectionDetails" and header["status"] == 200
                    assert TOKEN.match(header["wsc"]["token"]) and header["wsc"]["sequence"] == 1
                    assert header["headers"] == {"RCRequestId": header["messageId"]}

    run(test)


@pytest.mark.parametrize(
    ("query", "close_code", "error"),
    [
        (
            "access_token=unknown",
            4401,
            {"errorCode": "WSG-401", "message": "WebSocket access token is invalid or expired"},
        ),
        ("", 4401, {"errorCode": "WSG-401", "message": "WebSocket access token is invalid or expired"}),
        ("wsc=fake%21", 4401, {"errorCode": "WSG-400", "message": "Malformed WebSocket session context token"}),
    ],
)
def test_a_refused_socket_gets_an_error_frame_then_a_close(
    server: EmulatorServer, query: str, close_code: int, error: dict[str, str]
) -> None:
    async def test() -> None:
        async with client(server) as user:
            ws = await user.ws_token()
            query_ = f"access_token={ws['ws_access_token']}&{query}" if query.startswith("wsc") else query
            async with websockets.connect(f"{ws['uri']}?{query_}") as socket:
                header, body = await recv(socket)
                assert (header["type"], header["status"], body) == ("Error", error_status(error), error)
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await socket.recv()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == close_code

    run(test)


def error_status(error: dict[str, str]) -> int:
    return 401 if error["errorCode"] == "WSG-401" else 400


def test_connections_per_extension_are_bounded() -> None:
    async def test() -> None:
        async with client(running) as user:
            ws = await user.ws_token()
            async with await connect(ws) as first:
                await recv(first)
                async with await connect(ws) as second:
                    header, body = await recv(second)
                    assert (header["type"], header["status"]) == ("Error", 429)
                    assert body == {
                        "errorCode": "WSG-429",
                        "message": "Too many WebSocket connections (per extension cap 1)",
                    }
            async with await connect(ws) as again:  # the first closed: room again
                assert (await recv(again))[0]["type"] == "ConnectionDetails"

    with serve(ws_max_connections_per_extension=1) as running:
        run(test)


# --- frames -------------------------------------------------------------------------------------


def test_heartbeat_is_echoed_and_malformed_frames_answer_errors(server: EmulatorServer) -> None:
    async def test() -> None:
        async with client(server) as user, await connect(await user.ws_token()) as socket:
            await recv(socket)
            beat = {"type": "Heartbeat", "messageId": "2zdBaKIcTfCXRWjGwNNClA/0"}
            assert await send(socket, beat) == [beat]
            for text, detail in [
                ("{}", "expected a JSON array [header] or [header, body]"),
                ("[]", "expected a JSON array [header] or [header, body]"),
                ("nope", "not JSON"),
            ]:
                await socket.send(text)
                assert await recv(socket) == [
                    {"type": "Error", "status": 400, "headers": {}},
                    {"errorCode": "WSG-808", "message": f"Malformed message: {detail}"},
                ]
            await socket.send(b"[]")
            assert (await recv(socket))[1]["message"] == "Malformed message: expected a text frame"
            assert await send(socket, {"type": "Nonsense", "messageId": "x"}) == [
                {"type": "Error", "status": 400, "headers": {}, "messageId": "x"},
                {"errorCode": "WSG-808", "message": "Malformed message: expected a ClientRequest or a Heartbeat"},
            ]

    run(test)


@pytest.mark.parametrize(
    "headers",
    [{"X-Name": "caf\u00e9"}, {"Caf\u00e9": "v"}, {"Bad Name": "v"}, {"X-A": "v\r\nX-B: injected"}, {"": "v"}],
)
def test_request_headers_no_http_request_could_carry_are_malformed(
    server: EmulatorServer, headers: dict[str, str]
) -> None:
    """A REST-over-WebSocket frame's ``headers`` become an HTTP request's: a non-ASCII name or
    value used to raise UnicodeEncodeError in the socket's task (a traceback, the socket dropped
    without a close frame); now it is WSG-808 and the socket keeps serving."""

    async def test() -> None:
        async with client(server) as user, await connect(await user.ws_token()) as socket:
            await recv(socket)
            request = {"type": "ClientRequest", "messageId": "h", "method": "GET", "path": RINGOUT, "headers": headers}
            assert await send(socket, request) == [
                {"type": "Error", "status": 400, "headers": {}},
                {"errorCode": "WSG-808", "message": "Malformed message: invalid header"},
            ]
            beat = {"type": "Heartbeat", "messageId": "after"}
            assert await send(socket, beat) == [beat]

    run(test)


# --- subscriptions and notifications ------------------------------------------------------------


def test_subscription_create_update_delete_over_the_socket(server: EmulatorServer) -> None:
    async def test() -> None:
        async with client(server) as user, await connect(await user.ws_token()) as socket:
            await recv(socket)
            header, body = await send(
                socket, *create("H5olFo7ARfGy7d/fxxTNIQ/0", method="post", path="/restapi/v1.0/subscription/")
            )
            subscription_id = body["id"]
            assert UUID.match(subscription_id)
            assert header == {
                "type": "ClientRequest",
                "messageId": "H5olFo7ARfGy7d/fxxTNIQ/0",
                "status": 200,
                "headers": {"Content-Type": "application/json", "WSG-SubscriptionId": subscription_id},
            }
            assert body == {
                "uri": f"/restapi/v1.0/subscription/{subscription_id}",
                "id": subscription_id,
                "creationTime": "2026-01-01T00:00:00.000Z",
                "status": "Active",
                "eventFilters": [STORED],
                "expirationTime": "2026-01-01T23:59:59.000Z",
                "expiresIn": 86399,
                "deliveryMode": {"transportType": "WebSocket", "encryption": False},
            }
            item = f"/restapi/v1.0/subscription/{subscription_id}"
            put = {"type": "ClientRequest", "messageId": "m2", "method": "Put", "path": item}
            header, body = await send(socket, put, {"eventFilters": [FILTER, PRESENCE]})
            assert (header["status"], "WSG-SubscriptionId" in header["headers"]) == (200, False)
            assert body["eventFilters"] == [
                STORED,
                PRESENCE.replace("~/extension/~", "400131560008/extension/400131560009"),
            ]
            delete = {"type": "ClientRequest", "messageId": "m3", "method": "DELETE", "path": item}
            assert await send(socket, delete) == [
                {"type": "ClientRequest", "messageId": "m3", "status": 204, "headers": {}}
            ]
            header, body = await send(socket, {**delete, "messageId": "m4"})
            assert (header["type"], header["messageId"], header["status"]) == ("ClientRequest", "m4", 404)
            assert body["errorCode"] == "CMN-102"
            header, body = await send(socket, *create("m5", ("/restapi/v1.0/account/~/nonsense",)))
            assert (header["status"], "WSG-SubscriptionId" in header["headers"]) == (400, False)

    run(test)


def test_notifications_carry_the_webhook_payload_and_the_created_id() -> None:
    receiver = WebhookReceiver()

    async def test() -> None:
        async with client(running) as user, await connect(await user.ws_token()) as socket:
            await recv(socket)
            mode = {"transportType": "WebHook", "address": f"{hook.url}/hook"}
            created = await user.http.post(
                "/restapi/v1.0/subscription", json={"eventFilters": [FILTER], "deliveryMode": mode}
            )
            assert created.status_code == 200
            subscription_id = (await send(socket, *create()))[1]["id"]
            call = await user.ringout()
            first = await recv(socket)  # delivered before the RingOut answered
            await user.advance()
            frames = [first, *await notifications(socket, 5)]
            assert statuses(frames) == STATUSES
            sequences = [frame[0]["wsc"]["sequence"] for frame in frames]
            assert sequences == [2, 3, 4, 5, 6, 7]
            for header, body in frames:
                assert header == {
                    "type": "ServerNotification",
                    "messageId": body["uuid"],
                    "status": 200,
                    "headers": {"RCRequestId": body["uuid"]},
                    "wsc": header["wsc"],
                }
                assert (body["subscriptionId"], body["event"], body["ownerId"]) == (
                    subscription_id,
                    STORED,
                    "400131560009",
                )
            hooked = [n.body for n in receiver.notifications]
            assert [h["body"] for h in hooked] == [body["body"] for _, body in frames]
            assert [h["timestamp"] for h in hooked] == [body["timestamp"] for _, body in frames]
            assert frames[0][1]["body"]["telephonySessionId"] == user_session(call)
            log = (await user.http.get("/__emulator/deliveries")).json()
            websocket_rows = [row for row in log["records"] if row["transport"] == "WebSocket"]
            assert [(r["subscriptionId"], r["address"], r["statusCode"], r["ok"]) for r in websocket_rows] == [
                (subscription_id, "websocket:1", 200, True)
            ] * 6

    with serve() as running, EmulatorServer(as_app(receiver)) as hook:
        run(test)


def user_session(call: dict[str, Any]) -> str:
    from emulator.core.sessions import telephony_session_id

    return telephony_session_id(call["id"])


def test_a_new_subscription_replaces_the_old_one(server: EmulatorServer) -> None:
    async def test() -> None:
        async with client(server) as user, await connect(await user.ws_token()) as socket:
            await recv(socket)
            old = (await send(socket, *create("m1")))[1]["id"]
            new = (await send(socket, *create("m2")))[1]["id"]
            assert old != new
            listed = (await user.http.get("/restapi/v1.0/subscription")).json()["records"]
            assert [(s["id"], s["deliveryMode"]) for s in listed] == [
                (new, {"transportType": "WebSocket", "encryption": False})
            ]
            await user.ringout()
            _, body = await recv(socket)
            assert body["subscriptionId"] == new

    run(test)


# --- recovery -----------------------------------------------------------------------------------


def test_recovery_replays_what_was_buffered(server: EmulatorServer) -> None:
    async def test() -> None:
        async with client(server) as user:
            ws = await user.ws_token()
            socket = await connect(ws)
            wsc = (await recv(socket))[0]["wsc"]["token"]
            subscription_id = (await send(socket, *create()))[1]["id"]
            await socket.close()
            await user.ringout()
            await user.advance()
            async with await connect(ws, wsc) as again:
                header, body = await recv(again)
                assert header["wsc"]["token"] == wsc
                assert body == {**DETAILS, "recoveryState": "Successful"} | {"creationTime": DETAILS["creationTime"]}
                frames = await notifications(again, 6)
                assert statuses(frames) == STATUSES
                assert {frame[1]["subscriptionId"] for frame in frames} == {subscription_id}

    run(test)


def test_recovery_of_an_unknown_or_empty_session_fails(server: EmulatorServer) -> None:
    async def test() -> None:
        async with client(server) as user:
            ws = await user.ws_token()
            async with await connect(ws, "A" * 32) as socket:
                header, body = await recv(socket)
                assert body == {**DETAILS, "recoveryState": "Failed", "recoveryErrorCode": "WSG-1005"}
                assert header["wsc"]["token"] != "A" * 32
                wsc = header["wsc"]["token"]
            async with await connect(ws, wsc) as socket:  # a session that never subscribed
                assert (await recv(socket))[1]["recoveryErrorCode"] == "WSG-1005"

    run(test)


# --- REST over WebSocket, reset ------------------------------------------------------------------


def test_rest_over_websocket_acts_as_the_sockets_session(server: EmulatorServer) -> None:
    async def test() -> None:
        async with client(server) as user, await connect(await user.ws_token()) as socket:
            await recv(socket)
            call = await user.ringout()
            request = {
                "type": "ClientRequest",
                "messageId": "+9x+UZoCTiqa4IcCeZky7g/4",
                "method": "get",
                "path": f"{RINGOUT}/{call['id']}",
                "headers": {"X-User-Agent": "Unknown/0.0.1 ringcentral-extensible/ws/0.16"},
            }
            header, body = await send(socket, request)
            assert (header["type"], header["messageId"], header["status"]) == (
                "ClientRequest",
                request["messageId"],
                200,
            )
            assert header["headers"]["content-type"] == "application/json"
            assert body["id"] == call["id"]
            query = {**request, "messageId": "q", "path": "/restapi/v1.0/account/~/extension/~/call-log",
                     "query": {"type": ["Voice", "Fax"], "perPage": 10}}  # fmt: skip
            header, body = await send(socket, query)
            assert (header["status"], body["paging"]["perPage"]) == (200, 10)
            header, body = await send(socket, {**request, "messageId": "n", "path": f"{RINGOUT}/unknown"})
            assert (header["type"], header["status"], body["errorCode"]) == ("ClientRequest", 404, "CMN-102")

    run(test)


def test_listing_subscriptions_over_websocket_is_rest(server: EmulatorServer) -> None:
    """Only POST creates the socket's subscription: ``GET /restapi/v1.0/subscription`` (what
    ``@rc-ex/ws`` sends for ``subscription().list()`` with ``restOverWebSocket``) is REST, as the
    socket's session: the list, with the socket's own subscription in it (it was 404 CMN-102)."""

    async def test() -> None:
        async with client(server) as user, await connect(await user.ws_token()) as socket:
            await recv(socket)
            header, created = await send(socket, *create())
            assert header["status"] == 200
            request = {
                "type": "ClientRequest",
                "messageId": "l1",
                "method": "GET",
                "path": "/restapi/v1.0/subscription",
            }
            header, body = await send(socket, request)
            assert (header["type"], header["messageId"], header["status"]) == ("ClientRequest", "l1", 200)
            assert [(r["id"], r["deliveryMode"]["transportType"]) for r in body["records"]] == [
                (created["id"], "WebSocket")
            ]

    run(test)


def test_reset_closes_the_sockets(server: EmulatorServer) -> None:
    async def test() -> None:
        async with client(server) as user:
            ws = await user.ws_token()
            async with await connect(ws) as socket:
                await recv(socket)
                await send(socket, *create())
                assert (await user.http.post("/__emulator/reset", json={})).status_code == 200
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await socket.recv()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
            async with await connect(ws) as refused:  # its token is gone too
                assert (await recv(refused))[1]["errorCode"] == "WSG-401"

    run(test)


def test_websocket_subscriptions_skip_the_30_per_owner_cap_but_not_the_total() -> None:
    async def test() -> None:
        async with client(running) as user:
            ws = await user.ws_token()
            sockets = [await connect(ws) for _ in range(32)]
            try:
                answers = []
                for socket in sockets:
                    await recv(socket)
                    answers.append((await send(socket, *create()))[0]["status"])
                assert answers == [200] * 31 + [403]  # max_subscriptions 31: SUB-505 past it
            finally:
                for socket in sockets:
                    await socket.close()

    with serve(max_subscriptions=31) as running:
        run(test)
