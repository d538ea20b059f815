"""The clock: read, advance, set, switch mode at run time (continuously), 409s in real mode."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.control_helpers import error, ringout
from tests.conftest import RINGOUT

T0 = 1767225600.0  # 2026-01-01T00:00:00Z, the default manual start
REAL_CONFLICT = "Cannot {} a real clock: switch the clock to manual or poll mode first"


def test_read_the_manual_clock(client: TestClient) -> None:
    response = client.get("/__emulator/clock")
    expected = {"mode": "manual", "now": "2026-01-01T00:00:00.000Z", "epochSeconds": T0, "speed": 1.0}
    assert (response.status_code, response.json()) == (200, expected)


def test_advance_moves_calls_on(client: TestClient) -> None:
    call_id = ringout(client).json()["id"]
    response = client.post("/__emulator/clock/advance", json={"seconds": 9.5})
    expected = {
        "mode": "manual",
        "now": "2026-01-01T00:00:09.500Z",
        "epochSeconds": T0 + 9.5,
        "speed": 1.0,
        "delivered": 0,
    }
    assert (response.status_code, response.json()) == (200, expected)
    status = client.get(f"{RINGOUT}/{call_id}").json()["status"]
    assert status == {"callStatus": "Success", "callerStatus": "Success", "calleeStatus": "Success"}


def test_advance_needs_non_negative_seconds(client: TestClient) -> None:
    response = client.post("/__emulator/clock/advance", json={"seconds": -1})
    assert (response.status_code, response.json()) == (
        400,
        error("CMN-101", "Parameter [seconds] value is invalid.", parameterName="seconds"),
    )
    missing = client.post("/__emulator/clock/advance")
    assert missing.json() == error("CMN-101", "Parameter [seconds] value is invalid.", parameterName="seconds")


def test_set_the_time(client: TestClient) -> None:
    response = client.put("/__emulator/clock", json={"now": "2026-01-01T01:00:00Z"})
    assert (response.status_code, response.json()["now"]) == (200, "2026-01-01T01:00:00.000Z")
    naive = client.put("/__emulator/clock", json={"now": "2026-01-01T02:00:00"})
    assert naive.json()["epochSeconds"] == T0 + 7200


def test_setting_the_time_backwards_is_400(client: TestClient) -> None:
    client.post("/__emulator/clock/advance", json={"seconds": 60})
    response = client.put("/__emulator/clock", json={"now": "2026-01-01T00:00:30Z"})
    message = "Parameter [now] value is invalid. A manual clock never moves backwards."
    assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName="now"))


def test_real_clock_refuses_advance_and_set_with_409(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="real")
    advance = client.post("/__emulator/clock/advance", json={"seconds": 1})
    assert (advance.status_code, advance.json()) == (409, error("EMU-409", REAL_CONFLICT.format("advance")))
    put = client.put("/__emulator/clock", json={"now": "2030-01-01T00:00:00Z"})
    assert (put.status_code, put.json()) == (409, error("EMU-409", REAL_CONFLICT.format("set")))


def test_switching_to_real_with_a_time_is_409_and_changes_nothing(client: TestClient) -> None:
    response = client.put("/__emulator/clock", json={"mode": "real", "now": "2026-02-01T00:00:00Z"})
    assert (response.status_code, response.json()) == (409, error("EMU-409", REAL_CONFLICT.format("set")))
    assert client.get("/__emulator/clock").json()["mode"] == "manual"


def test_switching_modes_keeps_time_continuous(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="real")
    before = time.time()
    manual = client.put("/__emulator/clock", json={"mode": "manual"}).json()
    after = time.time()
    assert manual["mode"] == "manual"
    assert before <= manual["epochSeconds"] <= after  # the manual clock starts at the real clock's now
    frozen = client.get("/__emulator/clock").json()["epochSeconds"]
    assert frozen == manual["epochSeconds"]
    client.post("/__emulator/clock/advance", json={"seconds": 3600})
    real = client.put("/__emulator/clock", json={"mode": "real", "speed": 2}).json()
    assert (real["mode"], real["speed"]) == ("real", 2.0)
    assert frozen + 3600 <= real["epochSeconds"] < frozen + 3600 + 5  # continues from the manual time


def test_calls_keep_the_mode_they_were_made_in(client: TestClient) -> None:
    client.put("/__emulator/clock", json={"mode": "poll"})
    poll_call = ringout(client).json()["id"]
    client.put("/__emulator/clock", json={"mode": "manual"})
    manual_call = ringout(client).json()["id"]
    assert client.get(f"/__emulator/calls/{poll_call}").json()["clockMode"] == "poll"
    assert client.get(f"/__emulator/calls/{manual_call}").json()["clockMode"] == "manual"
    polled = client.get(f"{RINGOUT}/{poll_call}").json()["status"]  # one read = one step
    assert polled == {"callStatus": "InProgress", "callerStatus": "Success", "calleeStatus": "InProgress"}
    read = client.get(f"{RINGOUT}/{manual_call}").json()["status"]  # time did not move
    assert read == {"callStatus": "InProgress", "callerStatus": "InProgress", "calleeStatus": "InProgress"}


def test_reset_clock_restores_mode_and_start(client: TestClient) -> None:
    client.put("/__emulator/clock", json={"mode": "real"})
    client.post("/__emulator/reset", json={"scopes": ["clock"]})
    expected = {"mode": "manual", "now": "2026-01-01T00:00:00.000Z", "epochSeconds": T0, "speed": 1.0}
    assert client.get("/__emulator/clock").json() == expected
