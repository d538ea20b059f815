"""Every fault effect on a real server (port 0), seen by a raw socket, by httpx and by the official
Python SDK; a retrying app that recovers from a lost create without a duplicate call; a latency
fault on one route leaves the others fast."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import requests
from ringcentral import SDK
from ringcentral.http.api_exception import ApiException

from emulator.app import create_app
from emulator.core.clock import ManualClock
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.eventually import eventually

FAULTS = "/__emulator/faults"
CALLS = "/__emulator/calls"
EXTENSION = "/restapi/v1.0/account/~/extension/~"
BODY = json.dumps(SEED_SAMPLE).encode()


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    settings = Settings(clock="manual", auth="lenient", rate_limits="off")
    with EmulatorServer(create_app(settings, clock=ManualClock(1_767_225_600.0)), port=0) as running:
        yield running


@pytest.fixture
def http(server: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer t"}, timeout=5) as client:
        assert client.post("/__emulator/reset", json={}).status_code == 200
        yield client


def raw(server: EmulatorServer, fault: str) -> tuple[list[tuple[float, bytes]], BaseException | None]:
    """POST a RingOut with ``X-Emulator-Fault: fault`` over a bare socket: every chunk read with
    when it came (seconds after the request), until the server closes, the response is whole, or
    an error."""
    port = int(server.url.rsplit(":", 1)[1])
    head = (
        f"POST {RINGOUT} HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\n"
        f"X-Emulator-Fault: {fault}\r\nContent-Length: {len(BODY)}\r\n\r\n"
    )
    chunks: list[tuple[float, bytes]] = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head.encode() + BODY)
        started = time.perf_counter()
        try:
            while not whole(b"".join(c for _, c in chunks)):
                chunk = sock.recv(65536)
                chunks.append((time.perf_counter() - started, chunk))
                if not chunk:
                    break
        except OSError as problem:
            return chunks, problem
    return chunks, None


def whole(data: bytes) -> bool:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    return len(body) >= length


def declared_and_sent(data: bytes) -> tuple[int, int]:
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    return length, len(body)


def test_raw_reset_is_an_rst_before_any_byte(server: EmulatorServer) -> None:
    chunks, problem = raw(server, "reset")
    assert (chunks, type(problem)) == ([], ConnectionResetError)


def test_raw_empty_is_a_close_without_a_byte(server: EmulatorServer) -> None:
    chunks, problem = raw(server, "empty")
    assert ([c for _, c in chunks], problem) == ([b""], None)


def test_raw_truncate_sends_the_head_and_part_of_the_body_then_closes(server: EmulatorServer) -> None:
    chunks, problem = raw(server, "truncate;keepBytes=10")
    data = b"".join(c for _, c in chunks)
    assert (data.startswith(b"HTTP/1.1 200 OK\r\n"), chunks[-1][1], problem) == (True, b"", None)
    declared, sent = declared_and_sent(data)
    assert sent == 10 < declared


def test_raw_dribble_sends_the_body_in_chunks_apart(server: EmulatorServer) -> None:
    chunks, problem = raw(server, "dribble;chunks=3;ms=150")
    data = b"".join(c for _, c in chunks)
    assert problem is None and whole(data) and json.loads(data.partition(b"\r\n\r\n")[2])["status"]
    assert len(chunks) >= 3
    assert chunks[-1][0] - chunks[0][0] >= 0.29  # two pauses of 150 ms


def test_raw_latency_delays_the_whole_answer(server: EmulatorServer) -> None:
    chunks, problem = raw(server, "latency;ms=300")
    assert problem is None and chunks[0][0] >= 0.29


@pytest.mark.parametrize(("fault", "status"), [("error;status=503", b"503"), ("throttle", b"429")])
def test_raw_status_faults(server: EmulatorServer, fault: str, status: bytes) -> None:
    chunks, problem = raw(server, fault)
    data = b"".join(c for _, c in chunks)
    assert (data.split(b" ")[1], problem) == (status, None)
    assert b"\r\nretry-after: " in data.lower()


def test_httpx_sees_each_effect_as_its_own_error(http: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        http.get(EXTENSION, headers={"X-Emulator-Fault": "latency;ms=2000"}, timeout=0.2)
    with pytest.raises(httpx.ReadError, match="Connection reset by peer"):
        http.get(EXTENSION, headers={"X-Emulator-Fault": "reset"})
    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        http.get(EXTENSION, headers={"X-Emulator-Fault": "empty"})
    with pytest.raises(httpx.RemoteProtocolError, match="peer closed connection without sending complete message"):
        http.get(EXTENSION, headers={"X-Emulator-Fault": "truncate"})
    throttled = http.get(EXTENSION, headers={"X-Emulator-Fault": "throttle;retryAfter=3"})
    assert (throttled.status_code, throttled.headers["retry-after"]) == (429, "3")
    dribbled = http.get(EXTENSION, headers={"X-Emulator-Fault": "dribble;chunks=5;ms=10"})
    assert (dribbled.status_code, dribbled.json()["id"]) == (200, 400131560009)


def test_the_python_sdk_surfaces_each_effect(server: EmulatorServer, http: httpx.Client) -> None:
    platform = SDK("emulator-client-id", "emulator-client-secret", server.url).platform()
    platform.login(jwt="emulator-jwt")
    causes = {}
    for fault in ("reset", "empty", "truncate", "throttle;retryAfter=2", "error;status=503"):
        with pytest.raises(ApiException) as raised:
            platform.get(EXTENSION, headers={"X-Emulator-Fault": fault})
        causes[fault] = type(raised.value.__context__)
    assert causes == {
        "reset": requests.exceptions.ConnectionError,
        "empty": requests.exceptions.ConnectionError,
        "truncate": requests.exceptions.ChunkedEncodingError,
        "throttle;retryAfter=2": requests.exceptions.HTTPError,
        "error;status=503": requests.exceptions.HTTPError,
    }
    with pytest.raises(ApiException) as raised:
        platform.get(EXTENSION, headers={"X-Emulator-Fault": "throttle;retryAfter=2"})
    response = raised.value.api_response().response()
    assert (response.status_code, response.headers["Retry-After"], response.json()["errorCode"]) == (
        429,
        "2",
        "CMN-301",
    )


def dial_with_retries(client: httpx.Client, attempts: int = 3) -> str:
    """A dialer that retries a create whose answer was lost, checking first whether the call
    exists (here by the emulator's call list; a real app would use its call log)."""
    for _ in range(attempts):
        existing = [c for c in client.get(CALLS).json()["records"] if c["to"] == "+13455553434"]
        if existing:
            return str(existing[0]["id"])
        try:
            created = client.post(RINGOUT, json=SEED_SAMPLE)
        except httpx.TransportError:
            continue
        if created.status_code == 200:
            return str(created.json()["id"])
    raise AssertionError("no call")


def test_a_retrying_app_recovers_from_a_lost_create_without_a_duplicate(http: httpx.Client) -> None:
    rule = {"effect": "reset", "when": "after", "operation": "createRingOutCall", "times": 1}
    assert http.post(FAULTS, json=rule).status_code == 201
    call_id = dial_with_retries(http)
    records = http.get(CALLS).json()["records"]
    assert [r["id"] for r in records] == [call_id]
    assert http.get(FAULTS).json()["records"][0]["hits"] == 1
    journal = http.get("/__emulator/requests", params={"pathPrefix": "/restapi/"}).json()["records"]
    assert [(e["status"], e.get("fault")) for e in journal] == [
        (0, {"rule": "1", "effect": "reset", "when": "after"})  # created, but no status reached the client
    ]  # the retry found the call in the list: no second create


def test_a_slow_route_does_not_slow_the_others(server: EmulatorServer, http: httpx.Client) -> None:
    assert (
        http.post(FAULTS, json={"effect": "latency", "ms": 1000, "operation": "createRingOutCall"}).status_code == 201
    )
    slow = threading.Thread(target=lambda: http.post(RINGOUT, json=SEED_SAMPLE))
    slow.start()
    try:
        with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer t"}, timeout=5) as other:
            started = time.perf_counter()
            for _ in range(10):
                assert other.get(EXTENSION).status_code == 200
            assert time.perf_counter() - started < 0.8
            assert slow.is_alive()  # still waiting on its second
    finally:
        slow.join()


def test_a_delayed_request_whose_client_left_ends_at_once(http: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        http.get(EXTENSION, headers={"X-Emulator-Fault": "latency;ms=5000"}, timeout=0.2)
    # the server sees the close, then the journal entry ends
    assert eventually(lambda: http.get("/__emulator/requests").json()["records"][0]["durationMs"] > 0, 3)
    [entry] = http.get("/__emulator/requests").json()["records"]
    assert (entry["status"], entry["fault"]["effect"]) == (0, "latency")  # no answer: nobody to take it
    assert 150 < entry["durationMs"] < 3000  # not the 5 s asked for
