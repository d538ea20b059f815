"""``/__emulator/calls``: list and filter, one call with its timeline, forcing legs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from emulator.core.statuses import CallingStatus
from tests.api.control_helpers import CALLER, START, error, ringout
from tests.conftest import RINGOUT

RINGING = {"callStatus": "InProgress", "callerStatus": "InProgress", "calleeStatus": "InProgress"}
CALLER_UP = {"callStatus": "InProgress", "callerStatus": "Success", "calleeStatus": "InProgress"}
TALKING = {"callStatus": "Success", "callerStatus": "Success", "calleeStatus": "Success"}
BUSY = {"callStatus": "CannotReach", "callerStatus": "Success", "calleeStatus": "Busy"}


def at(seconds: float) -> str:
    return f"2026-01-01T00:00:{seconds:06.3f}Z"


def advance(client: TestClient, seconds: float) -> None:
    client.post("/__emulator/clock/advance", json={"seconds": seconds})


def force(client: TestClient, call_id: str, leg: str, action: str) -> Any:
    return client.post(f"/__emulator/calls/{call_id}/legs/{leg}", json={"action": action})


def test_one_call_with_its_timeline(client: TestClient) -> None:
    call_id = ringout(client, "+16505550199").json()["id"]
    advance(client, 10)
    response = client.get(f"/__emulator/calls/{call_id}")
    assert response.status_code == 200
    assert response.json() == {
        "id": call_id,
        "accountId": "400131560008",
        "extensionId": "400131560009",
        "from": CALLER,
        "to": "+16505550199",
        "callerId": None,
        "playPrompt": False,
        "clockMode": "manual",
        "scenario": "success",
        "scenarioSource": "default",
        "createdAt": START,
        "status": TALKING,
        "endedAt": None,
        "timeline": [
            {"at": at(0), "cause": "scenario", "step": 0, "status": RINGING},
            {"at": at(4), "cause": "scenario", "step": 1, "status": CALLER_UP},
            {"at": at(9), "cause": "scenario", "step": 2, "status": TALKING},
        ],
    }


def test_unknown_call_is_404(client: TestClient) -> None:
    response = client.get("/__emulator/calls/nope")
    expected = error("CMN-102", "Resource for parameter [ringOutId] is not found", parameterName="ringOutId")
    assert (response.status_code, response.json()) == (404, expected)
    assert force(client, "nope", "callee", "busy").json() == expected


def test_list_and_filter(client: TestClient) -> None:
    first = ringout(client).json()["id"]
    second = ringout(client, headers={"X-Emulator-Scenario": "caller_busy"}).json()["id"]
    advance(client, 5)
    every = client.get("/__emulator/calls").json()["records"]
    assert [c["id"] for c in every] == [first, second]
    by_status = client.get("/__emulator/calls", params={"status": "CannotReach"}).json()["records"]
    assert [c["id"] for c in by_status] == [second]
    mine = client.get("/__emulator/calls", params={"extensionId": "400131560009"}).json()["records"]
    assert len(mine) == 2
    assert client.get("/__emulator/calls", params={"extensionId": "400131580009"}).json() == {"records": []}
    bad = client.get("/__emulator/calls", params={"status": "Ringing"})
    assert (bad.status_code, bad.json()) == (
        400,
        error("CMN-101", f"Parameter [status] value is invalid. Valid values: {STATUSES}.", parameterName="status"),
    )


STATUSES = " or ".join(", ".join(f"'{s.value}'" for s in CallingStatus).rsplit(", ", 1))


def test_forcing_busy_changes_the_next_read_and_is_recorded(client: TestClient) -> None:
    call_id = ringout(client).json()["id"]
    advance(client, 5)
    response = force(client, call_id, "callee", "busy")
    assert (response.status_code, response.json()["status"], response.json()["endedAt"]) == (200, BUSY, at(5))
    assert response.json()["timeline"][-1] == {
        "at": at(5),
        "cause": "forced",
        "leg": "callee",
        "action": "busy",
        "status": BUSY,
    }
    read = client.get(f"{RINGOUT}/{call_id}").json()["status"]
    assert read == BUSY
    advance(client, 30)  # the scenario would have had the callee answer: it no longer drives the call
    assert client.get(f"/__emulator/calls/{call_id}").json()["timeline"][-1]["cause"] == "forced"


def test_answer_then_hang_up(client: TestClient) -> None:
    call_id = ringout(client).json()["id"]
    assert force(client, call_id, "caller", "answer").json()["status"] == CALLER_UP
    assert force(client, call_id, "callee", "answer").json()["status"] == TALKING
    advance(client, 100)
    hung = force(client, call_id, "caller", "hang_up").json()
    finished = {"callStatus": "Success", "callerStatus": "Finished", "calleeStatus": "Finished"}
    assert (hung["status"], hung["endedAt"]) == (finished, "2026-01-01T00:01:40.000Z")
    assert [(e["cause"], e.get("leg"), e.get("action")) for e in hung["timeline"]] == [
        ("scenario", None, None),
        ("forced", "caller", "answer"),
        ("forced", "callee", "answer"),
        ("forced", "caller", "hang_up"),
    ]


def test_every_action_on_a_ringing_leg(client: TestClient) -> None:
    results = {}
    for action in ("answer", "busy", "no_answer", "reject"):
        call_id = ringout(client).json()["id"]
        results[action] = force(client, call_id, "caller", action).json()["status"]["callerStatus"]
    assert results == {"answer": "Success", "busy": "Busy", "no_answer": "NoAnswer", "reject": "Rejected"}


def test_actions_that_do_not_apply_are_409(client: TestClient) -> None:
    call_id = ringout(client).json()["id"]
    hang_up = force(client, call_id, "callee", "hang_up")
    message = "Cannot hang up the callee leg: it is InProgress, not connected (Success)"
    assert (hang_up.status_code, hang_up.json()) == (409, error("EMU-409", message))
    advance(client, 5)
    answer = force(client, call_id, "caller", "answer")
    message = "Cannot answer the caller leg: it is Success, no longer ringing (InProgress)"
    assert (answer.status_code, answer.json()) == (409, error("EMU-409", message))
    advance(client, 40)  # the success scenario ended at 39 s (still readable: retention is 60 s)
    ended = force(client, call_id, "callee", "busy")
    assert (ended.status_code, ended.json()) == (
        409,
        error("EMU-409", "Cannot force the callee leg: the call has ended"),
    )


def test_bad_leg_or_action_is_400(client: TestClient) -> None:
    call_id = ringout(client).json()["id"]
    leg = force(client, call_id, "both", "busy")
    assert (leg.status_code, leg.json()) == (
        400,
        error("CMN-101", "Parameter [leg] value is invalid. Valid values: 'caller' or 'callee'.", parameterName="leg"),
    )
    action = force(client, call_id, "callee", "explode")
    valid = "'answer', 'busy', 'no_answer', 'reject' or 'hang_up'"
    message = f"Parameter [action] value is invalid. Valid values: {valid}."
    assert action.json() == error("CMN-101", message, parameterName="action")
    missing = client.post(f"/__emulator/calls/{call_id}/legs/callee")
    expected = error("CMN-100", "Mandatory parameter [action] not specified.", parameterName="action")
    assert (missing.status_code, missing.json()) == (400, expected)
    by_query = client.post(f"/__emulator/calls/{call_id}/legs/callee", params={"action": "reject"})
    assert by_query.json()["status"]["calleeStatus"] == "Rejected"


def test_poll_mode_timeline_uses_poll_times_and_control_reads_do_not_poll(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(clock="poll")
    call_id = ringout(client).json()["id"]
    for seconds in (2, 3, 7):
        advance(client, seconds)
        client.get(f"{RINGOUT}/{call_id}")
    for _ in range(3):
        detail = client.get(f"/__emulator/calls/{call_id}").json()
    assert [(e["at"], e["step"]) for e in detail["timeline"]] == [(at(0), 0), (at(2), 1), (at(5), 2), (at(12), 3)]
    assert detail["endedAt"] == at(12)


def test_cancel_is_recorded(client: TestClient) -> None:
    call_id = ringout(client).json()["id"]
    advance(client, 2)
    client.delete(f"{RINGOUT}/{call_id}")
    timeline = client.get(f"/__emulator/calls/{call_id}").json()["timeline"]
    cancelled = {"callStatus": "CannotReach", "callerStatus": "Rejected", "calleeStatus": "Rejected"}
    assert timeline[-1] == {"at": at(2), "cause": "cancelled", "status": cancelled}
    assert len(timeline) == 2


def test_a_forced_call_can_still_be_cancelled(client: TestClient) -> None:
    call_id = ringout(client).json()["id"]
    force(client, call_id, "caller", "answer")
    assert client.delete(f"{RINGOUT}/{call_id}").status_code == 204
    status = client.get(f"{RINGOUT}/{call_id}").json()["status"]
    assert status == {"callStatus": "CannotReach", "callerStatus": "Finished", "calleeStatus": "Rejected"}
