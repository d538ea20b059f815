"""Slow clients against a served ``python -m emulator``: with short timeouts (idle 1 s, head 1 s,
body 2 s) a silent socket, a head and a body dripping one byte per 100 ms are each closed within
their timeout + 2 s; with the default timeouts, 1,000 idle sockets do not starve real requests.

Whatever the server writes before closing (a 408, say) is RingCentral's JSON, never text/plain.
The 100 ms between bytes is the attack's pace, not a wait on the emulator's clock."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.reliability.attack import (
    AUTH,
    Emulator,
    assert_error,
    client_for,
    error_code,
    exchange,
    request_head,
    served,
)

IDLE, HEADER, BODY = 1, 1, 2  # seconds, as the short-timeout server is started
GRACE = 2.0
DRIP = 0.1
IDLE_SOCKETS = 1_000
CROWD = 5  # max_connections of the crowded server

quick = served(
    "--clock",
    "manual",
    "--auth",
    "lenient",
    "--idle-timeout",
    str(IDLE),
    "--header-timeout",
    str(HEADER),
    "--body-timeout",
    str(BODY),
    name="quick",
)
emulator = served("--clock", "manual", "--auth", "lenient")
crowded = served("--clock", "manual", "--auth", "lenient", "--max-connections", str(CROWD), name="crowded")


def seconds_until_closed(sock: socket.socket, limit: float, drip: bool) -> tuple[float | None, bytes]:
    """How long until the server closes ``sock`` (None: still open after ``limit`` seconds),
    sending one byte every ``DRIP`` seconds if ``drip``; and what the server wrote meanwhile."""
    started = time.monotonic()
    received = b""
    while (left := started + limit - time.monotonic()) > 0:
        if select.select([sock], [], [], min(DRIP, left))[0]:
            try:
                data = sock.recv(65536)
            except ConnectionError:
                data = b""
            if not data:
                return time.monotonic() - started, received
            received += data
        elif drip:
            try:
                sock.send(b"a")
            except ConnectionError:
                return time.monotonic() - started, received
    return None, received


def assert_closed_within(port: int, first: bytes, timeout: float, *, drip: bool) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(first)
        elapsed, received = seconds_until_closed(sock, timeout + GRACE, drip)
    assert elapsed is not None, f"still open after {timeout + GRACE} s"
    if received:
        head = received.partition(b"\r\n\r\n")[0].lower()
        assert head.startswith(b"http/1.1 408"), received[:300]
        assert b"content-type: application/json" in head, received[:300]


def test_a_socket_that_never_sends_is_closed_after_the_idle_timeout(quick: Emulator) -> None:
    assert_closed_within(quick.port, b"", IDLE, drip=False)


def test_a_head_dripping_a_byte_per_100_ms_is_closed_after_the_header_timeout(quick: Emulator) -> None:
    start = b"GET /__emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
    assert_closed_within(quick.port, start, HEADER, drip=True)


def test_a_body_dripping_a_byte_per_100_ms_is_closed_after_the_body_timeout(quick: Emulator) -> None:
    head = request_head("POST", RINGOUT, {**AUTH, "Content-Type": "application/json", "Content-Length": "1000"})
    assert_closed_within(quick.port, head + b'{"to": ', BODY, drip=True)


def test_a_quick_request_is_served_by_the_short_timeout_server(quick: Emulator) -> None:
    with client_for(quick) as http:
        assert http.post(RINGOUT, json=SEED_SAMPLE).status_code == 200


@contextmanager
def idle(server: Emulator, count: int) -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    try:
        for _ in range(count):
            opened.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        yield opened
    finally:
        for sock in opened:
            sock.close()


@pytest.fixture
def idle_sockets(emulator: Emulator) -> Iterator[list[socket.socket]]:
    with idle(emulator, IDLE_SOCKETS) as opened:
        yield opened


def test_1000_idle_sockets_do_not_starve_real_requests(emulator: Emulator, idle_sockets: list[socket.socket]) -> None:
    """Default timeouts (idle 5 s): the idle sockets stay open while 20 requests are served."""
    with client_for(emulator) as http:
        for _ in range(10):
            created = http.post(RINGOUT, json=SEED_SAMPLE)
            assert created.status_code == 200, created.text
            read = http.get(f"{RINGOUT}/{created.json()['id']}")
            assert read.status_code == 200, read.text
    still_open = [sock for sock in idle_sockets if not select.select([sock], [], [], 0)[0]]
    assert len(still_open) == IDLE_SOCKETS  # none was closed (or answered) under the test's feet


def test_past_max_connections_a_client_is_never_answered_in_text(crowded: Emulator) -> None:
    """What the server does with one connection too many is its choice (refuse, close, queue,
    serve); an answer it writes is RingCentral's JSON, never a framework's text/plain 503."""
    with idle(crowded, CROWD):
        response = exchange(crowded.port, request_head("GET", "/__emulator/health"), timeout=10)
    if response is not None and response.status_code != 200:
        assert_error(response, response.status_code, error_code(response) or "?")
