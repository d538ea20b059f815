"""HTTP/1.1 over a bare socket, for what an HTTP client library would hide: half-sent heads,
trickled bytes, pipelining, and seeing exactly when the server closes. Every wait is a socket
wait with a bounded timeout."""

from __future__ import annotations

import json
import select
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tests.conftest import RINGOUT

HEALTH = b"GET /__emulator/health HTTP/1.1\r\nHost: emulator\r\n\r\n"


@dataclass
class RawResponse:
    status_line: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def error_json(code: str, message: str) -> dict[str, Any]:
    return {"errorCode": code, "message": message, "errors": [{"errorCode": code, "message": message}]}


class RawConnection:
    def __init__(self, url_or_port: str | int, timeout: float = 10.0) -> None:
        port = url_or_port if isinstance(url_or_port, int) else urlsplit(url_or_port).port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _more(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise AssertionError(f"closed by the server; got so far: {self.buffer[:200]!r}")
        self.buffer += chunk

    def response(self) -> RawResponse:
        """The next response (the emulator always sends Content-Length)."""
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
        length = int(headers["content-length"])
        while len(self.buffer) < length:
            self._more()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return RawResponse(status_line, headers, body)

    def closed_within(self, timeout: float) -> float:
        """Seconds until the server closes (EOF or reset), sending nothing more; fails after ``timeout``."""
        started = time.monotonic()
        while (left := started + timeout - time.monotonic()) > 0:
            if not select.select([self.sock], [], [], left)[0]:
                break
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                return time.monotonic() - started
            if not chunk:
                assert self.buffer == b"", self.buffer
                return time.monotonic() - started
            self.buffer += chunk
        raise AssertionError(f"still open after {timeout} s")

    def trickle_until_closed(self, data: bytes, every: float, timeout: float) -> float:
        """Send ``data`` one byte each ``every`` seconds (waiting on the socket meanwhile) until the
        server closes; the seconds that took."""
        started = time.monotonic()
        for byte in data:
            if select.select([self.sock], [], [], every)[0]:
                break  # something to read: the close
            try:
                self.sock.send(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise AssertionError(f"still open after {timeout} s of trickling")
        self.closed_within(timeout)
        return time.monotonic() - started


def post_head(length: int, path: str = RINGOUT) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer raw\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
