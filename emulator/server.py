"""A real uvicorn server in a background thread, for clients that need a URL (SDKs, curl).
Port 0 picks a free port; ``url`` tells which."""

from __future__ import annotations

import threading
import time
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from emulator.api.events import close_event_streams


class EmulatorServer:
    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0, *, start_timeout: float = 10.0) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="ringout-emulator", daemon=True)
        self._start_timeout = start_timeout
        self.app = app
        self.url = ""

    def start(self) -> EmulatorServer:
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the emulator server did not start")
            time.sleep(0.005)
        host, port = self._server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        close_event_streams(self.app)  # open dashboards' streams end within a tick, so uvicorn can stop
        self._server.should_exit = True
        self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
