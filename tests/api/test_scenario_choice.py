"""Which scenario a call plays, and the headers that say why: header, policy, default."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from emulator.core.clock import ManualClock
from tests.api.helpers import BASE, IN_PROGRESS, expect_error, expect_ringout, status
from tests.conftest import SEED_SAMPLE

MakeClient = Callable[..., TestClient]
BUNDLED = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))

NO_ABROAD = """
accounts:
  - id: "500"
    mainNumber: "+16505550300"
    homeCountry: US
    extensions:
      - id: "501"
        extensionNumber: "101"
        name: Dee Domestic
        directNumbers: ["+16505550301"]
        callerIds: ["+16505550301"]
        forwardingNumbers:
          - {id: "502", phoneNumber: "+16505550311", label: Mobile, ringoutDefault: true}
        calling: {international: false, domestic: true, internal: true}
"""


def scenario_of(response: httpx.Response) -> tuple[str, str]:
    return response.headers["x-emulator-scenario"], response.headers["x-emulator-scenario-source"]


def test_the_header_chooses_the_scenario(client: TestClient) -> None:
    for name in BUNDLED:
        response = client.post(f"{BASE}/ring-out", json=SEED_SAMPLE, headers={"X-Emulator-Scenario": name})
        call_id = response.json()["id"]
        expect_ringout(response, call_id, IN_PROGRESS)
        assert scenario_of(response) == (name, "header")
        read = client.get(f"{BASE}/ring-out/{call_id}")
        assert scenario_of(read) == (name, "header")


def test_the_header_scenario_plays(client: TestClient, manual_clock: ManualClock) -> None:
    response = client.post(f"{BASE}/ring-out", json=SEED_SAMPLE, headers={"X-Emulator-Scenario": "busy"})
    call_id = response.json()["id"]
    manual_clock.shift(6)
    expect_ringout(client.get(f"{BASE}/ring-out/{call_id}"), call_id, status("CannotReach", "Success", "Busy"))


def test_an_unknown_scenario_lists_the_valid_names(client: TestClient) -> None:
    response = client.post(f"{BASE}/ring-out", json=SEED_SAMPLE, headers={"X-Emulator-Scenario": "nope"})
    message = "Parameter [X-Emulator-Scenario] value is invalid. Unknown scenario [nope]; valid names: " + ", ".join(
        BUNDLED
    )
    expect_error(response, 400, "CMN-101", message, parameterName="X-Emulator-Scenario")
    assert "x-emulator-scenario" not in response.headers


def test_the_configured_default(make_client: MakeClient, manual_clock: ManualClock) -> None:
    client = make_client(clock="manual", default_scenario="rejected")
    response = client.post(f"{BASE}/ring-out", json=SEED_SAMPLE)
    assert scenario_of(response) == ("rejected", "default")
    call_id = response.json()["id"]
    manual_clock.shift(8)
    expect_ringout(client.get(f"{BASE}/ring-out/{call_id}"), call_id, status("CannotReach", "Success", "Rejected"))


def test_policy_when_the_extension_may_not_call_abroad(
    make_client: MakeClient, manual_clock: ManualClock, tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(NO_ABROAD, encoding="utf-8")
    client = make_client(clock="manual", accounts_file=accounts)
    response = client.post(f"{BASE}/ring-out", json=SEED_SAMPLE)  # +1 345: the Cayman Islands
    call_id = response.json()["id"]
    assert response.json()["uri"] == f"http://testserver/restapi/v1.0/account/500/extension/501/ring-out/{call_id}"
    assert scenario_of(response) == ("international_disabled", "policy")
    manual_clock.shift(5)
    assert client.get(f"{BASE}/ring-out/{call_id}").json()["status"] == status(
        "CannotReach", "Success", "InternationalDisabled"
    )
    domestic = client.post(f"{BASE}/ring-out", json={"to": {"phoneNumber": "+12125550123"}})
    assert scenario_of(domestic) == ("success", "default")
    # The header still wins over the policy.
    chosen = client.post(f"{BASE}/ring-out", json=SEED_SAMPLE, headers={"X-Emulator-Scenario": "success"})
    assert scenario_of(chosen) == ("success", "header")


def test_the_bundled_domestic_only_extension(client: TestClient) -> None:
    response = client.post("/restapi/v1.0/account/~/extension/400131560010/ring-out", json=SEED_SAMPLE)
    assert response.status_code == 200
    assert scenario_of(response) == ("international_disabled", "policy")


def test_the_default_extension_may_call_the_seeds_destination(client: TestClient) -> None:
    assert scenario_of(client.post(f"{BASE}/ring-out", json=SEED_SAMPLE)) == ("success", "default")
