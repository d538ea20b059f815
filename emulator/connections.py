"""Connection-level protections, in one subclass of uvicorn's httptools protocol that the CLI and
``EmulatorServer`` both serve with:

- a connection with no request in progress (a fresh one too) is closed after ``idle_timeout``;
- a request head must be complete ``header_timeout`` seconds after its first byte (slowloris), and
  its body ``body_timeout`` seconds after the head; past either the connection is closed, and an app
  still reading the request sees ``http.disconnect``;
- a request head (request line + headers) over ``max_header_bytes`` is answered 431 ``CMN-431``:
  bytes are counted before httptools sees them, so nothing past the cap is buffered;
- past ``max_connections`` open connections, a new one is answered 503 ``CMN-211``;
- a request httptools cannot parse is answered 400 ``CMN-104`` (uvicorn would answer in plain text).

Refusals are RingCentral-shaped (``emulator.api.errors.error_body``), carry ``Connection: close``,
and end in a lingering close: the write side is shut, what the client still sends is read and
dropped for at most ``LINGER_SECONDS``, so its kernel does not discard the answer on a reset."""

from __future__ import annotations

import asyncio
import enum
import sys
import uuid
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from emulator.api.errors import error_body
from emulator.api.faults import TRANSPORT_EXTENSION
from emulator.api.responses import json_bytes
from emulator.core.errors import CannotParseRequest, EmulatorError, HeaderFieldsTooLarge, TooManyConnections
from emulator.settings import (
    BODY_TIMEOUT,
    HEADER_TIMEOUT,
    IDLE_TIMEOUT,
    MAX_CONNECTIONS,
    MAX_HEADER_BYTES,
    Settings,
)

if sys.platform != "win32":
    import resource

LINGER_SECONDS = 2.0
FD_HEADROOM = 64  # beyond one per connection: the listener, the event loop, logs, data files


@dataclass(frozen=True)
class ConnectionLimits:
    idle_timeout: float = IDLE_TIMEOUT
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    max_connections: int = MAX_CONNECTIONS
    max_header_bytes: int = MAX_HEADER_BYTES

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(**{field.name: getattr(settings, field.name) for field in fields(cls)})


class Phase(enum.Enum):
    IDLE = "idle"  # no byte of the next request yet (the app may still be answering the last one)
    HEAD = "head"  # part of a request head
    BODY = "body"  # the head is in, not all of the body


def refusal(error: EmulatorError, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """A whole HTTP/1.1 response carrying ``error`` in RingCentral's shape, then ``Connection: close``."""
    body = json_bytes(error_body(error))
    headers = [
        *default_headers,
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"content-language", b"en"),
        (b"rcrequestid", str(uuid.uuid4()).encode()),
        (b"connection", b"close"),
    ]
    return b"".join(
        [STATUS_LINE[error.status], *(name + b": " + value + b"\r\n" for name, value in headers), b"\r\n", body]
    )


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the limits above; ``protocol_class`` binds the limits."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.timeout_keep_alive = self.limits.idle_timeout  # type: ignore[assignment]  # uvicorn's timer
        self._phase = Phase.IDLE
        self._head_bytes = 0  # bytes of the current head seen so far
        self._head_done = False  # a head completed during the last feed
        self._timer: asyncio.TimerHandle | None = None  # the header, body or linger deadline
        self._timer_phase: Phase | None = None
        self._refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # one per connection, read only
        self._extensions: dict[str, dict[object, object]] = {TRANSPORT_EXTENSION: {"transport": transport}}
        if len(self.connections) > self.limits.max_connections:
            self.logger.warning(
                "%sRefused a connection: %d are open (max_connections)", self._prefix(), len(self.connections) - 1
            )
            self._refuse(TooManyConnections(cap=self.limits.max_connections))
            return
        # uvicorn arms its keep-alive timer only after a response; a fresh connection is idle too.
        self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # answered already: drain and drop
        if self._phase is Phase.IDLE:
            self._phase = Phase.HEAD
        if self._phase is Phase.HEAD:
            room = self.limits.max_header_bytes - self._head_bytes
            if len(data) > room:
                self._feed_past_the_cap(data, room)
                return
            self._head_bytes += len(data)
        super().data_received(data)
        self._arm_timer()

    def _feed_past_the_cap(self, data: bytes, room: int) -> None:
        """Feed the head's last allowed bytes: the head ends there, or the request is refused 431."""
        self._head_done = False
        self._head_bytes = self.limits.max_header_bytes
        super().data_received(data[:room])
        if self._refused or self.transport.is_closing():
            return
        if not self._head_done:
            self.logger.warning(
                "%sRefused a request: its head is over %d bytes (max_header_bytes)",
                self._prefix(),
                self.limits.max_header_bytes,
            )
            self._refuse(HeaderFieldsTooLarge(limit=self.limits.max_header_bytes))
            return
        self.data_received(data[room:])  # the body, or the next pipelined request

    # Parser callbacks: they only move the phase; ``_arm_timer`` follows it after each feed.
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._phase = Phase.HEAD
        self.scope["extensions"] = self._extensions  # the transport, for fault injection

    def on_headers_complete(self) -> None:
        self._phase = Phase.BODY
        self._head_done = True
        self._head_bytes = 0
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._phase = Phase.IDLE
        self._head_bytes = 0
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._phase is not Phase.IDLE:
            self._unset_keepalive_if_required()  # a request is in progress: its own deadline applies

    def send_400_response(self, msg: str) -> None:
        self._refuse(CannotParseRequest(detail=msg))

    def _arm_timer(self) -> None:
        """The deadline of the phase the last feed left the connection in (none when idle)."""
        if self._timer_phase is self._phase or self._refused:
            return
        if self._timer is None and self._phase is Phase.IDLE:  # a whole request in one feed: the common case
            return
        self._cancel_timer()
        if self._phase is Phase.IDLE or self.transport.get_protocol() is not self:  # not ours once upgraded
            return
        timeout = self.limits.header_timeout if self._phase is Phase.HEAD else self.limits.body_timeout
        self._timer = self.loop.call_later(timeout, self._timed_out, self._phase, timeout)
        self._timer_phase = self._phase

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._timer_phase = None

    def _timed_out(self, phase: Phase, timeout: float) -> None:
        self._timer = None
        self._timer_phase = None
        setting = "header_timeout" if phase is Phase.HEAD else "body_timeout"
        self.logger.info(
            "%sClosed a connection: the request %s took over %g s (%s)", self._prefix(), phase.value, timeout, setting
        )
        self.transport.close()

    def _prefix(self) -> str:
        return f"{self.client[0]}:{self.client[1]} - " if self.client else ""

    def _refuse(self, error: EmulatorError) -> None:
        self._refused = True
        self._cancel_timer()
        self._unset_keepalive_if_required()
        if self.cycle is not None and not self.cycle.response_complete:
            self.transport.close()  # an answer is still being written: no second one inside it
            return
        self.transport.write(refusal(error, self.server_state.default_headers))
        self.flow.resume_reading()
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self._timer = self.loop.call_later(LINGER_SECONDS, self.transport.close)


def protocol_class(limits: ConnectionLimits) -> type[GuardedProtocol]:
    """The protocol class uvicorn builds each connection from, with these limits."""

    class Limited(GuardedProtocol):
        pass

    Limited.limits = limits
    return Limited


def raise_open_file_limit(max_connections: int) -> str | None:
    """Raise the soft ``RLIMIT_NOFILE`` toward the hard limit when ``max_connections`` needs more
    descriptors; a line saying what was done (or that it could not be), or None if nothing was needed."""
    if sys.platform == "win32":
        return None
    needed = max_connections + FD_HEADROOM
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return None
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        target = soft
    if target >= needed:
        return (
            f"raised the open-file limit (RLIMIT_NOFILE) from {soft} to {target} for max_connections {max_connections}"
        )
    return (
        f"warning: the open-file limit (RLIMIT_NOFILE) is {target} and cannot go higher (hard limit {hard}): "
        f"fewer than max_connections {max_connections} connections can be open at once"
    )
