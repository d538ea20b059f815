"""Drive an ASGI app directly (no socket): the app's own cost per request, without network noise."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]
HEADERS = [
    (b"host", b"127.0.0.1:8080"),
    (b"authorization", b"Bearer bench-token"),
    (b"content-type", b"application/json"),
]


def scope(method: str, target: str) -> dict[str, Any]:
    path, _, query = target.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": HEADERS,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }


async def call(app: ASGIApp, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    """One request; the status and the body."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope(method, path), receive, send)
    status = int(sent[0]["status"])
    return status, b"".join(m.get("body", b"") for m in sent[1:])


async def timed(app: ASGIApp, method: str, paths: list[str], body: bytes = b"") -> list[float]:
    """Seconds per request, one request per path."""
    out: list[float] = []
    for path in paths:
        start = time.perf_counter()
        status, _ = await call(app, method, path, body)
        out.append(time.perf_counter() - start)
        if status >= 400:
            raise RuntimeError(f"{method} {path} answered {status}")
    return out
