"""Domain defects found by attacking the running server, checked through HTTP: names matched in
full, scenarios in use not deletable, strict scenario validation, the clock's range."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.control_helpers import error, ringout

ENDS = {"description": "callee busy", "steps": [{"at": 0}, {"at": 2, "callee": "Busy"}]}
NAME_RULE = "must match ^[a-z0-9][a-z0-9_\\-]{0,63}$"


def invalid_body(*problems: str) -> dict[str, Any]:
    return error("CMN-101", "Parameter [body] value is invalid. " + "; ".join(problems), parameterName="body")


def test_a_name_with_a_trailing_newline_is_refused_and_creates_keep_working(client: TestClient) -> None:
    refused = "Parameter [path] value is invalid. A name may not hold control characters."
    for path in ("/__emulator/scenarios/mine%0A", "/__emulator/scenarios/mine%0Ax"):
        upload = client.put(path, json=ENDS)
        assert (upload.status_code, upload.json()) == (400, error("CMN-101", refused, parameterName="path")), path
        lookup = client.get(path)
        decoded = path.replace("%0A", "\n")
        message = f"Resource for parameter [path] is not found: GET {decoded}"
        assert (lookup.status_code, lookup.json()) == (404, error("CMN-102", message)), path
    assert client.get("/__emulator/scenarios/mine").status_code == 404
    default = client.put("/__emulator/default-scenario", json={"scenario": "mine\n"})
    valid = ", ".join(sorted(record["name"] for record in client.get("/__emulator/scenarios").json()["records"]))
    detail = f"A scenario name must match ^[a-z0-9][a-z0-9_\\-]{{0,63}}$, got 'mine\\n'. Valid names: {valid}."
    expected = error("CMN-101", f"Parameter [scenario] value is invalid. {detail}", parameterName="scenario")
    assert (default.status_code, default.json()) == (400, expected)
    created = ringout(client)
    assert (created.status_code, created.headers["x-emulator-scenario"]) == (200, "success")


def test_a_scenario_in_use_cannot_be_deleted(client: TestClient) -> None:
    assert client.put("/__emulator/scenarios/mine", json=ENDS).status_code == 201
    assert client.put("/__emulator/default-scenario", json={"scenario": "mine"}).status_code == 200
    assert client.post("/__emulator/rules", json={"scenario": "mine", "to": "+16505550199"}).status_code == 201
    assert client.post("/__emulator/scenarios/queue", json={"scenario": "mine"}).status_code == 201
    refused = client.delete("/__emulator/scenarios/mine")
    message = "Scenario [mine] is used by: the default scenario, rule 1, queue entry 1; change or delete those first"
    assert (refused.status_code, refused.json()) == (409, error("EMU-409", message))
    created = ringout(client)
    assert (created.status_code, created.headers["x-emulator-scenario"]) == (200, "mine")


def test_uploads_are_validated_strictly_in_one_pass(client: TestClient) -> None:
    where = "uploaded scenario 'mine'"
    strict = client.put(
        "/__emulator/scenarios/mine",
        json={"description": "two\nlines", "steps": [{"at": True}, {"at": "0"}, {"at": 1}, {"at": 0.5}]},
    )
    assert (strict.status_code, strict.json()) == (
        400,
        invalid_body(
            f"{where}: field description: Value error, must be a single line",
            f"{where}: step 0, field at: Input should be a valid number",
            f"{where}: step 1, field at: Input should be a valid number",
            f"{where}: step 3, field at: 0.5 is before step 2 (at 1)",
        ),
    )
    never_ends = client.put("/__emulator/scenarios/mine", json={"description": "rings", "steps": [{"at": 0}]})
    assert (never_ends.status_code, never_ends.json()) == (
        400,
        invalid_body(
            f"{where}: step 0: the call is still live after the last step (call InProgress, caller InProgress, "
            "callee InProgress): the last step must end it (a leg fails, or both legs are Finished)"
        ),
    )


def test_the_clock_cannot_leave_its_range(client: TestClient) -> None:
    before = client.get("/__emulator/clock").json()
    detail = "The clock must stay within 1970-01-01T00:00:00Z .. 9000-01-01T00:00:00Z."
    far = client.put("/__emulator/clock", json={"now": "9999-12-31T23:59:59Z"})
    assert (far.status_code, far.json()) == (
        400,
        error("CMN-101", f"Parameter [now] value is invalid. {detail}", parameterName="now"),
    )
    assert client.get("/__emulator/clock").json() == before
    edge = client.put("/__emulator/clock", json={"now": "8999-12-31T23:59:59Z"})
    assert (edge.status_code, edge.json()["now"]) == (200, "8999-12-31T23:59:59.000Z")
    call = ringout(client)
    past = client.post("/__emulator/clock/advance", json={"seconds": 2})
    assert (past.status_code, past.json()) == (
        400,
        error("CMN-101", f"Parameter [seconds] value is invalid. {detail}", parameterName="seconds"),
    )
    clock = client.get("/__emulator/clock")
    assert (clock.status_code, clock.json()["now"]) == (200, "8999-12-31T23:59:59.000Z")
    read = client.get(f"/restapi/v1.0/account/~/extension/~/ring-out/{call.json()['id']}")
    assert read.status_code == 200
    assert client.get("/__emulator/requests").status_code == 200
