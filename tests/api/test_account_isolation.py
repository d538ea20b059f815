"""Two created accounts and the global namespace change the same kinds of state: none sees the
others' (default scenario, queue, uploaded scenarios, rules, faults, clock, reset), and a call
follows its own account's clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.account_helpers import create_account, login
from tests.api.oauth_helpers import bearer, jwt_login
from tests.conftest import RINGOUT

UPLOAD = {"description": "Callee busy at once.", "steps": [{"at": 0, "caller": "Success", "callee": "Busy"}]}
VIEWS = (
    "/__emulator/default-scenario",
    "/__emulator/scenarios/queue",
    "/__emulator/rules",
    "/__emulator/faults",
    "/__emulator/clock",
    "/__emulator/scenarios",
)
TO = {"to": {"phoneNumber": "+16505550199"}}


@pytest.fixture
def strict(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(clock="manual", auth="strict")


def _params(account: str | None) -> dict[str, str]:
    return {} if account is None else {"account": account}


def _views(client: TestClient, account: str | None) -> dict[str, Any]:
    found = {}
    for path in VIEWS:
        response = client.get(path, params=_params(account))
        assert response.status_code == 200, response.text
        found[path] = response.json()
    return found


def _change(client: TestClient, account: str | None, scenario: str, seconds: float) -> None:
    params = _params(account)
    name = f"mine-{scenario}"
    assert client.put(f"/__emulator/scenarios/{name}", json=UPLOAD, params=params).status_code == 201
    assert client.put("/__emulator/default-scenario", json={"scenario": scenario}, params=params).status_code == 200
    assert client.post("/__emulator/scenarios/queue", json={"scenario": name}, params=params).status_code == 201
    assert (
        client.post("/__emulator/rules", json={"scenario": scenario, "toPrefix": "+44"}, params=params).status_code
        == 201
    )
    fault = {"effect": "error", "status": 503, "pathPrefix": f"/{scenario}"}
    assert client.post("/__emulator/faults", json=fault, params=params).status_code == 201
    assert client.post("/__emulator/clock/advance", json={"seconds": seconds}, params=params).status_code == 200


def test_each_namespace_changes_only_its_own_state_and_resets_only_it(client: TestClient) -> None:
    first, second = create_account(client)["id"], create_account(client)["id"]
    pristine = _views(client, first)
    assert _views(client, second) == pristine == _views(client, None)
    for account, scenario, seconds in ((None, "busy", 5), (first, "no_answer", 50), (second, "success", 500)):
        _change(client, account, scenario, seconds)
    changed = {account: _views(client, account) for account in (None, first, second)}
    assert [changed[a]["/__emulator/default-scenario"]["scenario"] for a in (None, first, second)] == [
        "busy",
        "no_answer",
        "success",
    ]
    assert [changed[a]["/__emulator/clock"]["now"] for a in (None, first, second)] == [
        "2026-01-01T00:00:05.000Z",
        "2026-01-01T00:00:50.000Z",
        "2026-01-01T00:08:20.000Z",
    ]
    assert [[r["scenario"] for r in changed[a]["/__emulator/scenarios/queue"]["records"]] for a in changed] == [
        ["mine-busy"],
        ["mine-no_answer"],
        ["mine-success"],
    ]
    assert [[f["pathPrefix"] for f in changed[a]["/__emulator/faults"]["records"]] for a in changed] == [
        ["/busy"],
        ["/no_answer"],
        ["/success"],
    ]
    uploaded = [
        [s["name"] for s in changed[a]["/__emulator/scenarios"]["records"] if s["origin"] == "uploaded"]
        for a in changed
    ]
    assert uploaded == [["mine-busy"], ["mine-no_answer"], ["mine-success"]]

    reset = client.post("/__emulator/reset", json={}, params={"account": first})
    assert reset.status_code == 200, reset.text
    assert _views(client, first) == pristine
    assert _views(client, second) == changed[second]
    assert _views(client, None) == changed[None]
    assert client.post("/__emulator/reset", json={}).status_code == 200  # the global one: the others stay
    assert _views(client, None) == pristine
    assert _views(client, second) == changed[second]
    assert [r["id"] for r in client.get("/__emulator/accounts").json()["records"][2:]] == [first, second]


def test_a_call_follows_its_account_clock(strict: TestClient) -> None:
    account = create_account(strict)
    theirs, ours = login(strict, account), bearer(jwt_login(strict))
    their_call = strict.post(RINGOUT, json=TO, headers=theirs).json()["id"]
    our_call = strict.post(RINGOUT, json=TO, headers=ours).json()["id"]
    advanced = strict.post(
        "/__emulator/clock/advance", json={"seconds": 45}, headers={"X-Emulator-Account": account["id"]}
    )
    assert (advanced.status_code, advanced.json()["now"]) == (200, "2026-01-01T00:00:45.000Z")
    done = {"callStatus": "Success", "callerStatus": "Finished", "calleeStatus": "Finished"}
    ringing = {"callStatus": "InProgress", "callerStatus": "InProgress", "calleeStatus": "InProgress"}
    assert strict.get(f"{RINGOUT}/{their_call}", headers=theirs).json()["status"] == done
    assert strict.get(f"{RINGOUT}/{our_call}", headers=ours).json()["status"] == ringing
    assert strict.get("/__emulator/clock").json()["now"] == "2026-01-01T00:00:00.000Z"


def test_a_created_account_clock_starts_at_the_global_now_and_resets_to_it(client: TestClient) -> None:
    assert client.post("/__emulator/clock/advance", json={"seconds": 60}).status_code == 200
    account = create_account(client)
    assert account["clock"] == {"mode": "manual", "now": "2026-01-01T00:01:00.000Z", "speed": 1.0}
    params = {"account": account["id"]}
    assert client.post("/__emulator/clock/advance", json={"seconds": 30}, params=params).status_code == 200
    assert client.post("/__emulator/reset", json={"scopes": ["clock"]}, params=params).status_code == 200
    assert client.get("/__emulator/clock", params=params).json()["now"] == "2026-01-01T00:01:00.000Z"
    assert client.get("/__emulator/clock").json()["now"] == "2026-01-01T00:01:00.000Z"


def test_a_created_account_on_the_real_clock_gets_a_real_clock(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="real", speed=2)
    account = create_account(client)
    assert (account["clock"]["mode"], account["clock"]["speed"]) == ("real", 2.0)
    refused = client.post("/__emulator/clock/advance", json={"seconds": 1}, params={"account": account["id"]})
    assert refused.status_code == 409, refused.text


def test_the_journal_shows_each_namespace_its_own_entries(strict: TestClient) -> None:
    account = create_account(strict)
    theirs, ours = login(strict, account), bearer(jwt_login(strict))
    assert strict.post(RINGOUT, json=TO, headers=theirs).status_code == 200
    assert strict.post(RINGOUT, json=TO, headers=ours).status_code == 200
    scoped = {"account": account["id"]}
    mine = strict.get("/__emulator/requests", params=scoped).json()["records"]
    assert [(e["method"], e["path"], e["status"], e["account"]) for e in mine] == [
        ("POST", "/restapi/oauth/token", 200, account["id"]),
        ("POST", RINGOUT, 200, account["id"]),
    ]
    others = strict.get("/__emulator/requests").json()["records"]
    assert [(e["path"], "account" in e) for e in others] == [("/restapi/oauth/token", False), (RINGOUT, False)]
    assert strict.get("/__emulator/requests/count", params={**scoped, "method": "POST"}).json() == {"count": 2}
    assert strict.delete("/__emulator/requests", params=scoped).status_code == 204
    assert strict.get("/__emulator/requests/count", params=scoped).json() == {"count": 0}
    assert strict.get("/__emulator/requests/count").json() == {"count": 2}
    assert strict.post(RINGOUT, json=TO, headers=theirs).status_code == 200
    assert strict.post("/__emulator/reset", json={"scopes": ["journal"]}).status_code == 200
    assert strict.get("/__emulator/requests/count").json() == {"count": 0}
    assert strict.get("/__emulator/requests/count", params=scoped).json() == {"count": 1}
    report = strict.get("/__emulator/report", params=scoped)
    assert report.status_code == 200, report.text
    assert strict.delete(f"/__emulator/accounts/{account['id']}").status_code == 204
    assert len(strict.app.state.journal) == 0  # type: ignore[attr-defined]


def test_fault_rules_fire_only_in_their_namespace(strict: TestClient) -> None:
    account = create_account(strict)
    theirs, ours = login(strict, account), bearer(jwt_login(strict))
    scoped = {"account": account["id"]}
    fault = {"effect": "error", "status": 503, "pathPrefix": "/restapi/v1.0"}
    assert strict.post("/__emulator/faults", json=fault, params=scoped).status_code == 201
    assert strict.post(RINGOUT, json=TO, headers=theirs).status_code == 503
    assert strict.post(RINGOUT, json=TO, headers=ours).status_code == 200
    assert strict.delete("/__emulator/faults", params=scoped).status_code == 204
    assert strict.post("/__emulator/faults", json=fault).status_code == 201
    assert strict.post(RINGOUT, json=TO, headers=theirs).status_code == 200
    assert strict.post(RINGOUT, json=TO, headers=ours).status_code == 503
    assert strict.get("/__emulator/faults").json()["records"][0]["hits"] == 1
    login_fault = {"effect": "error", "status": 503, "pathPrefix": "/restapi/oauth/token"}
    assert strict.post("/__emulator/faults", json=login_fault, params=scoped).status_code == 201
    app = account["apps"][0]
    form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}
    refused = strict.post("/restapi/oauth/token", data=form, auth=(app["clientId"], app["clientSecret"]))
    assert refused.status_code == 503, refused.text
    assert jwt_login(strict)["owner_id"] == "400131560009"


def test_each_account_reads_its_own_call_log_records(make_client: Callable[..., TestClient]) -> None:
    """Two accounts' first records share a log sequence number and an end time: neither sees the other's."""
    strict = make_client(clock="manual", auth="strict", call_log_delay_seconds=0)
    accounts = [create_account(strict), create_account(strict)]
    headers = [login(strict, account) for account in accounts]
    numbers = ["+16505550198", "+16505550197"]
    for account, header, number in zip(accounts, headers, numbers, strict=True):
        assert strict.post(RINGOUT, json={"to": {"phoneNumber": number}}, headers=header).status_code == 200
        assert (
            strict.post(
                "/__emulator/clock/advance", json={"seconds": 45}, params={"account": account["id"]}
            ).status_code
            == 200
        )
    for account, header, number in zip(accounts, headers, numbers, strict=True):
        response = strict.get("/restapi/v1.0/account/~/extension/~/call-log", headers=header)
        assert response.status_code == 200, response.text
        (record,) = response.json()["records"]
        assert (record["to"]["phoneNumber"], account["id"] in record["uri"]) == (number, True)
