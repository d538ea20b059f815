"""A corpus of bad input against the real server: every entry gets a RingCentral-shaped 4xx with the
exact status and errorCode, and the calls already stored are unchanged.

Duplicate JSON keys: the last one wins (as in JavaScript's ``JSON.parse`` and Python's ``json``);
no error is raised for them. Numbers the JSON parser cannot hold (thousands of digits) and nesting
deeper than the parser's limit are "JSON can't be parsed" (CMN-103)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from functools import partial
from typing import Any

import httpx
import pytest

from emulator.server import EmulatorServer
from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.reliability.attack import body_routes, problem, report, sent
from tests.reliability.conftest import AUTH

JSON = {"Content-Type": "application/json"}
TO = {"phoneNumber": "13455553434"}


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


# (id, raw body, extra headers, status, errorCode, parameterName or None)
CORPUS: list[tuple[str, bytes, dict[str, str], int, str, str | None]] = [
    ("malformed", b'{"to": }', JSON, 400, "CMN-103", None),
    ("truncated", b'{"to": {"phoneNumber": "1345', JSON, 400, "CMN-103", None),
    ("empty body", b"", JSON, 400, "CMN-103", None),
    ("not utf-8", b'\xff\xfe{"to": 1}', JSON, 400, "CMN-103", None),
    ("array body", b"[]", JSON, 400, "CMN-104", None),
    ("null body", b"null", JSON, 400, "CMN-104", None),
    ("number body", b"42", JSON, 400, "CMN-104", None),
    ("to is a string", body({"to": "13455553434"}), JSON, 400, "CMN-101", "to"),
    ("phoneNumber is a number", body({"to": {"phoneNumber": 13455553434}}), JSON, 400, "CMN-101", "to.phoneNumber"),
    ("playPrompt is a string", body({"to": TO, "playPrompt": "yes"}), JSON, 400, "CMN-101", "playPrompt"),
    ("from is a list", body({"to": TO, "from": []}), JSON, 400, "CMN-101", "from"),
    ("to is null", body({"to": None}), JSON, 400, "CMN-100", "to"),
    ("to missing", body({"from": {"phoneNumber": "13445554444"}}), JSON, 400, "CMN-100", "to"),
    ("phoneNumber is null", body({"to": {"phoneNumber": None}}), JSON, 400, "TEL-109", "to"),
    ("callerId without number", body({"to": TO, "callerId": {}}), JSON, 400, "CMN-101", "callerId.phoneNumber"),
    ("huge float", b'{"to": {"phoneNumber": 1e400}}', JSON, 400, "CMN-101", "to.phoneNumber"),
    ("huge integer", b'{"to": {"phoneNumber": ' + b"9" * 5000 + b"}}", JSON, 400, "CMN-103", None),
    ("huge string", body({"to": {"phoneNumber": "1" * 60_000}}), JSON, 400, "TEL-109", "to"),
    (
        "arabic-indic digits",
        body({"to": {"phoneNumber": "\u0661\u0663\u0664\u0665\u0665\u0665\u0665\u0663\u0664\u0663\u0664"}}),
        JSON,
        400,
        "TEL-109",
        "to",
    ),
    (
        "fullwidth digits",
        body({"to": {"phoneNumber": "\uff11\uff13\uff14\uff15\uff15\uff15\uff15\uff13\uff14\uff13\uff14"}}),
        JSON,
        400,
        "TEL-109",
        "to",
    ),
    ("RTL mark in to", body({"to": {"phoneNumber": "\u200f13455553434"}}), JSON, 400, "TEL-109", "to"),
    (
        "RTL override in from",
        body({"to": TO, "from": {"phoneNumber": "1344555\u202e4444"}}),
        JSON,
        400,
        "TEL-108",
        "from",
    ),
    ("deeply nested", b'{"to": ' + b"[" * 20_000 + b"]" * 20_000 + b"}", JSON, 400, "CMN-103", None),
    (
        "deeply nested ignored field",
        b'{"to": {"phoneNumber": "13455553434"}, "x": ' + b'{"a":' * 10_000 + b"1" + b"}" * 10_001,
        JSON,
        400,
        "CMN-103",
        None,
    ),
    (
        "duplicate keys, last invalid",
        b'{"to": {"phoneNumber": "13455553434"}, "to": {"phoneNumber": "abc"}}',
        JSON,
        400,
        "TEL-109",
        "to",
    ),
    ("body over 64 KiB", body({"to": TO, "pad": "x" * 70_000}), JSON, 413, "CMN-413", None),
    ("text/plain", body(SEED_SAMPLE), {"Content-Type": "text/plain"}, 415, "CMN-415", None),
    ("form encoded", b"to=13455553434", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "CMN-415", None),
    ("multipart", b"--x--", {"Content-Type": "multipart/form-data; boundary=x"}, 415, "CMN-415", None),
    ("no content type, form body", b"to=13455553434", {}, 400, "CMN-103", None),
    (
        "unknown scenario header",
        body(SEED_SAMPLE),
        {**JSON, "X-Emulator-Scenario": "../../etc/passwd"},
        400,
        "CMN-101",
        "X-Emulator-Scenario",
    ),
    (
        "url-encoded CRLF in scenario header",
        body(SEED_SAMPLE),
        {**JSON, "X-Emulator-Scenario": "busy%0d%0aX-Injected:%20yes"},
        400,
        "CMN-101",
        "X-Emulator-Scenario",
    ),
    (
        "8 KiB scenario header",
        body(SEED_SAMPLE),
        {**JSON, "X-Emulator-Scenario": "s" * 8192},
        400,
        "CMN-101",
        "X-Emulator-Scenario",
    ),
]


@pytest.fixture
def client(live_server: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, headers=AUTH, timeout=10) as http:
        yield http


def stored_bodies(client: httpx.Client, ids: list[str]) -> list[Any]:
    return [client.get(f"{RINGOUT}/{call_id}").json() for call_id in ids]


def assert_ringcentral_error(response: httpx.Response, status: int, code: str, parameter: str | None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()
    assert error["errorCode"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert error["errors"][0]["errorCode"] == code
    assert error.get("parameterName") == parameter
    assert "x-injected" not in response.headers


def test_bad_input_gets_a_ringcentral_4xx_and_changes_no_stored_call(client: httpx.Client) -> None:
    ids = [client.post(RINGOUT, json=SEED_SAMPLE).json()["id"] for _ in range(3)]
    before = stored_bodies(client, ids)
    for name, raw, headers, status, code, parameter in CORPUS:
        response = client.post(RINGOUT, content=raw, headers=headers)
        try:
            assert_ringcentral_error(response, status, code, parameter)
        except AssertionError as exc:
            raise AssertionError(f"corpus entry {name!r}: {exc}") from exc
    assert stored_bodies(client, ids) == before
    assert len(client.get(f"{RINGOUT}/{ids[0]}").json()["id"]) > 0


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        (f"{RINGOUT}/{'A' * 4000}", 404, "CMN-102"),
        (f"{RINGOUT}/%00%0d%0a", 404, "CMN-102"),
        (f"{RINGOUT}/..%2F..%2Fetc", 404, "CMN-102"),
    ],
)
def test_bad_ids_are_404(client: httpx.Client, path: str, status: int, code: str) -> None:
    for method in ("GET", "DELETE"):
        response = client.request(method, path)
        assert (response.status_code, response.json()["errorCode"]) == (status, code)


def test_duplicate_keys_last_one_wins(client: httpx.Client) -> None:
    raw = b'{"to": {"phoneNumber": "abc"}, "to": {"phoneNumber": "13455553434"}}'
    response = client.post(RINGOUT, content=raw, headers=JSON)
    assert response.status_code == 200, response.text


def test_crlf_in_the_scenario_header_injects_nothing(live_server: EmulatorServer) -> None:
    """On the wire a CRLF ends the header: what follows is a header of its own, and the response
    names only the scenario the catalogue knows, never the raw header value."""
    payload = body(SEED_SAMPLE)
    host, port = live_server.url.removeprefix("http://").split(":")
    request = (
        f"POST {RINGOUT} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {AUTH['Authorization']}\r\n"
        f"Content-Type: application/json\r\nX-Emulator-Scenario: busy\r\nX-Injected: yes\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    ).encode() + payload
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, _ = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 200 OK"
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    assert headers["x-emulator-scenario"] == "busy"
    assert "x-injected" not in headers


def test_crlf_inside_a_header_value_is_an_unknown_scenario(live_server: EmulatorServer) -> None:
    """A value that still holds CR/LF when it reaches the app (in-process, no HTTP parser between):
    refused as an unknown scenario, and nothing of it lands in a response header."""
    from fastapi.testclient import TestClient

    with TestClient(live_server.app, headers=AUTH) as in_process:
        ids = [call.id for call in live_server.app.state.emulator.calls]
        response = in_process.post(
            RINGOUT, json=SEED_SAMPLE, headers={"X-Emulator-Scenario": "busy\r\nX-Injected: yes"}
        )
        assert_ringcentral_error(response, 400, "CMN-101", "X-Emulator-Scenario")
        assert [call.id for call in live_server.app.state.emulator.calls] == ids


def test_a_chunked_body_over_64_kib_is_413_without_a_content_length(client: httpx.Client) -> None:
    chunks = iter([b'{"to": {"phoneNumber": "13455553434"}, "pad": "', b"x" * 40_000, b"x" * 40_000, b'"}'])
    response = client.post(RINGOUT, content=chunks, headers=JSON)
    assert "content-length" not in response.request.headers
    assert_ringcentral_error(response, 413, "CMN-413", None)


def test_a_chunked_body_under_the_limit_is_read_whole(client: httpx.Client) -> None:
    chunks = iter([b'{"to": {"phoneNumber": "1345', b'5553434"}, "playPrompt": true}'])
    response = client.post(RINGOUT, content=chunks, headers=JSON)
    assert response.status_code == 200, response.text


SYNTAX = [name for name, _, _, _, code, _ in CORPUS if code == "CMN-103" and name != "empty body"]


def test_json_that_cannot_be_parsed_is_cmn_103_on_every_json_body_route(client: httpx.Client) -> None:
    """The corpus's unparseable bodies on every route ``openapi.yaml`` gives a JSON body."""
    call_id = client.post(RINGOUT, json=SEED_SAMPLE).json()["id"]
    wrong: dict[str, str] = {}
    for route in body_routes():
        if "application/json" not in route.media_types:
            continue
        for name, raw, headers, _, _, _ in (entry for entry in CORPUS if entry[0] in SYNTAX):
            response = sent(client, route.method, route.path(call_id), content=raw, headers=headers)
            if found := problem(
                partial(assert_ringcentral_error, status=400, code="CMN-103", parameter=None), response
            ):
                wrong[f"{route} {name}"] = found
    assert not wrong, report(wrong)
