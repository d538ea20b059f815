"""A recording webhook receiver (an ASGI app): answers the ``Validation-Token`` handshake and
keeps every notification it is sent. Serve it on a real port (``emulator.server.EmulatorServer``,
port 0) or hand it to the emulator in-process (``WebhookSink.mount`` with httpx's ASGI transport).

``status``/``echo`` make it misbehave on purpose (a receiver that errors, or forgets the token)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

MAX_BODY = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Received:
    path: str
    headers: dict[str, str]
    body: Any  # the parsed JSON envelope (None for a handshake's empty body)


@dataclass
class WebhookReceiver:
    status: int = 200
    echo: bool = True
    delay: float = 0.0  # seconds before answering (a slow receiver)
    padding: int = 0  # bytes of body added to every answer (an oversized one)
    handshakes: list[Received] = field(default_factory=list)
    notifications: list[Received] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition, repr=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        raw = b""
        while True:
            message = await receive()
            raw += message.get("body", b"")[: MAX_BODY - len(raw)]
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        token = headers.get("validation-token")
        body = b" " * self.padding
        answer = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        if token is not None:
            self.handshakes.append(Received(scope["path"], headers, None))
            if self.echo:
                answer.append((b"validation-token", token.encode("latin-1")))
        else:
            with self._arrived:
                self.notifications.append(Received(scope["path"], headers, json.loads(raw) if raw.strip() else None))
                self._arrived.notify_all()
        if self.delay:
            await asyncio.sleep(self.delay)
        await send({"type": "http.response.start", "status": self.status, "headers": answer})
        await send({"type": "http.response.body", "body": body})

    # --- reading what arrived ---------------------------------------------------------------

    def bodies(self, telephony_session_id: str | None = None) -> list[dict[str, Any]]:
        """The ``body`` of every telephony-session notification (of one session if given)."""
        found = [n.body["body"] for n in self.notifications if n.body and "telephonySessionId" in n.body["body"]]
        return [b for b in found if telephony_session_id in (None, b["telephonySessionId"])]

    def statuses(self, telephony_session_id: str | None = None) -> list[tuple[int, str, str, str | None]]:
        """(sequence, party id suffix, status code, reason) of each telephony-session notification."""
        return [
            (b["sequence"], b["parties"][0]["id"].rsplit("-", 1)[1], b["parties"][0]["status"]["code"],
             b["parties"][0]["status"].get("reason"))
            for b in self.bodies(telephony_session_id)
        ]  # fmt: skip

    def presence(self) -> list[dict[str, Any]]:
        return [n.body["body"] for n in self.notifications if n.body and "telephonyStatus" in n.body["body"]]

    def disconnected(self, telephony_session_id: str) -> bool:
        """Every party of the session that showed up has sent its ``Disconnected`` event."""
        last: dict[str, str] = {}
        for body in self.bodies(telephony_session_id):
            party = body["parties"][0]
            last[party["id"]] = party["status"]["code"]
        return bool(last) and all(code == "Disconnected" for code in last.values())

    def wait_until(self, done: Callable[[WebhookReceiver], bool], timeout: float = 5.0) -> bool:
        """Block until ``done(self)`` holds (checked as each notification arrives) or ``timeout``
        wall seconds pass: for the real clock (on the manual clock, an advance has delivered
        everything due before it answers, so there is nothing to wait for)."""
        with self._arrived:
            return self._arrived.wait_for(lambda: done(self), timeout)

    def clear(self) -> None:
        self.handshakes.clear()
        self.notifications.clear()


def as_app(receiver: WebhookReceiver) -> FastAPI:
    """The receiver as an app ``emulator.server.EmulatorServer`` can serve on a real port."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.mount("/", receiver)
    return app
