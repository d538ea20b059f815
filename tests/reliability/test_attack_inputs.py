"""Hostile values against a served ``python -m emulator``: every integer query parameter
``openapi.yaml`` declares, the clock pushed out of range, scenario names with control characters,
deleting a scenario something still uses, reseeding under stored calls, a full call store, and
every operation with hostile path and query values (never a 5xx, always the route's error shape)."""

from __future__ import annotations

import time
from functools import partial
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.contract.openapi_doc import OPENAPI_FILE, Operation, deref, load, operations
from tests.reliability.attack import (
    APP_BASIC,
    Emulator,
    assert_answered,
    assert_error,
    client_for,
    fill,
    problem,
    report,
    sent,
    served,
)

DOC = load(OPENAPI_FILE)
OPERATIONS = list(operations(DOC))
CLOCK = "/__emulator/clock"
SCENARIO = {
    "description": "mine",
    "steps": [{"at": 0, "caller": "InProgress", "callee": "InProgress"}, {"at": 1, "callee": "Busy"}],
}
STORE_CAP = 50

emulator = served("--clock", "manual", "--auth", "lenient")
small_store = served("--clock", "manual", "--auth", "lenient", "--max-calls", str(STORE_CAP), name="small_store")


def query_params(op: Operation) -> list[dict[str, Any]]:
    return [p for p in deref(DOC, op.spec["parameters"]) if p["in"] == "query"]


# --- integers -----------------------------------------------------------------------------

INTEGER_PARAMS = [
    (op, param["name"])
    for op in OPERATIONS
    for param in query_params(op)
    if param.get("schema", {}).get("type") == "integer"
]
NOT_INTEGERS = ["9" * 5000, "-1", "1e3", "0x10", "", "\u0661", "\uff11", "1_000", "1.0", " ", "+"]
GOOD_INTEGER = {"page": "1", "perPage": "1", "limit": "0", "status": "200"}


def invalid_parameter(response: httpx.Response, name: str) -> None:
    body = assert_error(response, 400, "CMN-101")
    assert body["errors"][0].get("parameterName") == name, body


@pytest.mark.parametrize(("op", "name"), INTEGER_PARAMS, ids=lambda v: v if isinstance(v, str) else v.path)
@pytest.mark.parametrize("authenticated", [True, False], ids=["with auth", "without auth"])
def test_a_value_that_is_no_integer_is_400_naming_the_parameter(
    emulator: Emulator, op: Operation, name: str, authenticated: bool
) -> None:
    headers = {"Authorization": "Bearer reliability-test-token"} if authenticated else {}
    wrong: dict[str, str | None] = {}
    with httpx.Client(base_url=emulator.url, headers=headers, timeout=10) as http:
        for value in NOT_INTEGERS:
            response = sent(http, op.method, fill(op.path), params={name: value})
            if found := problem(partial(invalid_parameter, name=name), response):
                wrong[repr(value[:20])] = found
        if authenticated:
            good = http.request(op.method, fill(op.path), params={name: GOOD_INTEGER[name]})
            assert good.status_code == 200, good.text
    assert not wrong, report(wrong)


# --- the clock ----------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b'{"seconds": 1e308}', b'{"seconds": -1}', b'{"seconds": 1e400}'])
def test_an_advance_out_of_range_is_400_and_the_clock_stays(http: httpx.Client, body: bytes) -> None:
    before = http.get(CLOCK).json()
    response = http.post(f"{CLOCK}/advance", content=body, headers={"Content-Type": "application/json"})
    assert_error(response, 400, "CMN-101")
    assert http.get(CLOCK).json() == before


@pytest.mark.parametrize("body", [b'{"seconds": NaN}', b'{"seconds": Infinity}', b'{"seconds": -Infinity}'])
def test_an_advance_by_a_non_number_is_400_and_the_clock_stays(http: httpx.Client, body: bytes) -> None:
    before = http.get(CLOCK).json()
    response = http.post(f"{CLOCK}/advance", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert_answered(response, CLOCK)
    assert http.get(CLOCK).json() == before


def test_the_clock_cannot_pass_its_documented_end(http: httpx.Client) -> None:
    """The clock stays within 1970..9000 (README), so a call's times never overflow a date."""
    assert_error(http.put(CLOCK, json={"now": "9999-12-31T23:59:59Z"}), 400, "CMN-101")
    moved = http.put(CLOCK, json={"now": "8999-12-31T23:59:59Z"})
    assert moved.status_code == 200, moved.text
    assert_error(http.post(f"{CLOCK}/advance", json={"seconds": 1.5}), 400, "CMN-101")
    assert_error(http.post(f"{CLOCK}/advance", json={"seconds": 315_360_000}), 400, "CMN-101")
    after = http.get(CLOCK)
    assert after.status_code == 200, after.text
    assert after.json()["now"] == "8999-12-31T23:59:59.000Z"


# --- scenario names -----------------------------------------------------------------------

CONTROL_NAMES = ["success\n", "success\r", "succ\x00ess", "success\t", "\x1bsuccess", "success\x7f"]


@pytest.mark.parametrize("name", CONTROL_NAMES, ids=repr)
def test_an_upload_named_with_a_control_character_is_400(http: httpx.Client, name: str) -> None:
    response = http.put(f"/__emulator/scenarios/{quote(name, safe='')}", json=SCENARIO)
    assert_error(response, 400, "CMN-101")
    names = [record["name"] for record in http.get("/__emulator/scenarios").json()["records"]]
    assert all(n.isprintable() for n in names), names


def assert_lists_valid_names(response: httpx.Response) -> None:
    body = assert_error(response, 400, "CMN-101")
    assert "success" in body["message"] and "busy" in body["message"], body["message"]


@pytest.mark.parametrize("name", [*CONTROL_NAMES, "nope"], ids=repr)
@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("PUT", "/__emulator/default-scenario", {}),
        ("POST", "/__emulator/scenarios/queue", {}),
        ("POST", "/__emulator/rules", {"toPrefix": "+1"}),
    ],
    ids=["default", "queue", "rules"],
)
def test_an_unknown_or_control_character_name_is_400_listing_the_valid_names(
    http: httpx.Client, method: str, path: str, extra: dict[str, str], name: str
) -> None:
    assert_lists_valid_names(http.request(method, path, json={"scenario": name, **extra}))


@pytest.mark.parametrize("value", ["success%0A", "success%00", "nope", "suc\tcess"], ids=repr)
def test_an_unknown_scenario_header_is_400_listing_the_valid_names(http: httpx.Client, value: str) -> None:
    response = http.post(RINGOUT, json=SEED_SAMPLE, headers={"X-Emulator-Scenario": value})
    assert_lists_valid_names(response)
    assert response.json()["parameterName"] == "X-Emulator-Scenario"
    assert http.get("/__emulator/calls").json()["records"] == []


# --- deleting a scenario in use -----------------------------------------------------------

MINE = "/__emulator/scenarios/mine"


def upload_mine(http: httpx.Client) -> None:
    uploaded = http.put(MINE, json=SCENARIO)
    assert uploaded.status_code == 201, uploaded.text


def test_deleting_the_default_scenario_is_409_naming_it(http: httpx.Client) -> None:
    upload_mine(http)
    assert http.put("/__emulator/default-scenario", json={"scenario": "mine"}).status_code == 200
    body = assert_error(http.delete(MINE), 409, "EMU-409")
    assert "default" in body["message"], body
    assert http.get(MINE).status_code == 200
    assert http.put("/__emulator/default-scenario", json={"scenario": "success"}).status_code == 200
    assert http.delete(MINE).status_code == 204


@pytest.mark.parametrize(
    ("path", "extra"),
    [("/__emulator/rules", {"toPrefix": "+1"}), ("/__emulator/scenarios/queue", {})],
    ids=["rule", "queue"],
)
def test_deleting_a_scenario_a_rule_or_queue_entry_uses_is_409_naming_it(
    http: httpx.Client, path: str, extra: dict[str, str]
) -> None:
    upload_mine(http)
    referrer = http.post(path, json={"scenario": "mine", **extra})
    assert referrer.status_code == 201, referrer.text
    body = assert_error(http.delete(MINE), 409, "EMU-409")
    assert referrer.json()["id"] in body["message"], body
    assert http.get(MINE).status_code == 200
    assert http.delete(path).status_code == 204
    assert http.delete(MINE).status_code == 204


# --- reseeding ----------------------------------------------------------------------------


def login(http: httpx.Client, jwt: str) -> dict[str, str]:
    response = http.post(
        "/restapi/oauth/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": jwt},
        headers={"Authorization": APP_BASIC},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_reseeding_never_gives_a_stored_call_id_again(http: httpx.Client) -> None:
    """Three extensions (two accounts) create calls; the seed is set to 1 twice in between."""
    callers = [login(http, jwt) for jwt in ("emulator-jwt", "emulator-jwt-102", "emulator-jwt-201")]
    numbers = iter(f"1345555{n:04d}" for n in range(100))
    made: dict[str, tuple[int, str]] = {}  # id: (which caller, the number it called); no token in a message

    def create_some() -> None:
        for n, caller in enumerate(callers):
            to = next(numbers)
            created = http.post(RINGOUT, json={"to": {"phoneNumber": to}}, headers=caller)
            assert created.status_code == 200, created.text
            assert created.json()["id"] not in made, "a call id given twice"
            made[created.json()["id"]] = (n, to)

    create_some()
    for _ in range(2):
        assert http.post("/__emulator/seed", json={"seed": 1}).status_code == 200
        create_some()
    assert len(made) == 9
    for call_id, (n, to) in made.items():
        read = http.get(f"{RINGOUT}/{call_id}", headers=callers[n])
        assert (read.status_code, read.json()["id"]) == (200, call_id), read.text
        assert http.get(f"/__emulator/calls/{call_id}").json()["to"].endswith(to)


# --- a full store -------------------------------------------------------------------------


def test_a_full_store_refuses_fast_and_still_serves_reads(small_store: Emulator) -> None:
    """With the manual clock standing still every call stays live: past the cap every create is
    refused. 200 creates-then-refusals within 2 s: a loose guard against a scan per refusal."""
    with client_for(small_store) as http:
        started = time.perf_counter()
        answers = [http.post(RINGOUT, json=SEED_SAMPLE, headers={"X-Emulator-Scenario": "success"}) for _ in range(200)]
        elapsed = time.perf_counter() - started
        assert [r.status_code for r in answers] == [200] * STORE_CAP + [503] * (200 - STORE_CAP)
        assert_error(answers[-1], 503, "CMN-211")
        assert elapsed < 2.0
        first = answers[0].json()["id"]
        assert http.get(f"{RINGOUT}/{first}").status_code == 200
        assert len(http.get("/__emulator/calls").json()["records"]) == STORE_CAP


# --- every operation, hostile path and query values ---------------------------------------

HOSTILE = ["%00", "%0A", "A" * 4000, "..%2F..%2Fetc", "%E2%80%AE", "%FF", "9" * 5000, "%", "{}", "\u0661"]


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_hostile_path_and_query_values_never_get_a_5xx(http: httpx.Client, op: Operation) -> None:
    names = [p["name"] for p in query_params(op)]
    wrong: dict[str, str] = {}
    for value in HOSTILE:
        path = op.path
        for param in ("accountId", "extensionId", "ringoutId", "callId", "name", "leg", "ruleId"):
            path = path.replace(f"{{{param}}}", value)
        query = "&".join(f"{name}={value}" for name in names)
        response = sent(http, op.method, f"{path}?{query}" if query else path)
        if found := problem(partial(assert_answered, path=op.path), response):
            wrong[repr(value[:20])] = found
    assert not wrong, report(wrong)
