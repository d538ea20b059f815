"""The WebSocket gateway's state: ws access tokens, socket sessions (``wsc``), the bounds, and the
delivery engine's WebSocket sink.

- A ws access token (``POST /restapi/oauth/wstoken``) is URL-safe, bound to the OAuth session that
  asked for it, and reusable until ``ws_token_ttl`` seconds of real time pass (``@rc-ex/ws``
  reconnects with the same one); at most ``MAX_TOKENS`` are kept, the oldest dropped first.
- A socket session is what ``wsc`` names: its OAuth session, its one subscription, the
  ``sequence`` of its frames. When its socket drops it is kept ``ws_recovery_timeout`` seconds of
  real time, buffering at most ``ws_recovery_buffer_size`` notifications (the oldest dropped); a
  reconnect with its ``wsc`` recovers it (``Successful``, then the buffered frames), else it ends
  and its subscription is deleted.
- Open connections are bounded per extension and in all (an ``Error`` frame, then a close).

Real time, not the emulator's clock, for the token and the recovery window: they are about the
client's network behaviour; the events themselves fire on the emulator's clock."""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import time
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import to_json
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from emulator.api.delivery import Job, Outcome, Send
from emulator.api.errors import error_body
from emulator.api.responses import iso
from emulator.core.emulator import Emulator
from emulator.core.errors import EmulatorError, WsTooManyConnections
from emulator.core.tokens import Session
from emulator.settings import Settings

TOKEN_BYTES = 24  # secrets.token_urlsafe: 32 characters of [A-Za-z0-9_-]
MAX_TOKENS = 10_000  # ws access tokens kept at once (the oldest goes first): each is reusable till it expires
WSC_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
IDLE_TIMEOUT = 1800  # advertised in ConnectionDetails (not enforced)
ABSOLUTE_TIMEOUT = 86_400  # advertised (not enforced)
MAX_ACTIVE_REQUESTS = 10  # advertised; requests on one socket are answered one at a time
CLOSE_RESET = 1001  # "going away": the emulator was reset


def frame(header: dict[str, Any], body: Any = None) -> str:
    """``[header]`` or ``[header, body]`` as one text frame."""
    return to_json([header] if body is None else [header, body]).decode()


def error_frame(message_id: str | None, error: EmulatorError) -> str:
    """An ``Error`` frame: ``{errorCode, message}`` (the RingCentral shape's first two fields)."""
    body = error_body(error)
    header: dict[str, Any] = {"type": "Error", "status": error.status, "headers": {}}
    if message_id is not None:
        header["messageId"] = message_id
    return frame(header, {"errorCode": error.error_code, "message": body["message"]})


@dataclass(slots=True)
class WsToken:
    session: Session
    expires_at: float  # time.monotonic()
    emulator: Emulator  # the namespace its session is of


@dataclass(slots=True, eq=False)
class WsSession:
    """One ``wsc`` session: at most one socket and one subscription at a time."""

    key: str  # the wsc token (a secret: never logged)
    address: str  # its subscription's address, as the delivery log shows it
    oauth: Session
    created_at: float  # the emulator's clock
    emulator: Emulator  # the namespace it acts in
    socket: WebSocket | None = None
    subscription_id: str | None = None
    sequence: int = 0
    buffer: deque[tuple[str, str]] = field(default_factory=deque)  # (uuid, envelope JSON)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    expiry: asyncio.TimerHandle | None = None

    def wsc(self) -> dict[str, Any]:
        self.sequence += 1
        return {"token": self.key, "sequence": self.sequence}


class Gateway:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._tokens: dict[str, WsToken] = {}
        self._sessions: dict[str, WsSession] = {}  # by wsc token
        self._by_address: dict[str, WsSession] = {}
        self._open: Counter[str] = Counter()  # open sockets per extension id
        self._serial = 0

    # --- ws access tokens ---------------------------------------------------------------

    def issue_token(self, session: Session, emulator: Emulator) -> tuple[str, int]:
        self._prune_tokens()
        while len(self._tokens) >= MAX_TOKENS:
            del self._tokens[next(iter(self._tokens))]  # dicts keep insertion order: the oldest
        token = secrets.token_urlsafe(TOKEN_BYTES)
        ttl = self.settings.ws_token_ttl
        self._tokens[token] = WsToken(session, time.monotonic() + ttl, emulator)
        return token, ttl

    def token_session(self, token: str | None) -> Session | None:
        found = self._tokens.get(token or "")
        if found is None or time.monotonic() >= found.expires_at:
            return None
        return found.session

    def _prune_tokens(self) -> None:
        now = time.monotonic()
        for token in [t for t, found in self._tokens.items() if now >= found.expires_at]:
            del self._tokens[token]

    # --- sockets and sessions -----------------------------------------------------------

    def admit(self, session: Session) -> None:
        """Room for one more socket of ``session``'s extension (429 WSG-429 otherwise)."""
        settings = self.settings
        if sum(self._open.values()) >= settings.ws_max_connections:
            raise WsTooManyConnections(scope="total", cap=settings.ws_max_connections)
        if self._open[session.extension.id] >= settings.ws_max_connections_per_extension:
            raise WsTooManyConnections(scope="per extension", cap=settings.ws_max_connections_per_extension)

    def open(self, emulator: Emulator, session: Session, socket: WebSocket) -> WsSession:
        self._serial += 1
        found = WsSession(
            secrets.token_urlsafe(TOKEN_BYTES), f"websocket:{self._serial}", session, emulator.clock.now(), emulator
        )
        self._sessions[found.key] = found
        self._by_address[found.address] = found
        self._attach(found, socket)
        return found

    def recover(self, emulator: Emulator, key: str, session: Session, socket: WebSocket) -> tuple[WsSession, str]:
        """The session ``key`` names, resumed on ``socket`` (``"Successful"``, then its buffered
        notifications), or a new one with ``"Failed"`` and why: ``WSG-1005`` unknown, expired or
        without a subscription; ``WSG-1003`` another OAuth session's."""
        found = self._sessions.get(key)
        if found is not None and found.oauth.id != session.id:
            return self.open(emulator, session, socket), "WSG-1003"
        if found is None or found.subscription_id is None or not emulator.is_subscribed(found.subscription_id):
            if found is not None:
                self.end(emulator, found)
            return self.open(emulator, session, socket), "WSG-1005"
        if found.expiry is not None:
            found.expiry.cancel()
            found.expiry = None
        if found.socket is not None:
            self._detach_socket(found)
        self._attach(found, socket)
        return found, "Successful"

    def _attach(self, found: WsSession, socket: WebSocket) -> None:
        found.socket = socket
        self._open[found.oauth.extension.id] += 1

    def _detach_socket(self, found: WsSession) -> None:
        found.socket = None
        extension = found.oauth.extension.id
        self._open[extension] -= 1
        if self._open[extension] <= 0:
            del self._open[extension]

    def detach(self, emulator: Emulator, found: WsSession, socket: WebSocket) -> None:
        """``socket`` closed: keep the session for recovery (if it has a subscription), else end it."""
        if found.socket is not socket:
            return  # recovered on another socket meanwhile
        self._detach_socket(found)
        if found.subscription_id is None or self.settings.ws_recovery_timeout == 0:
            self.end(emulator, found)
            return
        loop = asyncio.get_running_loop()
        found.expiry = loop.call_later(self.settings.ws_recovery_timeout, self.end, emulator, found)

    def end(self, emulator: Emulator, found: WsSession) -> None:
        if found.expiry is not None:
            found.expiry.cancel()
        if found.subscription_id is not None:
            emulator.drop_subscription(found.subscription_id)
        self._sessions.pop(found.key, None)
        self._by_address.pop(found.address, None)

    def connection_details(self, found: WsSession, recovery: str | None) -> str:
        settings = self.settings
        body: dict[str, Any] = {"creationTime": iso(found.created_at)}
        if recovery is not None:
            body["recoveryState"] = "Successful" if recovery == "Successful" else "Failed"
            if recovery != "Successful":
                body["recoveryErrorCode"] = recovery
        body |= {
            "maxConnectionsPerSession": settings.ws_max_connections_per_extension,
            "recoveryBufferSize": settings.ws_recovery_buffer_size,
            "recoveryTimeout": int(settings.ws_recovery_timeout),
            "idleTimeout": IDLE_TIMEOUT,
            "absoluteTimeout": ABSOLUTE_TIMEOUT,
            "maxActiveRequests": MAX_ACTIVE_REQUESTS,
        }
        message_id = secrets.token_hex(16)
        header = {
            "type": "ConnectionDetails",
            "messageId": message_id,
            "status": 200,
            "wsc": found.wsc(),
            "headers": {"RCRequestId": message_id},
        }
        return frame(header, body)

    async def send(self, found: WsSession, text: str) -> None:
        """One frame on the session's socket (a reply: no buffering). A client closing meanwhile
        loses the answer, not the frames it sent before its close (the receive loop still reads them)."""
        async with found.lock:
            if found.socket is not None:
                with contextlib.suppress(WebSocketDisconnect):
                    await found.socket.send_text(text)

    async def greet(self, found: WsSession, recovery: str | None) -> None:
        """ConnectionDetails, then (on a successful recovery) what was buffered, in order."""
        async with found.lock:
            socket = found.socket
            if socket is None:
                return
            await socket.send_text(self.connection_details(found, recovery))
            if recovery == "Successful":
                while found.buffer:
                    uuid, body = found.buffer.popleft()
                    await socket.send_text(self._notification(found, uuid, body))
            else:
                found.buffer.clear()

    def _notification(self, found: WsSession, uuid: str, body: str) -> str:
        header = {
            "type": "ServerNotification",
            "messageId": uuid,
            "status": 200,
            "headers": {"RCRequestId": uuid},
            "wsc": found.wsc(),
        }
        return f"[{to_json(header).decode()},{body}]"  # the envelope as serialised once for every sink

    async def notify(self, job: Job) -> Outcome:
        """Deliver ``job`` to its session's socket, or buffer it while the socket is away."""
        found = self._by_address.get(job.subscription.address)
        if found is None:
            return None, "WebSocket session closed"
        async with found.lock:
            if found.socket is not None:
                try:
                    await found.socket.send_text(self._notification(found, job.uuid, job.body.decode()))
                    return 200, None
                except Exception as exc:  # the socket went away mid-send: buffer as if it had already
                    reason = f"{type(exc).__name__}"
            else:
                reason = None
            if self.settings.ws_recovery_buffer_size == 0:
                return None, "WebSocket disconnected"
            if len(found.buffer) >= self.settings.ws_recovery_buffer_size:
                found.buffer.popleft()
            found.buffer.append((job.uuid, job.body.decode()))
            return None, reason

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[Send]:
        yield self.notify

    # --- reset and shutdown -------------------------------------------------------------

    async def close_all(self, emulator: Emulator) -> None:
        """Close every socket of ``emulator``'s namespace and forget its tokens and sessions (it was
        reset, or deleted)."""
        sessions = [found for found in self._sessions.values() if found.emulator is emulator]
        for token in [t for t, found in self._tokens.items() if found.emulator is emulator]:
            del self._tokens[token]
        for found in sessions:
            socket = found.socket
            self.end(emulator, found)
            if socket is not None:
                self._detach_socket(found)
                if socket.application_state is WebSocketState.CONNECTED:
                    with contextlib.suppress(Exception):
                        await socket.close(CLOSE_RESET)

    def open_sockets(self) -> int:
        return sum(self._open.values())


def gateway_of(connection: HTTPConnection) -> Gateway:
    gateway: Gateway = connection.app.state.ws_gateway
    return gateway
