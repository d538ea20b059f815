"""Webhooks over real sockets: the emulator and a recording receiver both on 127.0.0.1 port 0.
Handshake failures (no echo, slow, oversized, 500, refused), a RingOut from create to its
Disconnected events through clock advances, expiry and blacklisting."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from emulator.app import create_app
from emulator.core.sessions import telephony_session_id
from emulator.receiver import WebhookReceiver, as_app
from emulator.server import EmulatorServer
from emulator.settings import Settings

PATH = "/restapi/v1.0/subscription"
RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
TELEPHONY = "/restapi/v1.0/account/~/extension/~/telephony/sessions"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    settings = Settings(clock="manual", auth="lenient", handshake_timeout=0.3, webhook_timeout=0.3)
    with EmulatorServer(create_app(settings)) as running:
        yield running


@pytest.fixture(scope="module")
def hook() -> Iterator[tuple[WebhookReceiver, str]]:
    receiver = WebhookReceiver()
    app: FastAPI = as_app(receiver)
    with EmulatorServer(app) as running:
        yield receiver, f"{running.url}/hook"


@pytest.fixture
def http(emulator: EmulatorServer, hook: tuple[WebhookReceiver, str]) -> Iterator[httpx.Client]:
    receiver, _ = hook
    receiver.status, receiver.echo, receiver.delay, receiver.padding = 200, True, 0.0, 0
    receiver.clear()
    with httpx.Client(base_url=emulator.url, headers={"Authorization": "Bearer any"}) as client:
        assert client.post("/__emulator/reset").status_code == 200
        yield client


def webhook(address: str, **extra: Any) -> dict[str, Any]:
    return {"eventFilters": [TELEPHONY], "deliveryMode": {"transportType": "WebHook", "address": address}, **extra}


def sub_error(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["errorCode"]


@pytest.mark.parametrize(
    ("misbehave", "code"),
    [
        ({"echo": False}, "SUB-520"),
        ({"delay": 1.0}, "SUB-521"),
        ({"padding": 2000}, "SUB-525"),
        ({"status": 500}, "SUB-525"),
    ],
)
def test_handshake_failures(
    http: httpx.Client, hook: tuple[WebhookReceiver, str], misbehave: dict[str, Any], code: str
) -> None:
    receiver, address = hook
    for name, value in misbehave.items():
        setattr(receiver, name, value)
    assert sub_error(http.post(PATH, json=webhook(address))) == (400, code)
    assert http.get(PATH).json()["records"] == []
    [attempt] = http.get("/__emulator/deliveries").json()["records"]
    assert (attempt["kind"], attempt["ok"]) == ("handshake", False)


def test_a_refused_connection_is_sub_521(http: httpx.Client) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert sub_error(http.post(PATH, json=webhook(f"http://127.0.0.1:{port}/hook"))) == (400, "SUB-521")
    [attempt] = http.get("/__emulator/deliveries").json()["records"]
    assert attempt["statusCode"] is None
    assert attempt["error"].startswith("I/O operation is failed.")


def test_a_ringout_from_create_to_disconnected(http: httpx.Client, hook: tuple[WebhookReceiver, str]) -> None:
    receiver, address = hook
    created = http.post(
        PATH,
        json=webhook(
            address, deliveryMode={"transportType": "WebHook", "address": address, "verificationToken": "tok"}
        ),
    )
    assert created.status_code == 200, created.text
    call_id = http.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}).json()["id"]
    session = telephony_session_id(call_id)
    assert [s[2] for s in receiver.statuses(session)] == ["Proceeding"]
    advanced = http.post("/__emulator/clock/advance", json={"seconds": 10}).json()
    assert advanced["delivered"] == 3
    assert not receiver.disconnected(session)
    assert http.post("/__emulator/clock/advance", json={"seconds": 30}).json()["delivered"] == 2
    assert receiver.disconnected(session)
    assert [(s[0], s[1], s[2]) for s in receiver.statuses(session)] == [
        (1, "1", "Proceeding"), (2, "1", "Answered"), (3, "2", "Proceeding"), (4, "2", "Answered"),
        (5, "1", "Disconnected"), (6, "2", "Disconnected"),
    ]  # fmt: skip
    assert {n.headers["verification-token"] for n in receiver.notifications} == {"tok"}


def test_expiry_stops_deliveries(http: httpx.Client, hook: tuple[WebhookReceiver, str]) -> None:
    receiver, address = hook
    subscription = http.post(PATH, json=webhook(address, expiresIn=3)).json()
    http.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}})
    assert http.post("/__emulator/clock/advance", json={"seconds": 60}).json()["delivered"] == 0
    assert len(receiver.notifications) == 1
    assert sub_error(http.get(f"{PATH}/{subscription['id']}")) == (404, "SUB-507")


def test_a_receiver_that_times_out_is_blacklisted(http: httpx.Client, hook: tuple[WebhookReceiver, str]) -> None:
    receiver, address = hook
    subscription = http.post(PATH, json=webhook(address)).json()
    receiver.delay = 1.0  # over the 0.3 s delivery timeout
    http.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}})  # fails at t=0
    http.post("/__emulator/clock/advance", json={"seconds": 600})  # fails again 4 s on; then 600 s
    found = http.get(f"{PATH}/{subscription['id']}").json()
    assert found["status"] == "Blacklisted"
    assert found["blacklistedData"]["reason"] == "I/O operation is failed. Details: [Read timed out]"
    log = http.get("/__emulator/deliveries", params={"subscriptionId": subscription["id"]}).json()["records"]
    assert [r["ok"] for r in log] == [False] * len(log)


@pytest.fixture
def dripping() -> Iterator[tuple[str, dict[str, bool]]]:
    """A receiver that answers the handshake properly (unless ``drip["handshake"]``), then answers
    each notification with ``200`` and one header line every 0.1 s for 10 s: each read is quick,
    the whole answer is not (or, with ``drip["endless_body"]``, ``200`` and a body without end)."""
    drip = {"handshake": False, "endless_body": False}
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)

    def answer(conn: socket.socket) -> None:
        with conn:
            head = conn.recv(65536).decode("latin-1")
            token = [
                line.split(":", 1)[1].strip()
                for line in head.split("\r\n")
                if line.lower().startswith("validation-token:")
            ]
            try:
                if drip["endless_body"] and not token:  # 200 at once, then a chunked body that never ends
                    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    while not stop.is_set():
                        conn.sendall(b"10000\r\n" + b"x" * 0x10000 + b"\r\n")
                    return
                if token and not drip["handshake"]:
                    conn.sendall(
                        f"HTTP/1.1 200 OK\r\nValidation-Token: {token[0]}\r\nContent-Length: 0\r\n\r\n".encode()
                    )
                    return
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                for _ in range(100):
                    if stop.wait(0.1):
                        return
                    conn.sendall(b"X-Drip: 1\r\n")
            except OSError:
                return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook", drip
    stop.set()
    server.join()
    listener.close()


def test_a_dripping_handshake_is_cut_at_the_timeout(http: httpx.Client, dripping: tuple[str, dict[str, bool]]) -> None:
    address, drip = dripping
    drip["handshake"] = True
    started = time.monotonic()
    assert sub_error(http.post(PATH, json=webhook(address), timeout=10)) == (400, "SUB-521")
    assert time.monotonic() - started < 2  # the 0.3 s handshake timeout bounds the whole answer
    [attempt] = http.get("/__emulator/deliveries").json()["records"]
    assert (attempt["kind"], attempt["error"]) == ("handshake", "I/O operation is failed. Details: [Read timed out]")
    assert http.get(PATH).json()["records"] == []


def test_a_dripping_delivery_is_cut_at_the_timeout(http: httpx.Client, dripping: tuple[str, dict[str, bool]]) -> None:
    """httpx's timeout is per read: the delivery timeout must bound the whole answer, or one
    slow receiver holds every clock advance (and the RingOut create) open."""
    subscription = http.post(PATH, json=webhook(dripping[0])).json()
    started = time.monotonic()
    assert http.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}, timeout=10).status_code == 200
    assert http.post("/__emulator/clock/advance", json={"seconds": 10}, timeout=10).json()["delivered"] == 3
    assert time.monotonic() - started < 4  # 4 deliveries, each cut at the 0.3 s timeout (not 10 s)
    log = http.get("/__emulator/deliveries", params={"subscriptionId": subscription["id"]}).json()["records"]
    assert [(r["kind"], r["ok"], r["error"]) for r in log] == [
        ("notification", False, "I/O operation is failed. Details: [Read timed out]")
    ] * 4


def test_a_delivery_answer_is_its_status_not_its_body(
    http: httpx.Client, dripping: tuple[str, dict[str, bool]]
) -> None:
    """A receiver that answers 200 and then streams a body without end: the delivery is a success
    at the status line. (The whole body used to be read into memory until the timeout cut it, and
    the delivery was logged as failed.)"""
    address, drip = dripping
    drip["endless_body"] = True
    subscription = http.post(PATH, json=webhook(address)).json()
    assert http.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}, timeout=10).status_code == 200
    log = http.get("/__emulator/deliveries", params={"subscriptionId": subscription["id"]}).json()["records"]
    assert [(r["kind"], r["ok"], r["statusCode"], r["error"]) for r in log] == [("notification", True, 200, None)]


def test_an_emulator_server_on_the_real_clock_delivers_every_event_without_requests(
    hook: tuple[WebhookReceiver, str],
) -> None:
    """``EmulatorServer`` runs the app's lifespan, where the real-clock delivery task lives: a call's
    later events arrive as its clock reaches them, with no request to push them (it served with the
    lifespan off, so only the create's first event ever came)."""
    receiver, address = hook
    receiver.status, receiver.echo, receiver.delay, receiver.padding = 200, True, 0.0, 0
    receiver.clear()
    with (
        EmulatorServer(create_app(Settings(clock="real", speed=1000, auth="lenient"))) as running,
        httpx.Client(base_url=running.url, headers={"Authorization": "Bearer any"}) as client,
    ):
        assert client.post(PATH, json=webhook(address)).status_code == 200
        session = telephony_session_id(client.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}}).json()["id"])
        assert receiver.wait_until(lambda r: r.disconnected(session), timeout=3)  # the 39 s call lasts 39 ms
        assert [status[2] for status in receiver.statuses(session)] == [
            "Proceeding", "Answered", "Proceeding", "Answered", "Disconnected", "Disconnected",
        ]  # fmt: skip
