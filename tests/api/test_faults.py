"""Fault rules over HTTP, in-process: the control plane, error and throttle effects, before and
after, the header form, matching by operation and ``to``, the journal mark, the seed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from emulator.api.faults import ConnectionDropped
from tests.conftest import RINGOUT, SEED_SAMPLE

FAULTS = "/__emulator/faults"
EXTENSION = "/restapi/v1.0/account/~/extension/~"


def error(code: str, message: str, **fields: Any) -> dict[str, Any]:
    return {
        "errorCode": code,
        "message": message,
        "errors": [{"errorCode": code, "message": message, **fields}],
        **fields,
    }


def calls(client: TestClient) -> int:
    return len(client.get("/__emulator/calls").json()["records"])


def add(client: TestClient, **rule: Any) -> dict[str, Any]:
    response = client.post(FAULTS, json=rule)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_create_list_delete_clear(client: TestClient) -> None:
    created = client.post(FAULTS, json={"effect": "error", "status": 502, "operation": "createRingOutCall", "times": 2})
    rule = {
        "id": "1",
        "effect": "error",
        "when": "before",
        "status": 502,
        "operation": "createRingOutCall",
        "probability": 1.0,
        "hits": 0,
        "seen": 0,
        "times": 2,
        "remaining": 2,
    }
    assert (created.status_code, created.json()) == (201, rule)
    latency = add(client, effect="latency", delay="uniform", minMs=10, maxMs=20, pathPrefix="/restapi/")
    assert latency == {
        "id": "2",
        "effect": "latency",
        "when": "before",
        "delay": "uniform",
        "minMs": 10.0,
        "maxMs": 20.0,
        "pathPrefix": "/restapi/",
        "probability": 1.0,
        "hits": 0,
        "seen": 0,
    }
    assert client.get(FAULTS).json() == {"records": [rule, latency]}
    assert client.delete(f"{FAULTS}/1").status_code == 204
    missing = client.delete(f"{FAULTS}/1")
    message = "Resource for parameter [faultId] is not found"
    assert (missing.status_code, missing.json()) == (404, error("CMN-102", message, parameterName="faultId"))
    assert client.delete(FAULTS).status_code == 204
    assert client.get(FAULTS).json() == {"records": []}


@pytest.mark.parametrize(
    ("rule", "parameter", "detail"),
    [
        ({"effect": "error", "status": 418}, "status", "status must be one of 500, 502, 503, 504."),
        ({"effect": "truncate", "when": "before"}, "when", "truncate damages a response: when must be 'after'."),
        ({"effect": "latency", "delay": "uniform", "minMs": 5, "maxMs": 1}, "minMs", "minMs must not exceed maxMs."),
        # a parameter its effect would ignore: no slow error, no delayed reset
        ({"effect": "error", "ms": 2000}, "ms", "ms does not apply to error."),
        ({"effect": "reset", "status": 502}, "status", "status does not apply to reset."),
        ({"effect": "throttle", "status": 503}, "status", "status does not apply to throttle."),
        ({"effect": "latency", "minMs": 5, "maxMs": 10}, "maxMs", "maxMs does not apply to latency with delay fixed."),
        ({"effect": "latency", "delay": "uniform", "ms": 5}, "ms", "ms does not apply to latency with delay uniform."),
        ({"effect": "dribble", "keepBytes": 3}, "keepBytes", "keepBytes does not apply to dribble."),
        # 1,000 chunks 60 s apart held a connection for 16 hours; a latency stops at 60 s
        (
            {"effect": "dribble", "chunks": 1000, "ms": 60_000},
            "ms",
            "A dribble's pauses ((chunks - 1) x ms) must last at most 60000 ms in all.",
        ),
        # a rule that could never fire is refused, not listed as if it would
        (
            {"effect": "error", "operation": "createRingoutCall"},
            "operation",
            "Not an operationId of the platform's routes (see openapi.yaml), e.g. createRingOutCall.",
        ),
        (
            {"effect": "error", "start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"},
            "end",
            "end must be later than start.",
        ),
        (
            {"effect": "error", "start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"},
            "end",
            "end must be later than start.",
        ),
        # datetime's own range ends sooner than these: they once raised out of the route (a bare 500)
        (
            {"effect": "error", "start": "0001-01-01T00:00:00"},
            "start",
            "It must be within 1970-01-01T00:00:00Z .. 9000-01-01T00:00:00Z.",
        ),
        (
            {"effect": "error", "end": "9999-12-31T23:59:59Z"},
            "end",
            "It must be within 1970-01-01T00:00:00Z .. 9000-01-01T00:00:00Z.",
        ),
    ],
)
def test_a_rule_that_cannot_apply_is_400(client: TestClient, rule: dict[str, Any], parameter: str, detail: str) -> None:
    response = client.post(FAULTS, json=rule)
    message = f"Parameter [{parameter}] value is invalid. {detail}"
    assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName=parameter))
    assert client.get(FAULTS).json() == {"records": []}


@pytest.mark.parametrize("field", ["account", "extension"])
def test_an_empty_id_to_match_is_400_not_a_rule_that_never_fires(client: TestClient, field: str) -> None:
    response = client.post(FAULTS, json={"effect": "error", field: ""})
    message = f"Parameter [{field}] value is invalid."
    assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName=field))
    assert client.get(FAULTS).json() == {"records": []}


def test_an_unknown_effect_is_400_naming_the_choices(client: TestClient) -> None:
    response = client.post(FAULTS, json={"effect": "explode"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameterName"] == "effect"
    assert "latency" in response.json()["message"]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (500, "Service Temporary Unavailable"),
        (502, "Bad Gateway"),
        (503, "Service Temporary Unavailable"),
        (504, "Gateway Timeout"),
    ],
)
def test_an_error_fault_answers_the_platforms_body_and_changes_nothing(
    client: TestClient, status: int, message: str
) -> None:
    add(client, effect="error", status=status, operation="createRingOutCall")
    response = client.post(RINGOUT, json=SEED_SAMPLE)
    assert (response.status_code, response.json()) == (status, error("CMN-201", message))
    assert response.headers.get("retry-after") == ("1" if status == 503 else None)
    assert response.headers["x-emulator-note"] == "Injected by fault rule 1; list the rules: GET /__emulator/faults"
    assert "rcrequestid" in response.headers
    assert calls(client) == 0
    assert client.get(FAULTS).json()["records"][0]["hits"] == 1


def test_a_throttle_fault_is_a_429_with_the_rate_limit_headers(client: TestClient) -> None:
    add(client, effect="throttle", retryAfter=7, method="POST")
    response = client.post(RINGOUT, json=SEED_SAMPLE)
    assert (response.status_code, response.json()) == (429, error("CMN-301", "Request rate exceeded"))
    headers = {name: response.headers.get(name) for name in ("retry-after", "x-rate-limit-group", "x-rate-limit-limit")}
    assert headers == {"retry-after": "7", "x-rate-limit-group": "heavy", "x-rate-limit-limit": "10"}
    assert (response.headers["x-rate-limit-window"], response.headers["x-rate-limit-remaining"]) == ("60", "0")
    assert calls(client) == 0


def test_a_throttle_fault_retry_after_defaults_to_the_penalty(client: TestClient) -> None:
    add(client, effect="throttle")
    response = client.get(EXTENSION)
    assert (response.status_code, response.headers["retry-after"], response.headers["x-rate-limit-group"]) == (
        429,
        "60",
        "light",
    )


def test_after_the_operation_happens_then_its_response_is_lost(client: TestClient) -> None:
    add(client, effect="error", status=504, when="after", operation="createRingOutCall", times=1)
    lost = client.post(RINGOUT, json=SEED_SAMPLE)
    assert (lost.status_code, lost.json()) == (504, error("CMN-201", "Gateway Timeout"))
    assert calls(client) == 1  # created: only the answer was lost
    assert client.post(RINGOUT, json=SEED_SAMPLE).status_code == 200  # times: 1
    assert calls(client) == 2


def test_a_rule_matches_its_operation_only(client: TestClient) -> None:
    add(client, effect="error", operation="readExtension")
    assert client.post(RINGOUT, json=SEED_SAMPLE).status_code == 200
    assert client.get(EXTENSION).status_code == 503
    assert client.get("/__emulator/health").status_code == 200  # the control plane is never faulted


def test_a_rule_on_to_reads_the_body_and_leaves_it_to_the_route(client: TestClient) -> None:
    add(client, effect="error", to="+13455553434")
    assert client.post(RINGOUT, json=SEED_SAMPLE).status_code == 503
    other = {**SEED_SAMPLE, "to": {"phoneNumber": "+1 (650) 555-0123"}}
    created = client.post(RINGOUT, json=other)
    assert created.status_code == 200, created.text
    assert client.get("/__emulator/calls").json()["records"][0]["to"] == "+16505550123"
    assert client.get(EXTENSION).status_code == 200  # no body, no `to`


@pytest.mark.parametrize(
    "to",
    [
        {"to": {"phoneNumber": "(650) 555-0100"}},  # national: the account's home country (US)
        {"to": {"phoneNumber": "650-555-0100"}},
        {"to": {"phoneNumber": "16505550100"}},
        {"to": {"phoneNumber": "6505550100"}, "country": {"id": "1"}},
    ],
)
def test_a_rule_on_to_matches_the_number_the_call_would_dial(client: TestClient, to: dict[str, Any]) -> None:
    add(client, effect="error", to="+16505550100")
    body = {**SEED_SAMPLE, **to}
    refused = client.post(RINGOUT, json=body)
    assert (refused.status_code, refused.json()["errorCode"]) == (503, "CMN-201")
    assert calls(client) == 0
    assert client.delete(FAULTS).status_code == 204
    assert client.post(RINGOUT, json=body).status_code == 200
    assert client.get("/__emulator/calls").json()["records"][0]["to"] == "+16505550100"


def test_a_rule_on_to_leaves_a_body_too_deep_to_read_to_the_route(client: TestClient) -> None:
    add(client, effect="error", to="+16505550100")
    deep = b"[" * 60_000  # json.loads raised RecursionError out of the fault layer: a bare 500
    response = client.post(RINGOUT, content=deep, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()) == (400, error("CMN-103", "JSON can't be parsed."))
    assert client.get(FAULTS).json()["records"][0]["seen"] == 0


def test_a_rule_on_to_reads_a_national_number_in_the_bodys_country(client: TestClient) -> None:
    add(client, effect="error", to="+442079460000")
    london = {**SEED_SAMPLE, "to": {"phoneNumber": "020 7946 0000"}, "country": {"id": "224"}}
    assert client.post(RINGOUT, json=london).status_code == 503


def test_the_header_form_faults_one_request(client: TestClient) -> None:
    response = client.post(RINGOUT, json=SEED_SAMPLE, headers={"X-Emulator-Fault": "error; status=503; retryAfter=4"})
    assert (response.status_code, response.headers["retry-after"]) == (503, "4")
    assert response.headers["x-emulator-note"] == (
        "Injected by the X-Emulator-Fault header; list the rules: GET /__emulator/faults"
    )
    assert client.post(RINGOUT, json=SEED_SAMPLE).status_code == 200


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("error;status", "Expected name=value, got [status]."),
        ("error;status=418", "status must be one of 500, 502, 503, 504."),
        ("error;colour=red", "Parameter [colour] value is invalid."),
        ("latency" + ";delay=fixed" * 50 + ";ms=50", "It must be at most 512 characters."),  # not cut before ms
        ("empty;ms=100", "ms does not apply to empty."),
    ],
)
def test_a_bad_fault_header_is_400(client: TestClient, header: str, detail: str) -> None:
    response = client.post(RINGOUT, json=SEED_SAMPLE, headers={"X-Emulator-Fault": header})
    message = f"Parameter [X-Emulator-Fault] value is invalid. {detail}"
    assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName="X-Emulator-Fault"))
    assert calls(client) == 0


def test_the_journal_marks_a_faulted_request(client: TestClient) -> None:
    add(client, effect="error", operation="readExtension")
    client.get(EXTENSION)
    client.post(RINGOUT, json=SEED_SAMPLE)
    faulted, plain = client.get("/__emulator/requests").json()["records"]
    assert (faulted["status"], faulted["fault"]) == (503, {"rule": "1", "effect": "error", "when": "before"})
    assert "fault" not in plain


def test_reset_scope_faults_clears_the_rules(client: TestClient) -> None:
    add(client, effect="reset")
    assert client.post("/__emulator/reset", json={"scopes": ["faults"]}).json() == {"reset": ["faults"]}
    assert client.get(FAULTS).json() == {"records": []}
    assert add(client, effect="reset")["id"] == "1"


def test_a_seeded_emulator_injects_the_same_faults(make_client: Callable[..., TestClient]) -> None:
    runs = []
    for _ in range(2):
        client = make_client(clock="manual", seed=5)
        add(client, effect="error", probability=0.5, operation="readExtension")
        runs.append([client.get(EXTENSION).status_code for _ in range(30)])
    assert runs[0] == runs[1]
    assert set(runs[0]) == {200, 503}


def test_in_process_a_connection_effect_raises_connection_dropped(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual")
    strict = TestClient(client.app, headers=dict(client.headers))
    with pytest.raises(ConnectionDropped):
        strict.get(EXTENSION, headers={"X-Emulator-Fault": "reset"})


def test_a_window_without_a_zone_is_utc_like_the_clock(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")  # not the host's zone: the emulator's clock is UTC
    time.tzset()
    try:
        rule = add(client, effect="error", start="2026-01-01T00:00:10", end="2026-01-01T01:00:00")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert (rule["start"], rule["end"]) == ("2026-01-01T00:00:10.000Z", "2026-01-01T01:00:00.000Z")


def test_a_window_on_the_emulators_clock(client: TestClient) -> None:
    rule = add(client, effect="error", start="2026-01-01T00:00:10Z", end="2026-01-01T00:00:20Z")
    assert (rule["start"], rule["end"]) == ("2026-01-01T00:00:10.000Z", "2026-01-01T00:00:20.000Z")
    statuses = []
    for seconds in (0, 10, 10):
        if seconds:
            assert client.post("/__emulator/clock/advance", json={"seconds": seconds}).status_code == 200
        statuses.append(client.get(EXTENSION).status_code)
    assert statuses == [200, 503, 200]
