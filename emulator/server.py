"""Serving the app with uvicorn, configured in one place for the CLI and for ``EmulatorServer``:
the guarded protocol and its limits (``emulator.connections``), the masked access log, and a
socket bound before uvicorn starts, so a busy port fails early and port 0 knows its number.

``EmulatorServer`` is a real server in a background thread, for clients that need a URL (SDKs,
curl). Port 0 picks a free port; ``url`` tells which."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import uvicorn
from fastapi import FastAPI

from emulator.access_log import mask_access_log
from emulator.api.events import close_event_streams
from emulator.api.faults import end_fault_delays
from emulator.connections import ConnectionLimits, protocol_class

GRACEFUL_SHUTDOWN_SECONDS = 1  # requests in flight get this long after SIGTERM
BACKLOG = 2048  # uvicorn's default
WS_MAX_FRAME = 64 * 1024  # bytes of one WebSocket message (uvicorn's default is 16 MiB)


class ListenError(Exception):
    """The address cannot be listened on; the message names it and says why."""


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (the first address ``host`` resolves to) and listening."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except OSError as exc:
        raise ListenError(f"cannot listen on {where}: {exc.strerror or exc}") from exc
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":  # on Windows SO_REUSEADDR would let two servers share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise ListenError(f"cannot listen on {where}: {exc.strerror or exc}") from exc
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


ACCESS_LOG_LEVELS = ("trace", "debug", "info")  # the levels at which uvicorn's access lines print


class Server(uvicorn.Server):
    """uvicorn's server, calling ``on_started`` once it accepts connections and ending the event
    streams when it shuts down."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and self._on_started is not None:
            self._on_started()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Open dashboard event streams (within a tick) and fault delays end first, so they never
        hold the exit up."""
        close_event_streams(self.config.app)
        end_fault_delays(self.config.app)
        await super().shutdown(sockets=sockets)


def make_server(
    app: Any,
    limits: ConnectionLimits,
    *,
    log_level: str,
    lifespan: str = "auto",
    on_started: Callable[[], None] | None = None,
) -> Server:
    """The uvicorn server both entry points run, given a socket from ``listen``: ``run(sockets=[sock])``."""
    config = uvicorn.Config(
        app,
        http=protocol_class(limits),
        log_level=log_level,
        # uvicorn formats each access line's client and path before the logger drops it: below
        # ``info`` no line would print, so none is made (a good share of a small request's cost)
        access_log=log_level.lower() in ACCESS_LOG_LEVELS,
        lifespan=lifespan,  # type: ignore[arg-type]
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        server_header=False,
        ws_max_size=WS_MAX_FRAME,  # a larger WebSocket message is refused (close 1009) before it is buffered
    )
    mask_access_log()  # after Config, which (re)configures uvicorn's loggers
    return Server(config, on_started)


class EmulatorServer:
    def __init__(
        self,
        app: FastAPI,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        start_timeout: float = 10.0,
        limits: ConnectionLimits | None = None,
        log_level: str = "warning",
    ) -> None:
        self.limits = limits or ConnectionLimits()
        self._started = threading.Event()
        # the app's lifespan runs (auto: apps without one, such as a bare receiver, are fine): the
        # real-clock delivery task is in it, without which only requests would deliver events
        self._server = make_server(app, self.limits, log_level=log_level, on_started=self._started.set)
        self._address = (host, port)
        self._thread: threading.Thread | None = None
        self._start_timeout = start_timeout
        self.app = app
        self.url = ""

    def start(self) -> EmulatorServer:
        sock = listen(*self._address)
        self.url = url_of(sock)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="ringout-emulator", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not self._started.wait(0.01):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise RuntimeError("the emulator server did not start")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
