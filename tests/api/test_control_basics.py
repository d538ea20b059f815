"""Health, readiness, reset (all and by scope), seed and determinism, the control token, and
body errors: exact codes and RingCentral-shaped bodies."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from emulator import __version__
from emulator.api.control import SCOPES as RESET_SCOPES
from emulator.core.clock import ManualClock
from tests.api.control_helpers import error, ringout
from tests.conftest import RINGOUT


def test_health_and_ready(client: TestClient) -> None:
    assert (client.get("/__emulator/health").status_code, client.get("/__emulator/health").json()) == (
        200,
        {"status": "ok"},
    )
    ready = client.get("/__emulator/ready")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "version": __version__})


def test_ready_is_503_until_the_emulator_is_loaded(client: TestClient) -> None:
    app = client.app
    emulator = app.state.emulator  # type: ignore[attr-defined]
    del app.state.emulator  # type: ignore[attr-defined]
    try:
        response = client.get("/__emulator/ready")
    finally:
        app.state.emulator = emulator  # type: ignore[attr-defined]
    assert (response.status_code, response.json()) == (503, {"status": "starting"})


def test_reset_everything(client: TestClient, manual_clock: ManualClock) -> None:
    call_id = ringout(client).json()["id"]
    client.post("/__emulator/rules", json={"scenario": "busy"})
    client.post("/__emulator/clock/advance", json={"seconds": 10})
    response = client.post("/__emulator/reset")
    assert (response.status_code, response.json()) == (200, {"reset": list(RESET_SCOPES)})
    assert client.get(f"/__emulator/calls/{call_id}").status_code == 404
    assert client.get("/__emulator/rules").json() == {"records": []}
    assert client.get("/__emulator/requests").json()["records"] == []
    assert client.get("/__emulator/clock").json()["now"] == "2026-01-01T00:00:00.000Z"
    assert manual_clock.now() == 1767225600.0


def test_reset_one_scope_keeps_the_others(client: TestClient) -> None:
    call_id = ringout(client).json()["id"]
    response = client.post("/__emulator/reset", json={"scopes": ["journal"]})
    assert (response.status_code, response.json()) == (200, {"reset": ["journal"]})
    assert client.get("/__emulator/requests/count").json() == {"count": 0}
    assert client.get(f"/__emulator/calls/{call_id}").status_code == 200
    client.post("/__emulator/reset", json={"scopes": ["calls"]})
    assert client.get(f"/__emulator/calls/{call_id}").status_code == 404


def test_reset_unknown_scope_is_400(client: TestClient) -> None:
    response = client.post("/__emulator/reset", json={"scopes": ["calls", "everything", "all"]})
    message = (
        "Parameter [scopes] value is invalid. Unknown scope all, everything; valid: "
        "calls, tokens, journal, rules, scenarios, clock, ids, rate-limits, call-log, subscriptions, faults, deliveries"
    )
    assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName="scopes"))


def test_destructive_actions_are_never_get(client: TestClient) -> None:
    for path in ("/__emulator/reset", "/__emulator/seed", "/__emulator/clock/advance", "/__emulator/rules/1"):
        response = client.get(path)
        message = f"Method [GET] is not allowed for resource [{path}]"
        assert (response.status_code, response.json()) == (405, error("CMN-105", message)), path


def test_bodies_that_do_not_parse(client: TestClient) -> None:
    bad_json = client.post("/__emulator/seed", content=b"{nope", headers={"Content-Type": "application/json"})
    assert (bad_json.status_code, bad_json.json()) == (400, error("CMN-103", "JSON can't be parsed."))
    not_object = client.post("/__emulator/seed", json=[1])
    message = "Cannot parse request. The body must be a JSON object."
    assert (not_object.status_code, not_object.json()) == (400, error("CMN-104", message))
    wrong_type = client.post("/__emulator/seed", json={"seed": "x"})
    message = "Parameter [seed] value is invalid."
    assert (wrong_type.status_code, wrong_type.json()) == (400, error("CMN-101", message, parameterName="seed"))
    unknown_field = client.post("/__emulator/clock/advance", json={"seconds": 1, "minutes": 2})
    assert unknown_field.json() == error("CMN-101", "Parameter [minutes] value is invalid.", parameterName="minutes")


def test_unknown_control_path_is_404(client: TestClient) -> None:
    response = client.get("/__emulator/nothing")
    message = "Resource for parameter [path] is not found: GET /__emulator/nothing"
    assert (response.status_code, response.json()) == (404, error("CMN-102", message))


def test_seed_makes_ids_reproducible(client: TestClient) -> None:
    response = client.post("/__emulator/seed", json={"seed": 7})
    assert (response.status_code, response.json()) == (200, {"seed": 7})
    first = [ringout(client).json()["id"] for _ in range(3)]
    client.post("/__emulator/reset", json={"scopes": ["calls"]})
    client.post("/__emulator/seed", json={"seed": 7})
    assert [ringout(client).json()["id"] for _ in range(3)] == first
    client.post("/__emulator/seed", json={"seed": 7})  # the calls are still stored: their ids are not reissued
    again = [ringout(client).json()["id"] for _ in range(3)]
    assert set(again).isdisjoint(first)
    assert client.post("/__emulator/seed", json={"seed": None}).json() == {"seed": None}


def _session(client: TestClient) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    """A fixed request sequence; what came back, byte for byte (headers included)."""
    client.post("/__emulator/seed", json={"seed": 1234})
    responses = [ringout(client), ringout(client, "+12025550101"), ringout(client, "not a number")]
    call_id = responses[0].json()["id"]
    client.post("/__emulator/clock/advance", json={"seconds": 9})
    responses += [
        client.get(f"{RINGOUT}/{call_id}"),
        client.get(f"{RINGOUT}/unknown-id"),
        client.delete(f"{RINGOUT}/{call_id}"),
    ]
    return [(r.status_code, sorted(r.headers.items()), r.content) for r in responses]


def test_same_seed_same_requests_give_byte_identical_responses(make_client: Callable[..., TestClient]) -> None:
    first = _session(make_client(clock="manual"))
    second = _session(make_client(clock="manual"))
    assert first == second
    assert any(b"errorCode" in body for _, _, body in first)  # errors (and their RCRequestId) included


def test_control_token_guards_everything_but_health_and_ready(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual", control_token="s3cret")
    client.headers.pop("Authorization")
    denied = client.get("/__emulator/clock")
    message = (
        "The control plane needs its token: send 'Authorization: Bearer <token>' or 'X-Emulator-Control-Token: <token>'"
    )
    assert (denied.status_code, denied.json()) == (401, error("EMU-401", message))
    assert client.get("/__emulator/clock", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/__emulator/clock", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert client.get("/__emulator/clock", headers={"X-Emulator-Control-Token": "s3cret"}).status_code == 200
    assert client.post("/__emulator/reset", headers={"X-Emulator-Control-Token": "nope"}).status_code == 401
    assert client.get("/__emulator/health").status_code == 200
    assert client.get("/__emulator/ready").status_code == 200
