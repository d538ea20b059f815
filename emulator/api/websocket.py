"""The WebSocket endpoint (``/ws``; the ``uri`` ``POST /restapi/oauth/wstoken`` answers) and the
``wstoken`` route itself: the protocol as the official SDKs speak it (README "WebSocket
subscriptions").

Every frame is a JSON array ``[header]`` or ``[header, body]``. ``ConnectionDetails`` comes first;
a ``Heartbeat`` is echoed; a ``ClientRequest`` is answered with a ``ClientRequest`` frame echoing
its ``messageId``, with a ``status`` and ``headers``. Subscription create/update/delete are
served here (one subscription per socket session: a new POST replaces it); any other request is
REST over WebSocket: it goes through the app itself, as the socket's OAuth session. A frame that
is not such an array answers an ``Error`` frame (``WSG-808``); API errors answer their RingCentral
body in a ``ClientRequest`` frame with the error's status."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import from_json, to_json
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from emulator.api.delivery import deliver_due
from emulator.api.errors import error_body
from emulator.api.identity import bearer_token, namespaces_of, token_emulator
from emulator.api.inputs import JSON_LIMIT, HeaderName, HeaderValue, body_problem
from emulator.api.inputs import header as request_header
from emulator.api.rate_limits import count
from emulator.api.responses import iso, json_response
from emulator.api.routing import route
from emulator.api.ws_gateway import WSC_TOKEN, Gateway, WsSession, error_frame, frame, gateway_of
from emulator.core.emulator import Emulator
from emulator.core.errors import (
    EmulatorError,
    ResourceNotFoundRoute,
    WsInvalidToken,
    WsMalformedMessage,
    WsMalformedSessionToken,
    WsSubscriptionTransport,
)
from emulator.core.subscriptions import Subscription

PATH = "/ws"
SUBSCRIPTION = "/restapi/v1.0/subscription"
ITEM = re.compile(r"^/restapi/v1\.0/subscription/([^/]+)/?$")
DAY = 86_400
LENIENT = "lenient"  # the token REST over WebSocket presents for lenient mode's token-less session
CLOSE_REFUSED = 4401  # the socket is refused (bad token, too many connections): after an Error frame
Filter = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
_LENIENT = ConfigDict(extra="ignore", defer_build=True)


class Header(BaseModel):
    model_config = _LENIENT
    type: Annotated[str, StringConstraints(max_length=64)]
    messageId: Annotated[str, StringConstraints(max_length=256)] | None = None
    method: Annotated[str, StringConstraints(max_length=16)] | None = None
    path: Annotated[str, StringConstraints(max_length=2048)] | None = None
    headers: dict[HeaderName, HeaderValue] | None = None  # HTTP's own rules: they become a request's
    query: dict[str, Any] | None = None


class WsDeliveryMode(BaseModel):
    model_config = _LENIENT
    transportType: str


class WsSubscriptionRequest(BaseModel):
    model_config = _LENIENT
    eventFilters: list[Filter] = Field(min_length=1, max_length=100)
    deliveryMode: WsDeliveryMode | None = None


# --- POST /restapi/oauth/wstoken ------------------------------------------------------------


async def get_ws_token(request: Request) -> Response:
    """``{uri, ws_access_token, expires_in}``: the socket on this host and port; any body ignored."""
    token = bearer_token(request)
    emulator = token_emulator(request, token)
    session = emulator.websocket_subscriber(token)
    count(emulator, request, session.extension.id, session.app.client_id)
    token, ttl = gateway_of(request).issue_token(session, emulator)
    host = request_header(request.scope, b"host") or f"{request.url.hostname}:{request.url.port}"
    scheme = "wss" if request.url.scheme == "https" else "ws"
    return json_response({"uri": f"{scheme}://{host}{PATH}", "ws_access_token": token, "expires_in": ttl})


routes = [route("POST", "/restapi/oauth/wstoken", get_ws_token, "authWsToken")]


# --- the socket -----------------------------------------------------------------------------


async def endpoint(websocket: WebSocket) -> None:
    gateway = gateway_of(websocket)
    await websocket.accept()
    session = gateway.token_session(websocket.query_params.get("access_token"))
    emulator = namespaces_of(websocket).for_token(session.access_token if session else None)  # its session's
    wsc = websocket.query_params.get("wsc")
    try:
        if session is None or not emulator.session_alive(session):
            raise WsInvalidToken()
        if wsc is not None and not WSC_TOKEN.match(wsc):
            raise WsMalformedSessionToken()
        gateway.admit(session)
    except EmulatorError as refused:
        await websocket.send_text(error_frame(None, refused))
        await websocket.close(CLOSE_REFUSED)
        return
    if wsc is None:
        found, recovery = gateway.open(emulator, session, websocket), None
    else:
        found, recovery = gateway.recover(emulator, wsc, session, websocket)
    try:
        await gateway.greet(found, recovery)
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            answer = await answer_frame(websocket, gateway, emulator, found, text)
            if answer is not None:
                await gateway.send(found, answer)
    finally:
        gateway.detach(emulator, found, websocket)


async def answer_frame(
    websocket: WebSocket, gateway: Gateway, emulator: Emulator, found: WsSession, text: str | None
) -> str | None:
    """The answer to one inbound frame (None: nothing to answer)."""
    try:
        header, body = _parse(text)
    except WsMalformedMessage as bad:
        return error_frame(None, bad)
    if header.type == "Heartbeat":
        return frame({"type": "Heartbeat", "messageId": header.messageId})
    if header.type != "ClientRequest" or not header.method or not header.path:
        return error_frame(header.messageId, WsMalformedMessage(detail="expected a ClientRequest or a Heartbeat"))
    method, path = header.method.upper(), header.path.split("?", 1)[0]
    try:
        if (method == "POST" and path.rstrip("/") == SUBSCRIPTION) or ITEM.match(path):  # the socket's own
            status, headers, reply = await _subscription_request(websocket, emulator, found, method, path, body)
        else:
            status, headers, reply = await _rest(websocket, found, method, path, header, body)
    except EmulatorError as error:
        status, headers, reply = error.status, {"Content-Type": "application/json"}, error_body(error)
    answer = {"type": "ClientRequest", "messageId": header.messageId, "status": status, "headers": headers}
    return frame(answer, reply)


def _parse(text: str | None) -> tuple[Header, Any]:
    if text is None:
        raise WsMalformedMessage(detail="expected a text frame")
    if len(text) > JSON_LIMIT:
        raise WsMalformedMessage(detail=f"a frame may hold at most {JSON_LIMIT} characters")
    try:
        parsed = from_json(text)
    except ValueError:
        raise WsMalformedMessage(detail="not JSON") from None
    if not isinstance(parsed, list) or not 1 <= len(parsed) <= 2 or not isinstance(parsed[0], dict):
        raise WsMalformedMessage(detail="expected a JSON array [header] or [header, body]")
    try:
        header = Header.model_validate(parsed[0])
    except ValidationError:
        raise WsMalformedMessage(detail="invalid header") from None
    return header, parsed[1] if len(parsed) == 2 else None


async def _subscription_request(
    websocket: WebSocket, emulator: Emulator, found: WsSession, method: str, path: str, body: Any
) -> tuple[int, dict[str, str], Any]:
    headers = {"Content-Type": "application/json"}
    item = ITEM.match(path)
    if method == "POST" and item is None:
        filters = _filters(body)
        if found.subscription_id is not None:  # one per connection: a new one replaces it
            emulator.drop_subscription(found.subscription_id)
            found.subscription_id = None
        created = emulator.add_websocket_subscription(found.oauth, filters, found.address)
        found.subscription_id = created.id
        await deliver_due(websocket, emulator)  # type: ignore[arg-type]
        return 200, {**headers, "WSG-SubscriptionId": created.id}, subscription_json(emulator, created)
    if item is None:
        raise _no_route(method, path)
    subscription_id = item.group(1)
    if method == "GET":
        return 200, headers, subscription_json(emulator, emulator.websocket_subscription(
            found.oauth, subscription_id, found.address))  # fmt: skip
    if method == "PUT":
        updated = emulator.update_websocket_subscription(found.oauth, subscription_id, found.address, _filters(body))
        return 200, headers, subscription_json(emulator, updated)
    if method == "DELETE":
        emulator.websocket_subscription(found.oauth, subscription_id, found.address)
        emulator.drop_subscription(subscription_id)
        found.subscription_id = None
        return 204, {}, None
    raise _no_route(method, path)


def _no_route(method: str, path: str) -> EmulatorError:
    return ResourceNotFoundRoute(method=method, path=path)


def _filters(body: Any) -> list[str]:
    try:
        request = WsSubscriptionRequest.model_validate(body)
    except ValidationError as problem:
        raise body_problem(problem) from None
    mode = request.deliveryMode
    if mode is not None and mode.transportType != "WebSocket":
        raise WsSubscriptionTransport()
    return request.eventFilters


def subscription_json(emulator: Emulator, subscription: Subscription) -> dict[str, Any]:
    """``SubscriptionInfo`` as the gateway answers it: a relative ``uri``, 24 h reported (it
    renews itself while its session lives)."""
    now = emulator.clock.now()
    return {
        "uri": f"{SUBSCRIPTION}/{subscription.id}",
        "id": subscription.id,
        "creationTime": iso(subscription.created_at),
        "status": subscription.status,
        "eventFilters": [f.text for f in subscription.filters],
        "expirationTime": iso(now + DAY - 1),
        "expiresIn": DAY - 1,
        "deliveryMode": {"transportType": "WebSocket", "encryption": False},
    }


async def _rest(
    websocket: WebSocket, found: WsSession, method: str, path: str, header: Header, body: Any
) -> tuple[int, dict[str, str], Any]:
    """REST over WebSocket: the request goes through the app, as the socket's OAuth session."""
    host = request_header(websocket.scope, b"host") or "127.0.0.1"
    headers = {**(header.headers or {}), "Authorization": f"Bearer {found.oauth.access_token or LENIENT}"}
    content = None if body is None else to_json(body)
    if content is not None:
        headers["Content-Type"] = "application/json"
    import httpx  # only when a socket sends a REST frame: not at start-up (see docs/performance.md)

    transport = httpx.ASGITransport(app=websocket.app)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as client:
        response = await client.request(method, path, params=header.query, headers=headers, content=content)
    kept = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length",)}
    reply: Any = None
    if response.content:
        try:
            reply = response.json()
        except ValueError:
            reply = response.text
    return response.status_code, kept, reply


websocket_routes = [WebSocketRoute(PATH, endpoint, name="websocket")]
