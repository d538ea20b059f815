"""Graceful shutdown of ``python -m emulator``: SIGTERM and SIGINT finish the request in flight and
exit 0 within 2 s. No sleeps: the log pipe is read with a bounded wait, the exit with a timeout."""

from __future__ import annotations

import json
import re
import signal
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.eventually import eventually
from tests.reliability.process import Emulator, running_emulator

SECRET = "Bearer s3cret-token-that-must-not-be-logged"
IDLE_SOCKETS = 200


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with running_emulator("--auth", "lenient", "--log-level", "debug") as running:
        yield running


def _request_head(port: int, length: int) -> bytes:
    return (
        f"POST {RINGOUT} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {SECRET}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def _read_one(sock: socket.socket) -> bytes:
    """One keep-alive response (the emulator always sends Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, payload = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
    while len(payload) < length:
        payload += sock.recv(65536)
    return head


def _read_response(sock: socket.socket) -> tuple[str, bytes]:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    return head.decode("latin-1").split("\r\n")[0], payload


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_idle_server_exits_0_within_2_s(emulator: Emulator, sig: signal.Signals) -> None:
    started = time.monotonic()
    emulator.proc.send_signal(sig)
    assert emulator.proc.wait(timeout=2) == 0
    assert time.monotonic() - started <= 2


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_request_in_flight_is_finished_then_the_server_exits_0(emulator: Emulator, sig: signal.Signals) -> None:
    payload = json.dumps(SEED_SAMPLE).encode()
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        sock.sendall(_request_head(emulator.port, len(payload)) + payload)  # the server has accepted us
        assert _read_one(sock).startswith(b"HTTP/1.1 200 OK")
        sock.sendall(_request_head(emulator.port, len(payload)) + payload[:10])  # in flight: body half sent
        started = time.monotonic()
        emulator.proc.send_signal(sig)
        emulator.wait_for("Shutting down", timeout=2)
        sock.sendall(payload[10:])
        status_line, body = _read_response(sock)
    assert status_line == "HTTP/1.1 200 OK"
    assert json.loads(body)["status"]["callStatus"] == "InProgress"
    assert emulator.proc.wait(timeout=2) == 0
    assert time.monotonic() - started <= 2
    assert "s3cret" not in emulator.log()  # the bearer token never reaches the log, even at debug


def test_idle_sockets_do_not_hold_up_the_exit(emulator: Emulator) -> None:
    """Open connections that never sent a byte are closed at once on SIGTERM, not waited for."""
    idle = [socket.create_connection(("127.0.0.1", emulator.port), timeout=5) for _ in range(IDLE_SOCKETS)]
    try:
        payload = json.dumps(SEED_SAMPLE).encode()
        with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
            sock.sendall(_request_head(emulator.port, len(payload)) + payload)  # all accepted before it
            assert _read_one(sock).startswith(b"HTTP/1.1 200 OK")
        started = time.monotonic()
        emulator.proc.send_signal(signal.SIGTERM)
        assert emulator.proc.wait(timeout=2) == 0
        assert time.monotonic() - started <= 2
        assert {sock.recv(1) for sock in idle} == {b""}  # each was closed, none answered
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_an_open_dashboard_event_stream_ends_at_once_on_shutdown(emulator: Emulator, sig: signal.Signals) -> None:
    request = f"GET /__emulator/events HTTP/1.1\r\nHost: 127.0.0.1:{emulator.port}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        sock.sendall(request)
        received = b""
        while b"event: change" not in received:
            received += sock.recv(65536)
        assert received.startswith(b"HTTP/1.1 200 OK")
        started = time.monotonic()
        emulator.proc.send_signal(sig)
        assert emulator.proc.wait(timeout=2) == 0
        assert time.monotonic() - started < 1  # ended by the server, not cut at the 1 s graceful timeout
        while chunk := sock.recv(65536):
            received += chunk
    assert received.endswith(b"0\r\n\r\n")  # the stream's last chunk: it ended, it was not cut off


def test_open_websockets_are_closed_and_the_server_exits_0_within_2_s(emulator: Emulator) -> None:
    """A subscribed WebSocket does not hold SIGTERM up: uvicorn closes it (1012) and the server exits."""
    import httpx
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    url = f"http://127.0.0.1:{emulator.port}/restapi/oauth/wstoken"
    ws = httpx.post(url, headers={"Authorization": "Bearer lenient"}, timeout=5).json()  # lenient: any token
    with connect(f"{ws['uri']}?access_token={ws['ws_access_token']}", open_timeout=5) as socket_:
        assert json.loads(socket_.recv(timeout=5))[0]["type"] == "ConnectionDetails"
        request = {"type": "ClientRequest", "messageId": "m1", "method": "POST", "path": "/restapi/v1.0/subscription"}
        body = {"eventFilters": ["/restapi/v1.0/account/~/extension/~/telephony/sessions"]}
        socket_.send(json.dumps([request, body]))
        assert json.loads(socket_.recv(timeout=5))[0]["status"] == 200
        started = time.monotonic()
        emulator.proc.send_signal(signal.SIGTERM)
        with pytest.raises(ConnectionClosed) as closed:
            socket_.recv(timeout=2)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
    assert emulator.proc.wait(timeout=2) == 0
    assert time.monotonic() - started <= 2


def test_fault_delays_under_way_end_at_once_and_their_requests_are_answered(emulator: Emulator) -> None:
    """A 30 s latency (before and after the operation) and a dribble with 20 s pauses are in flight:
    SIGTERM ends the delays, each request gets its whole answer and the server exits as fast as
    an idle one; uvicorn never cancels one into its own text/plain 500 with a traceback."""
    control = httpx.Client(base_url=f"http://127.0.0.1:{emulator.port}/__emulator", timeout=5)
    rules = [
        {"effect": "latency", "ms": 30_000},
        {"effect": "latency", "ms": 30_000, "when": "after"},
        {"effect": "dribble", "chunks": 3, "ms": 20_000},
    ]
    for rule in rules:  # each fires once, in order: one per request
        assert control.post("/faults", json={**rule, "operation": "readAccountInfo", "times": 1}).status_code == 201
    request = b"GET /restapi/v1.0/account/~ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r\nConnection: close\r\n\r\n"
    socks = [socket.create_connection(("127.0.0.1", emulator.port), timeout=5) for _ in rules]
    for sock in socks:
        sock.sendall(request)
    assert eventually(lambda: [r["hits"] for r in control.get("/faults").json()["records"]] == [1, 1, 1])
    started = time.monotonic()
    emulator.proc.send_signal(signal.SIGTERM)
    answers = []
    for sock in socks:
        with sock:
            answers.append(_read_response(sock))
    assert emulator.proc.wait(timeout=2) == 0
    assert time.monotonic() - started <= 2
    for status_line, body in answers:
        assert status_line == "HTTP/1.1 200 OK"
        assert json.loads(body)["id"]
    assert "Traceback" not in emulator.log()
