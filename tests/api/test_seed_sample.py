from __future__ import annotations

from fastapi.testclient import TestClient

from emulator.core.clock import ManualClock
from tests.conftest import RINGOUT, SEED_SAMPLE


def test_seed_sample_creates_an_in_progress_call(client: TestClient) -> None:
    response = client.post(RINGOUT, json=SEED_SAMPLE)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == {"callStatus": "InProgress", "callerStatus": "InProgress", "calleeStatus": "InProgress"}
    assert (
        body["uri"]
        == f"http://testserver/restapi/v1.0/account/400131560008/extension/400131560009/ring-out/{body['id']}"
    )
    assert response.headers["X-Emulator-Scenario"] == "success"
    assert response.headers["X-Emulator-Scenario-Source"] == "default"


def test_manual_clock_moves_the_call_to_finished(client: TestClient, manual_clock: ManualClock) -> None:
    call_id = client.post(RINGOUT, json=SEED_SAMPLE).json()["id"]
    manual_clock.shift(39)
    body = client.get(f"{RINGOUT}/{call_id}").json()
    assert body["status"] == {"callStatus": "Success", "callerStatus": "Finished", "calleeStatus": "Finished"}
