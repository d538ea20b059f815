"""GET follows the scenario (manual and poll clocks); DELETE cancels before connect; retention."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from emulator.api.ringout import NOT_CANCELLED_NOTE
from emulator.core.clock import ManualClock
from tests.api.helpers import BASE, IN_PROGRESS, SPELLINGS, expect_not_found, expect_ringout, status
from tests.conftest import SEED_SAMPLE

MakeClient = Callable[..., TestClient]
CALLER_UP = status("InProgress", "Success", "InProgress")
TALKING = status("Success", "Success", "Success")
HUNG_UP = status("Success", "Finished", "Finished")
CANCELLED_RINGING = status("CannotReach", "Rejected", "Rejected")
CANCELLED_CALLER_UP = status("CannotReach", "Finished", "Rejected")


def create(client: TestClient, spelling: str = "ring-out", scenario: str | None = None) -> str:
    headers = {"X-Emulator-Scenario": scenario} if scenario else {}
    response = client.post(f"{BASE}/{spelling}", json=SEED_SAMPLE, headers=headers)
    assert response.status_code == 200, response.text
    call_id: str = response.json()["id"]
    return call_id


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_get_follows_the_scenario_as_the_manual_clock_moves(
    client: TestClient, manual_clock: ManualClock, spelling: str
) -> None:
    call_id = create(client, spelling)
    url = f"{BASE}/{spelling}/{call_id}"
    timeline = [(0, IN_PROGRESS), (3.9, IN_PROGRESS), (4, CALLER_UP), (8.9, CALLER_UP), (9, TALKING), (38.9, TALKING)]
    timeline += [(39, HUNG_UP), (98.9, HUNG_UP)]
    start = manual_clock.now()
    for offset, expected in timeline:
        manual_clock.move_to(start + offset)
        for _ in range(2):  # reading twice changes nothing
            response = client.get(url)
            expect_ringout(response, call_id, expected, spelling)
            assert response.headers["x-emulator-scenario"] == "success"
            assert response.headers["x-emulator-scenario-source"] == "default"
    manual_clock.move_to(start + 99)  # ended at 39 + 60 s retention
    expect_not_found(client.get(url))
    expect_not_found(client.delete(url))


def test_poll_mode_each_get_advances_one_step(make_client: MakeClient) -> None:
    client = make_client(clock="poll")
    call_id = create(client)
    url = f"{BASE}/ring-out/{call_id}"
    for expected in (CALLER_UP, TALKING, HUNG_UP, HUNG_UP, HUNG_UP):
        expect_ringout(client.get(url), call_id, expected)


def test_poll_mode_busy(make_client: MakeClient) -> None:
    client = make_client(clock="poll")
    call_id = create(client, scenario="busy")
    url = f"{BASE}/ring-out/{call_id}"
    expected = [CALLER_UP, status("CannotReach", "Success", "Busy"), status("CannotReach", "Success", "Busy")]
    for want in expected:
        expect_ringout(client.get(url), call_id, want)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_delete_while_ringing_cancels(client: TestClient, manual_clock: ManualClock, spelling: str) -> None:
    call_id = create(client, spelling)
    url = f"{BASE}/{spelling}/{call_id}"
    response = client.delete(url)
    assert (response.status_code, response.content) == (204, b"")
    assert "x-emulator-note" not in response.headers
    manual_clock.shift(20)
    expect_ringout(client.get(url), call_id, CANCELLED_RINGING, spelling)


def test_delete_with_a_json_body_as_an_sdk_sends_it(client: TestClient, manual_clock: ManualClock) -> None:
    call_id = create(client)
    manual_clock.shift(5)
    url = f"{BASE}/ring-out/{call_id}"
    response = client.request("DELETE", url, content=b"{}", headers={"Content-Type": "application/json"})
    assert (response.status_code, response.content) == (204, b"")
    assert "x-emulator-note" not in response.headers
    expect_ringout(client.get(url), call_id, CANCELLED_CALLER_UP)


def test_delete_twice(client: TestClient) -> None:
    call_id = create(client)
    url = f"{BASE}/ring-out/{call_id}"
    assert client.delete(url).status_code == 204
    second = client.delete(url)
    assert (second.status_code, second.content) == (204, b"")
    assert second.headers["x-emulator-note"] == NOT_CANCELLED_NOTE


def test_delete_after_the_callee_answered_lets_the_call_go_on(client: TestClient, manual_clock: ManualClock) -> None:
    call_id = create(client)
    url = f"{BASE}/ring-out/{call_id}"
    manual_clock.shift(10)
    response = client.delete(url)
    assert (response.status_code, response.content) == (204, b"")
    assert response.headers["x-emulator-note"] == (
        "callee already answered or call ended: DELETE does not stop a connected RingOut"
    )
    expect_ringout(client.get(url), call_id, TALKING)
    manual_clock.shift(29)
    expect_ringout(client.get(url), call_id, HUNG_UP)


def test_a_cancelled_call_is_kept_for_the_retention_time(make_client: MakeClient, manual_clock: ManualClock) -> None:
    client = make_client(clock="manual", retention_seconds=10)
    call_id = create(client)
    url = f"{BASE}/ring-out/{call_id}"
    manual_clock.shift(1)
    assert client.delete(url).status_code == 204
    manual_clock.shift(9.999)
    expect_ringout(client.get(url), call_id, CANCELLED_RINGING)
    manual_clock.shift(0.001)
    expect_not_found(client.get(url))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_unknown_ids(client: TestClient, spelling: str) -> None:
    create(client, spelling)
    for call_id in ("nope", "123", "Y3MxNzE4NDI4NDkyODg0NDM5MDJAMTAuNjIuMjkuMzM", "%20"):
        expect_not_found(client.get(f"{BASE}/{spelling}/{call_id}"))
        expect_not_found(client.delete(f"{BASE}/{spelling}/{call_id}"))


def test_a_call_is_not_visible_to_another_extension(client: TestClient) -> None:
    call_id = create(client)
    other = "/restapi/v1.0/account/~/extension/400131560010/ring-out"
    expect_not_found(client.get(f"{other}/{call_id}"))
    expect_not_found(client.delete(f"{other}/{call_id}"))


class FakeWall:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_real_clock_with_a_speed_factor(make_client: MakeClient, monkeypatch: pytest.MonkeyPatch) -> None:
    wall = FakeWall(1_000.0)
    monkeypatch.setattr("emulator.core.clock.time.time", wall)
    client = make_client(clock="real", speed=10)
    call_id = create(client)
    url = f"{BASE}/ring-out/{call_id}"
    for elapsed, expected in [
        (0.39, IN_PROGRESS),
        (0.41, CALLER_UP),
        (0.89, CALLER_UP),
        (0.91, TALKING),
        (3.91, HUNG_UP),
    ]:
        wall.now = 1_000.0 + elapsed
        expect_ringout(client.get(url), call_id, expected)
    wall.now = 1_000.0 + 3.9 + 5.99  # 60 s of retention at 10x
    expect_ringout(client.get(url), call_id, HUNG_UP)
    wall.now = 1_000.0 + 3.9 + 6.01
    expect_not_found(client.get(url))
