"""``GET /__emulator/call-log``: the records visible now, of every extension, without an OAuth token."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from emulator.core.clock import ManualClock
from tests.api.helpers import expect_not_found
from tests.api.oauth_helpers import api_error, bearer, jwt_login

OWN = "/restapi/v1.0/account/~/extension/~"
RECORDS = "/__emulator/call-log"
CALL = {"from": {"phoneNumber": "+16505550111"}, "to": {"phoneNumber": "+16505550199"}}


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(clock="manual", auth="strict", call_log_delay_seconds=10)


def busy_call(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post(f"{OWN}/ring-out", json=CALL, headers={**headers, "X-Emulator-Scenario": "busy"})
    assert response.status_code == 200, response.text


def test_every_extensions_visible_records_newest_first_as_the_ringcentral_route_answers_them(
    client: TestClient, manual_clock: ManualClock
) -> None:
    alice, bob = bearer(jwt_login(client)), bearer(jwt_login(client, jwt="emulator-jwt-102"))
    busy_call(client, alice)
    manual_clock.shift(1)
    busy_call(client, bob)
    assert client.get(RECORDS).json() == {"records": []}  # neither is visible yet (10 s delay)
    manual_clock.shift(30)
    own = [client.get(f"{OWN}/call-log", headers=who).json()["records"] for who in (bob, alice)]
    assert [len(records) for records in own] == [1, 1]
    response = client.get(RECORDS)
    assert (response.status_code, response.headers["content-type"]) == (200, "application/json")
    assert response.json() == {"records": [own[0][0], own[1][0]]}
    assert response.json()["records"][0]["result"] == "Busy"
    assert client.get(RECORDS, params={"limit": 1}).json() == {"records": [own[0][0]]}
    alice_id = str(own[1][0]["extension"]["id"])
    assert client.get(RECORDS, params={"extensionId": alice_id}).json() == {"records": [own[1][0]]}


@pytest.mark.parametrize(
    ("query", "parameter"), [("limit=-1", "limit"), ("limit=1001", "limit"), ("extensionId=", "extensionId")]
)
def test_bad_query_values_are_400(client: TestClient, query: str, parameter: str) -> None:
    response = client.get(f"{RECORDS}?{query}")
    invalid = api_error("CMN-101", f"Parameter [{parameter}] value is invalid.", parameterName=parameter)
    assert (response.status_code, response.json()) == (400, invalid)


def test_an_unknown_extension_is_404(client: TestClient) -> None:
    expect_not_found(client.get(f"{RECORDS}?extensionId=404"), "extensionId")


def test_it_needs_the_control_token_when_one_is_set(make_client: Callable[..., TestClient]) -> None:
    locked = make_client(control_token="s3cret")
    response = locked.get(RECORDS)
    message = (
        "The control plane needs its token: send 'Authorization: Bearer <token>' or 'X-Emulator-Control-Token: <token>'"
    )
    assert (response.status_code, response.json()) == (401, api_error("EMU-401", message))
    assert locked.get(RECORDS, headers={"X-Emulator-Control-Token": "s3cret"}).json() == {"records": []}
