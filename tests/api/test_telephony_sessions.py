"""``GET .../telephony/sessions/{telephonySessionId}``: a RingOut's session as it stands, valid
against ``CallSessionObject``, linked to the call by the id its events carry."""

from __future__ import annotations

from fastapi.testclient import TestClient

from emulator.core.clock import ManualClock
from emulator.core.sessions import party_id, telephony_session_id
from tests.api.control_helpers import error, ringout
from tests.api.subscription_helpers import check_schema

SESSIONS = "/restapi/v1.0/account/~/telephony/sessions"


def statuses(body: dict[str, object]) -> list[tuple[str, str, str]]:
    return [(p["id"], p["ringOutRole"], p["status"]["code"]) for p in body["parties"]]  # type: ignore[attr-defined]


def test_the_session_as_it_stands(client: TestClient, manual_clock: ManualClock) -> None:
    call_id = ringout(client).json()["id"]
    session = telephony_session_id(call_id)
    response = client.get(f"{SESSIONS}/{session}")
    assert response.status_code == 200
    check_schema("CallSessionObject", response.json())
    assert response.json()["origin"] == {"type": "RingOut"}
    assert response.json()["creationTime"] == "2026-01-01T00:00:00.000Z"
    assert statuses(response.json()) == [(party_id(call_id, 1), "Initiator", "Proceeding")]
    manual_clock.shift(9)
    assert statuses(client.get(f"{SESSIONS}/{session}").json()) == [
        (party_id(call_id, 1), "Initiator", "Answered"),
        (party_id(call_id, 2), "Target", "Answered"),
    ]
    manual_clock.shift(30)
    body = client.get(f"{SESSIONS}/{session}").json()
    check_schema("CallSessionObject", body)
    assert [p["status"]["code"] for p in body["parties"]] == ["Disconnected", "Disconnected"]


def test_the_ringout_id_is_not_a_session_id(client: TestClient) -> None:
    call_id = ringout(client).json()["id"]
    response = client.get(f"{SESSIONS}/{call_id}")
    expected = error(
        "CMN-102", "Resource for parameter [telephonySessionId] is not found", parameterName="telephonySessionId"
    )
    assert (response.status_code, response.json()) == (404, expected)


def test_gone_with_the_call(client: TestClient, manual_clock: ManualClock) -> None:
    session = telephony_session_id(ringout(client).json()["id"])
    manual_clock.shift(39 + 60)  # ended at 39 s, kept 60 s
    assert client.get(f"{SESSIONS}/{session}").status_code == 404
