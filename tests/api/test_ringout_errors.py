"""Request validation and HTTP-level errors, all in RingCentral's shape (never FastAPI's 422)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.core.clock import ManualClock
from emulator.settings import Settings
from tests.api.helpers import BASE, SPELLINGS, check_against_spec, expect_error, expect_ringout, ringout_body, status
from tests.conftest import SEED_SAMPLE

FULLWIDTH = {ord(str(d)): 0xFF10 + d for d in range(10)}  # digits phonenumbers would fold

MakeClient = Callable[..., TestClient]
URL = f"{BASE}/ring-out"
TO = {"phoneNumber": "13455553434"}


Case = tuple[int, str, str, dict[str, str]]  # status, errorCode, message, extra fields


def expect_case(response: httpx.Response, case: Case) -> None:
    status_code, code, message, fields = case
    expect_error(response, status_code, code, message, **fields)


def invalid(parameter: str) -> Case:
    return 400, "CMN-101", f"Parameter [{parameter}] value is invalid.", {"parameterName": parameter}


TEL_108 = (400, "TEL-108", "phoneNumber specified in the from field is empty or invalid", {"parameterName": "from"})
TEL_109 = (400, "TEL-109", "phoneNumber specified in the to field is empty or invalid", {"parameterName": "to"})
CMN_100_TO = (400, "CMN-100", "Mandatory parameter [to] not specified.", {"parameterName": "to"})

CASES: list[tuple[str, Any, Case]] = [
    ("to missing", {"from": {"phoneNumber": "13445554444"}}, CMN_100_TO),
    ("to null", {"to": None}, CMN_100_TO),
    ("empty object", {}, CMN_100_TO),
    ("to without number", {"to": {}}, TEL_109),
    ("to empty", {"to": {"phoneNumber": ""}}, TEL_109),
    ("to letters", {"to": {"phoneNumber": "call me"}}, TEL_109),
    ("to too short", {"to": {"phoneNumber": "123"}}, TEL_109),
    ("to Arabic digits", {"to": {"phoneNumber": "١٣٤٥٥٥٥٣٤٣٤"}}, TEL_109),
    ("to RTL mark", {"to": {"phoneNumber": "\u200f13455553434"}}, TEL_109),
    ("from letters", {"from": {"phoneNumber": "nope"}, "to": TO}, TEL_108),
    ("from empty object", {"from": {}, "to": TO}, TEL_108),
    ("from fullwidth", {"from": {"phoneNumber": "13445554444".translate(FULLWIDTH)}, "to": TO}, TEL_108),
    (
        "unknown forwarding number",
        {"from": {"forwardingNumberId": "999"}, "to": TO},
        (
            404,
            "CMN-102",
            "Resource for parameter [forwardingNumberId] is not found",
            {"parameterName": "forwardingNumberId"},
        ),
    ),
    (
        "caller id not allowed",
        {**SEED_SAMPLE, "callerId": {"phoneNumber": "+16505550199"}},
        (403, "TEL-107", "Caller ID: [+16505550199] is not allowed", {"parameterName": "callerId"}),
    ),
    ("caller id not a number", {**SEED_SAMPLE, "callerId": {"phoneNumber": "x"}}, invalid("callerId.phoneNumber")),
    ("caller id without number", {**SEED_SAMPLE, "callerId": {}}, invalid("callerId.phoneNumber")),
    ("unknown country", {"to": TO, "country": {"id": "999"}}, invalid("country.id")),
    ("to number is a number", {"to": {"phoneNumber": 13455553434}}, invalid("to.phoneNumber")),
    ("to is a string", {"to": "13455553434"}, invalid("to")),
    ("from is a list", {"from": ["13445554444"], "to": TO}, invalid("from")),
    (
        "from id is a number",
        {"from": {"forwardingNumberId": 400131570002}, "to": TO},
        invalid("from.forwardingNumberId"),
    ),
    ("playPrompt string", {"to": TO, "playPrompt": "true"}, invalid("playPrompt")),
    ("playPrompt number", {"to": TO, "playPrompt": 1}, invalid("playPrompt")),
    ("country id number", {"to": TO, "country": {"id": 1}}, invalid("country.id")),
    ("callerId is a string", {**SEED_SAMPLE, "callerId": "+16505550100"}, invalid("callerId")),
]


@pytest.fixture(scope="module")
def stateless() -> Iterator[TestClient]:
    """One app for the requests below: each is refused before it can create a call."""
    app = create_app(Settings(clock="manual", auth="lenient", rate_limits="off"), clock=ManualClock(0))
    with TestClient(app, raise_server_exceptions=False, headers={"Authorization": "Bearer test"}) as client:
        client.event_hooks["response"].append(check_against_spec)
        yield client
    assert len(app.state.emulator.calls) == 0


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_invalid_bodies(stateless: TestClient, spelling: str, body: Any, expected: Case) -> None:
    expect_case(stateless.post(f"{BASE}/{spelling}", json=body), expected)


@pytest.mark.parametrize("raw", [b"{", b'{"to": ', b"not json", b"", b"{'to': 1}", b'{"to": {"phoneNumber": "1"}}}'])
def test_malformed_json(stateless: TestClient, raw: bytes) -> None:
    response = stateless.post(URL, content=raw, headers={"Content-Type": "application/json"})
    expect_error(response, 400, "CMN-103", "JSON can't be parsed.")


@pytest.mark.parametrize("raw", [b"[]", b"[1, 2]", b'"text"', b"42", b"null", b"true"])
def test_a_body_that_is_not_an_object(stateless: TestClient, raw: bytes) -> None:
    response = stateless.post(URL, content=raw, headers={"Content-Type": "application/json"})
    expect_error(response, 400, "CMN-104", "Cannot parse request. The body must be a JSON object.")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_wrong_content_type(stateless: TestClient, content_type: str) -> None:
    response = stateless.post(
        URL, content=b'{"to": {"phoneNumber": "13455553434"}}', headers={"Content-Type": content_type}
    )
    message = f"Unsupported Media Type: the request body must be application/json, got [{content_type}]"
    expect_error(response, 415, "CMN-415", message)


def test_too_large_a_body(stateless: TestClient) -> None:
    body = b'{"to": {"phoneNumber": "13455553434"}, "pad": "' + b"x" * 70_000 + b'"}'
    response = stateless.post(URL, content=body, headers={"Content-Type": "application/json"})
    expect_error(response, 413, "CMN-413", "Request body too large: at most 65536 bytes are accepted")


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/restapi/v1.0/account/~/extension/~/ring_out",
        "/restapi/v1.0/account/~/extension/~/ring-out/a/b",
        "/restapi/v1.0/account/~/extension/~/ring-out/",  # no redirect to the slash-less path
        "/restapi/v1.0/account/~/extension/~/ringout/abc/",
        "/restapi/v2.0/account/~/extension/~/ring-out",
    ],
)
def test_unknown_route(stateless: TestClient, path: str) -> None:
    response = stateless.get(path)
    expect_error(response, 404, "CMN-102", f"Resource for parameter [path] is not found: GET {path}")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", URL, "POST"),
        ("PUT", URL, "POST"),
        ("DELETE", URL, "POST"),
        ("POST", f"{URL}/abc", "GET, DELETE"),
        ("PUT", f"{URL}/abc", "GET, DELETE"),
        ("PATCH", f"{BASE}/ringout/abc", "GET, DELETE"),
        ("POST", "/__emulator/health", "GET"),
    ],
)
def test_wrong_method(stateless: TestClient, method: str, path: str, allow: str) -> None:
    response = stateless.request(method, path, json={})
    expect_error(response, 405, "CMN-105", f"Method [{method}] is not allowed for resource [{path}]")
    assert response.headers["allow"] == allow


def test_strict_validation_rejects_the_seeds_possible_but_invalid_numbers(make_client: MakeClient) -> None:
    client = make_client(clock="manual", phone_validation="strict")
    expect_case(client.post(URL, json=SEED_SAMPLE), TEL_109)
    valid_to = {**SEED_SAMPLE, "to": {"phoneNumber": "+13459491234"}}
    expect_case(client.post(URL, json=valid_to), TEL_108)
    response = client.post(URL, json={**valid_to, "from": {"phoneNumber": "+16505550111"}})
    assert ringout_body(response)["status"] == status("InProgress", "InProgress", "InProgress")


def test_store_cap_when_every_call_is_live(make_client: MakeClient) -> None:
    client = make_client(clock="manual", max_calls=2)
    first = client.post(URL, json=SEED_SAMPLE)
    expect_ringout(first, first.json()["id"], status("InProgress", "InProgress", "InProgress"))
    assert client.post(URL, json=SEED_SAMPLE).status_code == 200
    response = client.post(URL, json=SEED_SAMPLE)
    message = (
        "Service Temporary Unavailable: the emulator holds 2 live calls (MAX_CALLS); let some finish or cancel them"
    )
    expect_error(response, 503, "CMN-211", message)
    # Cancelling one makes room again: the cancelled call is the one evicted.
    assert client.delete(f"{URL}/{first.json()['id']}").status_code == 204
    assert client.post(URL, json=SEED_SAMPLE).status_code == 200
    assert client.get(f"{URL}/{first.json()['id']}").status_code == 404


def test_an_unexpected_error_is_a_ringcentral_500(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    emulator = client.app.state.emulator  # type: ignore[attr-defined]

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(emulator, "create_ringout", broken)
    response = client.post(URL, json=SEED_SAMPLE)
    expect_error(response, 500, "CMN-201", "Service Temporary Unavailable")
    assert "boom" not in response.text
