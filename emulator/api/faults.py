"""The fault layer: a pure ASGI middleware, just inside the journal's, that applies what a fault
rule (``emulator.core.faults``) or the request's own ``X-Emulator-Fault`` header asks for.

Requests to the control plane are never faulted. With no rule and no header a request costs one
header scan. Otherwise the request's facts are gathered (its route's operationId and path ids
from the route table, the RingOut body's ``to`` only when some rule matches on it: the body is
then read first, at most ``BODY_PEEK`` bytes, and replayed to the route) and the first rule
that fires is applied:

- ``when: before``: the fault replaces the operation (nothing changes); ``latency`` delays it.
- ``when: after``: the operation runs, its response is held, then the fault hits it (an error or
  a dropped connection instead of it, or it late, truncated or dribbled).

Delays are waits on the event loop: other requests go on meanwhile. When the server begins to shut
down (``end_fault_delays``) every delay under way ends at once and its request goes on, so none
holds the exit up until uvicorn cancels it into its own bare 500. Connection effects need the
connection: ``emulator.connections.GuardedProtocol`` puts its transport in the request's scope
(``scope["extensions"][TRANSPORT_EXTENSION]``); a reset sets ``SO_LINGER`` 0 and aborts (the
peer gets an RST), an empty response or a truncated body closes it. Served in-process (no
transport), a connection effect raises ``ConnectionDropped`` out of the app instead."""

from __future__ import annotations

import asyncio
import contextlib
import math
import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import from_json
from starlette.requests import Request
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.api.control_faults import HEADER, header_fault
from emulator.api.errors import error_response
from emulator.api.inputs import header
from emulator.api.journal import STATE_KEYS
from emulator.api.oauth import basic_credentials
from emulator.api.rate_limits import BUCKET_KEY
from emulator.api.routing import CONTROL_PREFIX
from emulator.core.emulator import Emulator
from emulator.core.errors import FAULT_ERRORS, EmulatorError, FaultRateLimited
from emulator.core.faults import Effect, Fault, RequestFacts, When
from emulator.core.namespaces import Namespaces
from emulator.core.rate_limits import OPERATION_GROUPS, Bucket, Group

TRANSPORT_EXTENSION = "emulator.transport"  # scope["extensions"][...]["transport"]: the asyncio transport
HEADER_KEY = HEADER.lower().encode()
FAULT_KEY = STATE_KEYS["fault"]
BODY_PEEK = 64 * 1024


class ConnectionDropped(ConnectionError):
    """A connection effect where there is no connection (the app served in-process)."""


@dataclass(slots=True)
class Held:
    """A response the operation gave, held back ("after" faults)."""

    start: Message | None = None
    body: list[bytes] = field(default_factory=list)

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.body.append(message.get("body", b""))

    @property
    def content(self) -> bytes:
        return b"".join(self.body)


class Delays:
    """The fault delays under way; ``end`` cuts them all short, and any begun after it (server
    shutdown)."""

    def __init__(self) -> None:
        self.ended = False
        self._wakers: set[asyncio.Future[None]] = set()

    def end(self) -> None:
        self.ended = True
        for waker in self._wakers:
            if not waker.done():
                waker.set_result(None)

    @contextlib.contextmanager
    def waker(self) -> Iterator[asyncio.Future[None]]:
        """A future done once the delays end (already done if they have)."""
        waker: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.ended:
            waker.set_result(None)
        self._wakers.add(waker)
        try:
            yield waker
        finally:
            self._wakers.discard(waker)

    async def sleep(self, seconds: float) -> None:
        """``seconds``, or less if the delays end meanwhile."""
        with self.waker() as waker:
            await asyncio.wait((waker,), timeout=seconds)


class FaultLayer:
    """Each namespace's fault rules fire for its requests only (``emulator.core.namespaces``): while
    accounts were created, the request's namespace is read from its ``Authorization`` header."""

    def __init__(self, app: ASGIApp, namespaces: Namespaces, routes: list[BaseRoute], delays: Delays) -> None:
        self.app = app
        self.namespaces = namespaces
        self.routes = [made for made in routes if isinstance(made, Route)]
        self.delays = delays

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        given = header(scope, HEADER_KEY)
        namespaces = self.namespaces
        emulator = request_namespace(namespaces, scope) if namespaces.any_created else namespaces.global_
        if given is None and not emulator.faults_armed:
            await self.app(scope, receive, send)
            return
        try:
            fault, rule_id, receive = await self._choose(emulator, scope, receive, given)
        except EmulatorError as error:
            await error_response(error, path=scope["path"])(scope, receive, send)
            return
        if fault is None:
            await self.app(scope, receive, send)
            return
        scope["state"][FAULT_KEY] = {"rule": rule_id, "effect": fault.effect.value, "when": fault.when.value}
        await self._apply(emulator, fault, rule_id, scope, receive, send)

    async def _choose(
        self, emulator: Emulator, scope: Scope, receive: Receive, given: str | None
    ) -> tuple[Fault | None, str | None, Receive]:
        if given is not None:
            return header_fault(given), None, receive
        operation, params = self._route(scope)
        to = None
        if emulator.faults_need_body and scope["method"] == "POST":
            body, receive = await peek(receive)
            to = to_number(emulator, body)
        facts = RequestFacts(
            scope["method"], scope["path"], operation, params.get("accountId"), params.get("extensionId"), to
        )
        rule = emulator.fire_fault(facts)
        return (rule.fault, rule.id, receive) if rule else (None, None, receive)

    def _route(self, scope: Scope) -> tuple[str | None, dict[str, Any]]:
        for made in self.routes:
            match, child = made.matches(scope)
            if match is Match.FULL:
                return made.name, child.get("path_params", {})
        return None, {}

    async def _apply(
        self, emulator: Emulator, fault: Fault, rule_id: str | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if fault.when is When.BEFORE:
            if fault.effect is Effect.LATENCY:
                resumed = await pause(emulator.fault_delay(fault), receive, self.delays)
                if resumed is not None:
                    await self.app(scope, resumed, send)
                return
            await self._strike(emulator, fault, rule_id, scope, receive, send, Held())
            return
        held = Held()
        await self.app(scope, receive, held.send)
        if fault.effect is Effect.LATENCY:
            if await pause(emulator.fault_delay(fault), receive, self.delays) is not None:
                await replay(held, send)
            return
        await self._strike(emulator, fault, rule_id, scope, receive, send, held)

    async def _strike(
        self,
        emulator: Emulator,
        fault: Fault,
        rule_id: str | None,
        scope: Scope,
        receive: Receive,
        send: Send,
        held: Held,
    ) -> None:
        effect = fault.effect
        if effect is Effect.ERROR:
            error = FAULT_ERRORS[fault.status]()
            headers = {"Retry-After": str(fault.retry_after or 1)} if fault.status == 503 else {}
            await error_response(error, {**headers, **note(rule_id)}, path=scope["path"])(scope, receive, send)
        elif effect is Effect.THROTTLE:
            bucket = self._throttled_bucket(emulator, scope)
            scope["state"][BUCKET_KEY] = bucket
            retry_after = fault.retry_after or max(math.ceil(bucket.policy.penalty), 1)
            headers = {"Retry-After": str(retry_after), **note(rule_id)}
            await error_response(FaultRateLimited(), headers, path=scope["path"])(scope, receive, send)
        elif effect is Effect.RESET or effect is Effect.EMPTY:
            await drop(scope, receive, reset=effect is Effect.RESET)
        elif effect is Effect.TRUNCATE:
            content = held.content
            keep = len(content) // 2 if fault.keep_bytes is None else min(fault.keep_bytes, len(content) - 1)
            await send(start_of(held))
            await send({"type": "http.response.body", "body": content[: max(keep, 0)], "more_body": True})
            await drop(scope, receive, reset=False)
        else:  # DRIBBLE
            await dribble(held, send, fault.chunks, fault.ms / 1000, self.delays)

    def _throttled_bucket(self, emulator: Emulator, scope: Scope) -> Bucket:
        """A bucket with nothing left, for the ``X-Rate-Limit-*`` headers of the route's group."""
        operation, _ = self._route(scope)
        group = OPERATION_GROUPS.get(operation or "", Group.LIGHT)
        policy = emulator.rate_limit_policies()[1][group]
        bucket = Bucket(("fault", "fault", policy.name), policy)
        bucket.penalty_until = math.inf  # remaining: 0
        return bucket


def end_fault_delays(app: Any) -> None:
    """Ends every fault delay under way, and any begun later (call it when the server begins to
    shut down)."""
    delays = getattr(app.state, "fault_delays", None)
    if delays is not None:
        delays.end()


def request_namespace(namespaces: Namespaces, scope: Scope) -> Emulator:
    """The namespace a request will act in, before routing: its ``Authorization: Bearer`` token's,
    or the client id's of its ``Authorization: Basic`` (``/restapi/oauth``); else (no such header,
    a malformed one) the global one. A token in ``?access_token=`` and a public app's ``client_id``
    in a form body are not read here: those requests see the global namespace's rules."""
    scheme, _, rest = (header(scope, b"authorization") or "").partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return namespaces.for_token(rest.strip())
    if scheme == "basic":
        with contextlib.suppress(EmulatorError):
            basic = basic_credentials(Request(scope))
            return namespaces.for_client(basic[0] if basic else None)
    return namespaces.global_


def note(rule_id: str | None) -> dict[str, str]:
    said = f"fault rule {rule_id}" if rule_id else f"the {HEADER} header"
    return {"X-Emulator-Note": f"Injected by {said}; list the rules: GET /__emulator/faults"}


def start_of(held: Held) -> Message:
    if held.start is None:  # every route answers; a guard, not a path
        raise ConnectionDropped("the operation gave no response")
    return held.start


async def replay(held: Held, send: Send) -> None:
    await send(start_of(held))
    await send({"type": "http.response.body", "body": held.content})


async def dribble(held: Held, send: Send, chunks: int, pause: float, delays: Delays) -> None:
    """The body in ``chunks`` parts (its declared length unchanged), ``pause`` seconds apart."""
    content = held.content
    size = max(math.ceil(len(content) / chunks), 1)
    parts = [content[i : i + size] for i in range(0, len(content), size)] or [b""]
    await send(start_of(held))
    for index, part in enumerate(parts):
        if index:
            await delays.sleep(pause)
        await send({"type": "http.response.body", "body": part, "more_body": index < len(parts) - 1})


async def drop(scope: Scope, receive: Receive, *, reset: bool) -> None:
    """Close the connection (``reset``: abort it with an RST), then wait until the server has
    seen it go (so it does not answer in our place)."""
    transport = scope.get("extensions", {}).get(TRANSPORT_EXTENSION, {}).get("transport")
    if transport is None:
        raise ConnectionDropped("reset" if reset else "closed")
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    while (await receive())["type"] != "http.disconnect":
        pass


async def pause(seconds: float, receive: Receive, delays: Delays) -> Receive | None:
    """Wait ``seconds`` unless the client goes first (then ``None``: nobody is left to answer) or
    the delays end (server shutdown: the request goes on at once). What the request sent
    meanwhile is kept: the ``receive`` returned replays it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    read: list[Message] = []
    with delays.waker() as ended:
        while not ended.done() and (left := deadline - loop.time()) > 0:
            message = asyncio.ensure_future(receive())
            await asyncio.wait((message, ended), timeout=left, return_when=asyncio.FIRST_COMPLETED)
            if not message.done():
                message.cancel()
                break
            if message.result()["type"] == "http.disconnect":
                return None
            read.append(message.result())
    return replaying(read, receive)


def replaying(read: list[Message], receive: Receive) -> Receive:
    pending = list(read)

    async def replay_first() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay_first


async def peek(receive: Receive) -> tuple[bytes, Receive]:
    """The request body's first ``BODY_PEEK`` bytes, and a ``receive`` that replays them."""
    read: list[Message] = []
    size = 0
    while True:
        message = await receive()
        read.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        if not message.get("more_body") or size > BODY_PEEK:
            break
    body = b"".join(m.get("body", b"") for m in read if m["type"] == "http.request")
    return body[:BODY_PEEK], replaying(read, receive)


def to_number(emulator: Emulator, body: bytes) -> str | None:
    """A RingOut body's ``to.phoneNumber`` in E.164, as the call will dial it (its ``country.id``
    heeded); ``None`` when there is none."""
    try:
        parsed = from_json(body)  # its nesting bound (200) holds while it parses: no RecursionError
    except ValueError:  # not JSON, too deep: the route answers it
        return None
    if not isinstance(parsed, dict):
        return None
    to, country = parsed.get("to"), parsed.get("country")
    number = to.get("phoneNumber") if isinstance(to, dict) else None
    country_id = country.get("id") if isinstance(country, dict) else None
    if not isinstance(number, str):
        return None
    return emulator.dialed_number(number, country_id if isinstance(country_id, str) else None)
