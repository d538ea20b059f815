"""Scenario choice: header -> queue -> rule -> policy -> magic number -> default. One test per
source, then one where every source applies and they are peeled off one by one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.control_helpers import error, ringout

MAGIC_BUSY = "+12025550101"  # callee side, suffix 01
ABROAD = "+33142685300"  # a French number


def chosen(response: object) -> tuple[str, str]:
    headers = response.headers  # type: ignore[attr-defined]
    return headers["X-Emulator-Scenario"], headers["X-Emulator-Scenario-Source"]


@pytest.fixture
def domestic_only(make_client: Callable[..., TestClient], tmp_path: Path) -> TestClient:
    """An app whose only extension may not call abroad (so the policy applies)."""
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(
        "accounts:\n"
        "  - {id: '1', mainNumber: '+16505550100', homeCountry: US, extensions: [\n"
        "      {id: '2', extensionNumber: '101', name: Dom, calling: {international: false},\n"
        "       forwardingNumbers: [{id: '3', phoneNumber: '+16505550111', label: Mobile}]}]}\n"
    )
    return make_client(clock="manual", accounts_file=str(accounts))


def test_header(client: TestClient) -> None:
    assert chosen(ringout(client, headers={"X-Emulator-Scenario": "rejected"})) == ("rejected", "header")


def test_queue_is_used_once(client: TestClient) -> None:
    created = client.post("/__emulator/scenarios/queue", json={"scenario": "busy"})
    assert (created.status_code, created.json()) == (201, {"id": "1", "scenario": "busy", "times": 1, "remaining": 1})
    assert chosen(ringout(client)) == ("busy", "queue")
    assert chosen(ringout(client)) == ("success", "default")


def test_queue_entries_in_order_and_filtered_by_number(client: TestClient) -> None:
    client.post("/__emulator/scenarios/queue", json={"scenario": "busy", "to": "+1 650 555 0177"})
    client.post("/__emulator/scenarios/queue", json={"scenario": "no_answer"})
    client.post("/__emulator/scenarios/queue", json={"scenario": "rejected", "from": "+16505550111"})
    listed = client.get("/__emulator/scenarios/queue").json()["records"]
    assert [(e["id"], e["scenario"], e.get("to"), e.get("from")) for e in listed] == [
        ("1", "busy", "+16505550177", None),
        ("2", "no_answer", None, None),
        ("3", "rejected", None, "+16505550111"),
    ]
    assert chosen(ringout(client, "+16505550178")) == ("no_answer", "queue")
    assert chosen(ringout(client, "+16505550177")) == ("busy", "queue")
    assert chosen(ringout(client, "+16505550177")) == ("rejected", "queue")
    assert client.get("/__emulator/scenarios/queue").json() == {"records": []}


def test_queue_can_be_cleared(client: TestClient) -> None:
    client.post("/__emulator/scenarios/queue", json={"scenario": "busy"})
    assert client.delete("/__emulator/scenarios/queue").status_code == 204
    assert chosen(ringout(client)) == ("success", "default")


def test_queue_validates_scenario_and_numbers(client: TestClient) -> None:
    unknown = client.post("/__emulator/scenarios/queue", json={"scenario": "nope"})
    assert (unknown.status_code, unknown.json()["parameterName"]) == (400, "scenario")
    bad = client.post("/__emulator/scenarios/queue", json={"scenario": "busy", "to": "6505550177"})
    assert (bad.status_code, bad.json()) == (
        400,
        error("CMN-101", "Parameter [to] value is invalid.", parameterName="to"),
    )


def test_rule_by_prefix_with_times(client: TestClient) -> None:
    created = client.post("/__emulator/rules", json={"scenario": "no_answer", "toPrefix": "+1650555", "times": 2})
    expected = {"id": "1", "scenario": "no_answer", "toPrefix": "+1650555", "times": 2, "remaining": 2}
    assert (created.status_code, created.json()) == (201, expected)
    assert chosen(ringout(client, "+16505550150")) == ("no_answer", "rule")
    assert client.get("/__emulator/rules").json()["records"][0]["remaining"] == 1
    assert chosen(ringout(client, "+13125550150")) == ("success", "default")  # no match, not counted
    assert chosen(ringout(client, "+16505550151")) == ("no_answer", "rule")
    assert chosen(ringout(client, "+16505550152")) == ("success", "default")
    assert client.get("/__emulator/rules").json() == {"records": []}


def test_rule_by_exact_number_until_deleted(client: TestClient) -> None:
    rule = client.post("/__emulator/rules", json={"scenario": "busy", "to": "+16505550160", "from": "+16505550111"})
    assert rule.json() == {"id": "1", "scenario": "busy", "to": "+16505550160", "from": "+16505550111"}
    for _ in range(3):
        assert chosen(ringout(client, "+16505550160")) == ("busy", "rule")
    assert client.delete("/__emulator/rules/1").status_code == 204
    assert chosen(ringout(client, "+16505550160")) == ("success", "default")
    missing = client.delete("/__emulator/rules/1")
    expected = error("CMN-102", "Resource for parameter [ruleId] is not found", parameterName="ruleId")
    assert (missing.status_code, missing.json()) == (404, expected)


def test_first_matching_rule_wins_and_rules_can_be_cleared(client: TestClient) -> None:
    client.post("/__emulator/rules", json={"scenario": "busy", "toPrefix": "+1650"})
    client.post("/__emulator/rules", json={"scenario": "rejected"})
    assert chosen(ringout(client, "+16505550160")) == ("busy", "rule")
    assert chosen(ringout(client, "+13125550160")) == ("rejected", "rule")
    assert client.delete("/__emulator/rules").status_code == 204
    assert chosen(ringout(client, "+13125550160")) == ("success", "default")


def test_rule_validation(client: TestClient) -> None:
    bad_prefix = client.post("/__emulator/rules", json={"scenario": "busy", "toPrefix": "1650"})
    assert bad_prefix.json() == error("CMN-101", "Parameter [toPrefix] value is invalid.", parameterName="toPrefix")
    bad_times = client.post("/__emulator/rules", json={"scenario": "busy", "times": 0})
    assert bad_times.json() == error("CMN-101", "Parameter [times] value is invalid.", parameterName="times")


def test_policy(domestic_only: TestClient) -> None:
    assert chosen(ringout(domestic_only, ABROAD)) == ("international_disabled", "policy")


def test_magic_number_callee_side(client: TestClient) -> None:
    response = ringout(client, MAGIC_BUSY)
    assert chosen(response) == ("busy", "magic-number")
    assert chosen(ringout(client, "+447700900003")) == ("rejected", "magic-number")


def test_magic_number_caller_side(client: TestClient) -> None:
    response = ringout(client, "+16505550199", **{"from": {"phoneNumber": "+12025550150"}})
    assert chosen(response) == ("caller_busy", "magic-number")


def test_magic_number_slow_variant(client: TestClient) -> None:
    response = ringout(client, "+12025550110")
    assert chosen(response) == ("success+20s", "magic-number")
    call_id = response.json()["id"]
    client.post("/__emulator/clock/advance", json={"seconds": 28})
    assert client.get(f"/__emulator/calls/{call_id}").json()["status"]["calleeStatus"] == "InProgress"
    client.post("/__emulator/clock/advance", json={"seconds": 1})
    assert client.get(f"/__emulator/calls/{call_id}").json()["status"]["calleeStatus"] == "Success"


def test_default(client: TestClient) -> None:
    assert chosen(ringout(client)) == ("success", "default")


def test_precedence_when_every_source_applies(domestic_only: TestClient) -> None:
    client = domestic_only
    magic_abroad = "+447700900001"  # a magic number (busy) that is also international
    client.post("/__emulator/rules", json={"scenario": "no_answer", "to": magic_abroad, "times": 1})
    client.post("/__emulator/scenarios/queue", json={"scenario": "rejected", "to": magic_abroad})
    client.put("/__emulator/default-scenario", json={"scenario": "generic_error"})
    header = {"X-Emulator-Scenario": "caller_busy"}
    assert chosen(ringout(client, magic_abroad, headers=header)) == ("caller_busy", "header")
    assert chosen(ringout(client, magic_abroad)) == ("rejected", "queue")
    assert chosen(ringout(client, magic_abroad)) == ("no_answer", "rule")
    assert chosen(ringout(client, magic_abroad)) == ("international_disabled", "policy")
    assert chosen(ringout(client, "+12025550101")) == ("busy", "magic-number")
    assert chosen(ringout(client, "+16505550199")) == ("generic_error", "default")


def test_rule_and_fault_ids_are_never_reused_until_a_reset(client: TestClient) -> None:
    """A client holding an old id after ``DELETE /rules`` (or ``/faults``) must not delete a newer
    rule by it: the ids go on; a reset of the scope starts them again at 1."""
    rule = {"scenario": "no_answer", "toPrefix": "+1650555"}
    fault = {"effect": "error", "status": 503}
    assert [client.post("/__emulator/rules", json=rule).json()["id"] for _ in range(2)] == ["1", "2"]
    assert client.post("/__emulator/faults", json=fault).json()["id"] == "1"
    assert client.delete("/__emulator/rules").status_code == 204
    assert client.delete("/__emulator/faults").status_code == 204
    assert client.post("/__emulator/rules", json=rule).json()["id"] == "3"
    assert client.post("/__emulator/faults", json=fault).json()["id"] == "2"
    assert client.delete("/__emulator/rules/1").status_code == 404  # the old id names nothing now
    assert client.post("/__emulator/reset", json={"scopes": ["rules", "faults"]}).status_code == 200
    assert client.post("/__emulator/rules", json=rule).json()["id"] == "1"
    assert client.post("/__emulator/faults", json=fault).json()["id"] == "1"
