"""The connection-level limits on a real uvicorn server (``EmulatorServer``, port 0) over bare
sockets: idle, header and body timeouts, the request-head cap (431), the connection cap (503) and
unparseable requests (400), each answered in RingCentral's shape."""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response

from emulator.app import create_app
from emulator.connections import ConnectionLimits
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.reliability.raw_http import HEALTH, RawConnection, RawResponse, error_json, post_head

SHORT = 0.3  # seconds: the one limit a test is about
LONG = 30.0  # the others, out of the way
MARGIN = 3.0  # how late a close may come on a loaded machine
EARLY = 0.01  # how early: uvloop's timers run on libuv's clock, cached per loop turn in whole ms
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def limits(**short: float) -> ConnectionLimits:
    timeouts: dict[str, Any] = {"idle_timeout": LONG, "header_timeout": LONG, "body_timeout": LONG}
    return ConnectionLimits(**{**timeouts, **short})


@pytest.fixture
def app() -> FastAPI:
    return create_app(Settings(clock="manual", auth="lenient"))


def serve(app: FastAPI, **short: float) -> EmulatorServer:
    return EmulatorServer(app, limits=limits(**short))


def assert_refusal(response: RawResponse, status: str, code: str, message: str) -> None:
    assert response.status_line == status
    assert response.json() == error_json(code, message)
    assert {name: response.headers[name] for name in ("content-type", "content-language", "connection")} == {
        "content-type": "application/json",
        "content-language": "en",
        "connection": "close",
    }
    assert UUID.match(response.headers["rcrequestid"])
    assert set(response.headers) == {
        "date",
        "content-type",
        "content-length",
        "content-language",
        "rcrequestid",
        "connection",
    }


# --- timeouts ---


def test_a_connection_that_never_sends_a_byte_is_closed_after_idle_timeout(app: FastAPI) -> None:
    with serve(app, idle_timeout=SHORT) as server:
        connecting = time.monotonic()  # before the server can arm the idle timer
        with RawConnection(server.url) as conn:
            conn.closed_within(SHORT + MARGIN)
        assert time.monotonic() - connecting >= SHORT - EARLY


def test_a_keep_alive_connection_is_closed_idle_timeout_after_its_last_response(app: FastAPI) -> None:
    with serve(app, idle_timeout=SHORT) as server, RawConnection(server.url) as conn:
        conn.send(HEALTH)
        assert conn.response().status_line == "HTTP/1.1 200 OK"
        sent = time.monotonic()  # before the server arms the idle timer, after this response
        conn.send(HEALTH)  # the same connection serves on
        assert conn.response().json() == {"status": "ok"}
        conn.closed_within(SHORT + MARGIN)
        assert time.monotonic() - sent >= SHORT - EARLY


def test_a_head_trickled_byte_by_byte_is_cut_at_header_timeout(app: FastAPI) -> None:
    """Slowloris: every byte resets no clock; the head has ``header_timeout`` from its first byte."""
    with serve(app, header_timeout=SHORT) as server, RawConnection(server.url) as conn:
        conn.send(b"GET /__emulator/health HTTP/1.1\r\n")
        took = conn.trickle_until_closed(b"X-Slow: " + b"a" * 10_000, every=0.02, timeout=SHORT + MARGIN)
        assert took < SHORT + MARGIN
        assert conn.buffer == b""  # closed, not answered


def test_a_trickle_of_empty_lines_is_cut_at_header_timeout_too(app: FastAPI) -> None:
    with serve(app, header_timeout=SHORT) as server, RawConnection(server.url) as conn:
        assert conn.trickle_until_closed(b"\r\n" * 10_000, every=0.02, timeout=SHORT + MARGIN) < SHORT + MARGIN


def recording_app() -> tuple[FastAPI, list[dict[str, Any]], threading.Event]:
    """An app whose one route records every message its ``receive`` gets."""
    app = FastAPI()
    messages: list[dict[str, Any]] = []
    done = threading.Event()

    @app.post("/upload")
    async def upload(request: Request) -> Response:
        while True:
            message = dict(await request.receive())
            messages.append(message)
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                break
        done.set()
        return Response(status_code=204)

    return app, messages, done


def test_a_body_trickled_byte_by_byte_is_cut_at_body_timeout_and_the_app_sees_a_disconnect() -> None:
    app, messages, done = recording_app()
    with serve(app, body_timeout=SHORT) as server, RawConnection(server.url) as conn:
        conn.send(post_head(1000, path="/upload") + b"0123456789")
        took = conn.trickle_until_closed(b"x" * 990, every=0.02, timeout=SHORT + MARGIN)
        assert took < SHORT + MARGIN
        assert done.wait(MARGIN)
    assert messages[-1] == {"type": "http.disconnect"}
    assert {m["type"] for m in messages[:-1]} == {"http.request"}
    assert all(m["more_body"] for m in messages[:-1])
    assert b"".join(m["body"] for m in messages[:-1]).startswith(b"0123456789")


def test_a_whole_request_in_time_is_served(app: FastAPI) -> None:
    """The deadlines do not touch a normal request: head and body sent apart, well within them."""
    payload = json.dumps({"to": {"phoneNumber": "13455553434"}}).encode()
    with serve(app, header_timeout=5, body_timeout=5) as server, RawConnection(server.url) as conn:
        head = post_head(len(payload))
        conn.send(head[:20])
        conn.send(head[20:])
        conn.send(payload[:5])
        conn.send(payload[5:])
        assert conn.response().status_line == "HTTP/1.1 200 OK"


# --- the request-head cap ---


def head_of(size: int) -> bytes:
    """A GET of the health route whose request line and headers are exactly ``size`` bytes."""
    bare = b"GET /__emulator/health HTTP/1.1\r\nHost: emulator\r\nX-Pad: \r\n\r\n"
    return bare.replace(b"X-Pad: ", b"X-Pad: " + b"p" * (size - len(bare)))


@pytest.mark.parametrize("pieces", [1, 7, 300], ids=["one send", "7 sends", "300 sends"])
def test_a_head_of_exactly_max_header_bytes_is_served_one_more_byte_is_431(app: FastAPI, pieces: int) -> None:
    with EmulatorServer(app, limits=ConnectionLimits(max_header_bytes=2048)) as server:
        for size, status in ((2048, "HTTP/1.1 200 OK"), (2049, "HTTP/1.1 431 Request Header Fields Too Large")):
            head = head_of(size)
            assert len(head) == size
            with RawConnection(server.url) as conn:
                step = -(-size // pieces)
                for start in range(0, size, step):
                    conn.send(head[start : start + step])
                response = conn.response()
                assert response.status_line == status
                if size == 2049:
                    assert_refusal(response, status, "CMN-431", "Request header fields too large")
                    assert conn.closed_within(MARGIN) < MARGIN


def test_a_huge_header_is_refused_at_the_cap_not_buffered(app: FastAPI) -> None:
    """The 431 arrives while the client is still sending; what it sends after is drained, then EOF."""
    with EmulatorServer(app) as server, RawConnection(server.url) as conn:
        conn.send(b"GET /__emulator/health HTTP/1.1\r\nHost: emulator\r\nX-Big: ")
        conn.send(b"b" * 40_000)  # past the 32 KiB default
        conn.send(b"b" * 200_000)  # still read (and dropped): no reset
        response = conn.response()
        assert_refusal(
            response, "HTTP/1.1 431 Request Header Fields Too Large", "CMN-431", "Request header fields too large"
        )
        assert conn.closed_within(MARGIN) < MARGIN


def test_a_body_in_the_same_send_as_its_head_does_not_count_toward_the_cap(app: FastAPI) -> None:
    payload = json.dumps({"to": {"phoneNumber": "13455553434"}, "pad": "x" * 40_000}).encode()
    with (
        EmulatorServer(app, limits=ConnectionLimits(max_header_bytes=1024)) as server,
        RawConnection(server.url) as conn,
    ):
        conn.send(post_head(len(payload)) + payload)
        assert conn.response().status_line == "HTTP/1.1 200 OK"
        conn.send(HEALTH)  # and the connection serves on
        assert conn.response().status_line == "HTTP/1.1 200 OK"


def test_pipelined_requests_in_one_send_are_each_answered(app: FastAPI) -> None:
    with (
        EmulatorServer(app, limits=ConnectionLimits(max_header_bytes=1024)) as server,
        RawConnection(server.url) as conn,
    ):
        conn.send(HEALTH * 20)
        assert [conn.response().status_line for _ in range(20)] == ["HTTP/1.1 200 OK"] * 20


# --- the connection cap, unparseable requests ---


def test_past_max_connections_a_new_connection_is_503_and_the_others_serve_on(app: FastAPI) -> None:
    with EmulatorServer(app, limits=ConnectionLimits(max_connections=3)) as server:
        held = [RawConnection(server.url) for _ in range(3)]
        try:
            for conn in held:
                conn.send(HEALTH)  # each is accepted and served
                assert conn.response().status_line == "HTTP/1.1 200 OK"
            with RawConnection(server.url) as refused:
                response = refused.response()
                message = (
                    "Service Temporary Unavailable: the emulator holds 3 open connections (MAX_CONNECTIONS); "
                    "close idle ones and retry"
                )
                assert_refusal(response, "HTTP/1.1 503 Service Unavailable", "CMN-211", message)
                assert refused.closed_within(MARGIN) < MARGIN
            held[0].send(HEALTH)
            assert held[0].response().status_line == "HTTP/1.1 200 OK"
        finally:
            for conn in held:
                conn.sock.close()


def test_an_unparseable_request_is_400_cmn_104_not_plain_text(app: FastAPI) -> None:
    with EmulatorServer(app) as server, RawConnection(server.url) as conn:
        conn.send(b"GET / HTTP/1.1\r\nBad Header\r\n\r\n")
        response = conn.response()
        message = "Cannot parse request. Invalid HTTP request received."
        assert_refusal(response, "HTTP/1.1 400 Bad Request", "CMN-104", message)
        assert conn.closed_within(MARGIN) < MARGIN
