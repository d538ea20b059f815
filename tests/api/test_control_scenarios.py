"""Scenarios through the control plane: list, show, upload (validated like files), delete, default."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.control_helpers import error, ringout

BUSY = {
    "name": "busy",
    "description": "Caller answers; the callee line is busy (the documented failure flow).",
    "origin": "loaded",
    "default": False,
    "steps": [
        {"at": 0.0, "caller": "InProgress", "callee": "InProgress"},
        {"at": 4.0, "caller": "Success"},
        {"at": 6.0, "callee": "Busy"},
    ],
}
NAMES = sorted(p.stem for p in (Path(__file__).parents[2] / "scenarios").glob("*.yaml"))
MINE = {"description": "Callee busy at once.", "steps": [{"at": 0, "callee": "Busy"}]}
MINE_JSON = {
    "name": "mine",
    "description": "Callee busy at once.",
    "origin": "uploaded",
    "default": False,
    "steps": [{"at": 0.0, "callee": "Busy"}],
}


def test_list_has_every_bundled_scenario(client: TestClient) -> None:
    response = client.get("/__emulator/scenarios")
    records = response.json()["records"]
    assert response.status_code == 200
    assert [r["name"] for r in records] == sorted(r["name"] for r in records)
    assert len(records) == 14
    assert BUSY in records
    assert [r["name"] for r in records if r["default"]] == ["success"]


def test_show_one(client: TestClient) -> None:
    response = client.get("/__emulator/scenarios/busy")
    assert (response.status_code, response.json()) == (200, BUSY)


def test_show_unknown_is_404(client: TestClient) -> None:
    response = client.get("/__emulator/scenarios/nope")
    expected = error("CMN-102", "Resource for parameter [scenario] is not found", parameterName="scenario")
    assert (response.status_code, response.json()) == (404, expected)


def test_upload_then_use_then_replace_then_delete(client: TestClient) -> None:
    created = client.put("/__emulator/scenarios/mine", json=MINE)
    assert (created.status_code, created.json()) == (201, MINE_JSON)
    call = ringout(client, headers={"X-Emulator-Scenario": "mine"})
    assert call.json()["status"]["calleeStatus"] == "Busy"
    replaced = client.put("/__emulator/scenarios/mine", json={**MINE, "description": "Again."})
    assert (replaced.status_code, replaced.json()["description"]) == (200, "Again.")
    deleted = client.delete("/__emulator/scenarios/mine")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert client.get("/__emulator/scenarios/mine").status_code == 404


def test_upload_yaml(client: TestClient) -> None:
    text = "description: From YAML.\nsteps:\n  - {at: 0}\n  - {at: 2, caller: Busy}\n"
    response = client.put("/__emulator/scenarios/yaml_one", content=text, headers={"Content-Type": "application/yaml"})
    assert (response.status_code, response.json()["steps"]) == (201, [{"at": 0.0}, {"at": 2.0, "caller": "Busy"}])


def test_upload_is_validated_like_a_file(client: TestClient) -> None:
    bad = {"description": "x", "steps": [{"at": 0}, {"at": 5, "callee": "Ringing"}], "extra": 1}
    response = client.put("/__emulator/scenarios/bad", json=bad)
    detail = (
        "uploaded scenario 'bad': step 1, field callee: Input should be 'Invalid', 'Success', 'InProgress', "
        "'Busy', 'NoAnswer', 'RingOutFromThisNumberIsNotSupported', 'Rejected', 'GenericError', 'Finished', "
        "'InternationalDisabled', 'DestinationBlocked', 'NotEnoughFunds', 'NosuchUser', 'Error', 'CannotReach', "
        "'NoAnsweringMachine', 'NoSessionFound' or 'Unknown'; uploaded scenario 'bad': field extra: "
        "Extra inputs are not permitted"
    )
    expected = error("CMN-101", f"Parameter [body] value is invalid. {detail}", parameterName="body")
    assert (response.status_code, response.json()) == (400, expected)


def test_upload_with_a_bad_name_or_body(client: TestClient) -> None:
    bad_name = client.put("/__emulator/scenarios/Bad.Name", json=MINE)
    detail = "uploaded scenario 'Bad.Name': name 'Bad.Name' must match ^[a-z0-9][a-z0-9_\\-]{0,63}$"
    assert bad_name.json() == error("CMN-101", f"Parameter [body] value is invalid. {detail}", parameterName="body")
    not_json = client.put("/__emulator/scenarios/x", content=b"{", headers={"Content-Type": "application/json"})
    detail = "uploaded scenario 'x': JSON error: EOF while parsing an object at line 1 column 1"
    assert (not_json.status_code, not_json.json()) == (400, error("CMN-103", f"JSON can't be parsed. {detail}"))
    not_yaml = client.put("/__emulator/scenarios/x", content=b"a: [", headers={"Content-Type": "application/yaml"})
    assert not_yaml.json()["errorCode"] == "CMN-103"
    assert not_yaml.json()["message"].startswith(
        "YAML can't be parsed. uploaded scenario 'x': YAML error at line 2, column 1"
    )
    mismatch = client.put("/__emulator/scenarios/x", json={**MINE, "name": "y"})
    assert "name: 'y' differs from the file stem 'x'" in mismatch.json()["message"]


def test_queue_is_a_reserved_name(client: TestClient) -> None:
    response = client.put("/__emulator/scenarios/queue", json=MINE)
    expected = error("EMU-409", "The name [queue] is reserved for the scenario queue")
    assert (response.status_code, response.json()) == (409, expected)


def test_loaded_scenarios_cannot_be_deleted(client: TestClient) -> None:
    response = client.delete("/__emulator/scenarios/busy")
    expected = error("EMU-409", "Scenario [busy] was loaded from a file: only uploaded ones can be deleted")
    assert (response.status_code, response.json()) == (409, expected)
    missing = client.delete("/__emulator/scenarios/nope")
    assert missing.status_code == 404


def test_an_upload_overrides_a_loaded_one_until_deleted(client: TestClient) -> None:
    client.put("/__emulator/scenarios/busy", json=MINE)
    assert client.get("/__emulator/scenarios/busy").json()["origin"] == "uploaded"
    assert client.delete("/__emulator/scenarios/busy").status_code == 204
    assert client.get("/__emulator/scenarios/busy").json() == BUSY


def test_reset_scenarios_drops_uploads_and_the_default(client: TestClient) -> None:
    client.put("/__emulator/scenarios/mine", json=MINE)
    client.put("/__emulator/default-scenario", json={"scenario": "mine"})
    client.post("/__emulator/reset", json={"scopes": ["scenarios"]})
    assert client.get("/__emulator/scenarios/mine").status_code == 404
    assert client.get("/__emulator/default-scenario").json() == {"scenario": "success"}


def test_default_scenario_is_settable(client: TestClient) -> None:
    assert client.get("/__emulator/default-scenario").json() == {"scenario": "success"}
    response = client.put("/__emulator/default-scenario", json={"scenario": "no_answer"})
    assert (response.status_code, response.json()) == (200, {"scenario": "no_answer"})
    call = ringout(client)
    assert (call.headers["X-Emulator-Scenario"], call.headers["X-Emulator-Scenario-Source"]) == ("no_answer", "default")


def test_default_scenario_must_exist(client: TestClient) -> None:
    response = client.put("/__emulator/default-scenario", json={"scenario": "nope"})
    message = f"Parameter [scenario] value is invalid. Unknown scenario [nope]; valid names: {', '.join(NAMES)}"
    assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName="scenario"))
