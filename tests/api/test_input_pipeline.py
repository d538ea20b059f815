"""The one input pipeline, on every body-taking route of ``openapi.yaml``: the media type is checked
first (415), a body past the route's limit is 413 whether declared or chunked, and nothing stored
is lost; every response carries an ``RCRequestId``; the journal keeps a bounded entry."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from emulator.api.inputs import FORM_LIMIT, JSON_LIMIT, UPLOAD_LIMIT
from emulator.api.journal import ENTRY_CAP
from tests.api.control_helpers import error, ringout
from tests.contract.openapi_doc import OPENAPI_FILE, load, operations_by_key

CALL_ID = "CALL"
OPS = operations_by_key(load(OPENAPI_FILE))
BODYLESS = {
    ("POST", "/restapi/v1.0/subscription/{subscriptionId}/renew"),  # "comes with empty body": ignored
    ("POST", "/restapi/oauth/wstoken"),  # the SDKs send an empty body under any Content-Type: ignored, unread
}
BODY_ROUTES = sorted(key for key in OPS if key[0] in ("POST", "PUT") and key not in BODYLESS)
LIMITS = {
    "/restapi/oauth/token": FORM_LIMIT,
    "/restapi/oauth/revoke": FORM_LIMIT,
    "/__emulator/scenarios/{name}": UPLOAD_LIMIT,
}
MEDIA = {
    "/restapi/oauth/token": "application/x-www-form-urlencoded",
    "/restapi/oauth/revoke": "application/x-www-form-urlencoded",
}


def url(path: str, call_id: str) -> str:
    concrete = path.replace("{accountId}", "~").replace("{extensionId}", "~").replace("{name}", "x")
    return concrete.replace("{callId}", call_id).replace("{leg}", "callee")


def chunks(total: int, size: int = 16 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


def test_every_body_route_is_covered() -> None:
    assert len(BODY_ROUTES) == 19  # a new body route must get its limit and media type here


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_past_its_limit_every_body_route_is_413_declared_or_chunked(client: TestClient, method: str, path: str) -> None:
    call_id = ringout(client).json()["id"]
    limit = LIMITS.get(path, JSON_LIMIT)
    headers = {"Content-Type": MEDIA.get(path, "application/json")}
    message = f"Request body too large: at most {limit} bytes are accepted"
    item = {"errorCode": "CMN-413", "message": message}
    expected: dict[str, object] = {"errorCode": "CMN-413", "message": message, "errors": [item]}
    if path.startswith("/restapi/oauth/"):  # OAuth's endpoints answer every error in OAuth's shape
        expected = {"error": "invalid_request", "error_description": message, "errors": [item]}
    declared = client.request(method, url(path, call_id), content=b" " * (limit + 1), headers=headers)
    assert (declared.status_code, declared.json()) == (413, expected)
    chunked = client.request(method, url(path, call_id), content=chunks(limit * 4), headers=headers)
    assert (chunked.status_code, chunked.json()) == (413, expected)
    assert chunked.headers["content-type"] == "application/json"
    assert client.get(f"/__emulator/calls/{call_id}").status_code == 200  # nothing stored was lost


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_a_wrong_media_type_is_415_before_the_body_is_read(client: TestClient, method: str, path: str) -> None:
    call_id = ringout(client).json()["id"]
    declared_huge = {"Content-Type": "text/plain", "Content-Length": str(10**9)}
    response = client.request(method, url(path, call_id), content=b"x", headers=declared_huge)
    assert response.status_code == 415
    assert response.json()["errors"][0]["errorCode"] == "CMN-415"
    assert "text/plain" in response.json()["errors"][0]["message"]


def test_an_exact_limit_body_is_read(client: TestClient) -> None:
    body = b'{"scopes": ["calls"]}'
    response = client.post("/__emulator/reset", content=body + b" " * (JSON_LIMIT - len(body)))
    assert (response.status_code, response.json()) == (200, {"reset": ["calls"]})


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/__emulator/health"),
        ("GET", "/__emulator/nope"),
        ("GET", "/restapi/v1.0/account/~/extension/~/ring-out/nope"),
        ("POST", "/restapi/oauth/token"),
        ("PATCH", "/__emulator/clock"),
    ],
)
def test_every_response_carries_a_request_id(client: TestClient, method: str, path: str) -> None:
    first = client.request(method, path)
    second = client.request(method, path)
    assert len(first.headers.get_list("rcrequestid")) == 1
    assert first.headers["rcrequestid"] != second.headers["rcrequestid"]


def test_a_journal_entry_is_cut_to_its_cap_with_a_marker(client: TestClient) -> None:
    big = {f"x-big-{i}": "v" * 3000 for i in range(10)}
    client.get("/restapi/v1.0/account/~/extension/~/ring-out/nope", headers=big, params={"q": "z" * 9000})
    (entry,) = client.get("/__emulator/requests").json()["records"]
    kept = sum(len(k) + len(v) for k, v in entry["headers"].items()) + sum(len(v) for v in entry["query"].values())
    assert kept <= ENTRY_CAP + 200  # the cap plus the markers
    assert "truncated" in entry["query"]["q"]
    assert "truncated" in entry["headers"]["x-emulator-truncated"]


def test_a_small_entry_is_kept_whole(client: TestClient, make_client: Callable[..., TestClient]) -> None:
    client.get("/restapi/v1.0/account/~/extension/~/ring-out/nope", headers={"x-mine": "v" * 500})
    (entry,) = client.get("/__emulator/requests").json()["records"]
    assert entry["headers"]["x-mine"] == "v" * 500
    assert "x-emulator-truncated" not in entry["headers"]


def test_a_client_gone_mid_body_is_journaled_499_without_a_traceback(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    parts: list[dict[str, object]] = [
        {"type": "http.request", "body": b'{"to": ', "more_body": True},
        {"type": "http.disconnect"},
    ]
    messages = iter(parts)
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return next(messages)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/restapi/v1.0/account/~/extension/~/ring-out",
        "raw_path": b"/restapi/v1.0/account/~/extension/~/ring-out",
        "query_string": b"",
        "headers": [(b"authorization", b"Bearer t"), (b"content-type", b"application/json")],
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
        "root_path": "",
        "http_version": "1.1",
        "asgi": {"version": "3.0"},
    }
    asyncio.run(client.app(scope, receive, send))  # type: ignore[arg-type]
    (entry,) = client.get("/__emulator/requests").json()["records"]
    assert entry["status"] == 499
    assert "Traceback" not in caplog.text
    assert client.get("/__emulator/calls").json() == {"records": []}


def test_whitespace_around_a_header_value_is_not_part_of_it() -> None:
    """RFC 9110 5.5: httptools (what uvicorn uses) keeps it; the one header reader drops it."""
    from emulator.api.inputs import header

    scope = {"headers": [(b"authorization", b" \tBearer tok \t"), (b"x-emulator-account", b"acct ")]}
    assert (header(scope, b"authorization"), header(scope, b"x-emulator-account")) == ("Bearer tok", "acct")
    assert header(scope, b"x-emulator-scenario") is None


def test_repeated_slashes_in_a_path_are_one(client: TestClient) -> None:
    """What an SDK sends when its server URL ends in ``/`` (``//restapi/...``): the platform's
    gateway merges the slashes; so does the emulator, before routing and journaling."""
    created = client.post(
        "http://testserver//restapi/v1.0/account/~/extension/~//ring-out", json={"to": {"phoneNumber": "+16505550199"}}
    )
    assert created.status_code == 200, created.text
    read = client.get(f"http://testserver//restapi/v1.0/account/~/extension/~/ring-out/{created.json()['id']}")
    assert (read.status_code, read.json()["id"]) == (200, created.json()["id"])
    paths = {e["path"] for e in client.get("/__emulator/requests").json()["records"]}
    assert paths == {
        "/restapi/v1.0/account/~/extension/~/ring-out",
        f"/restapi/v1.0/account/~/extension/~/ring-out/{created.json()['id']}",
    }


# A control-plane number sent as a boolean or a string: each was taken (true as 1, "60" as 60).
LOOSE_NUMBERS = [
    ("POST", "/__emulator/clock/advance", {"seconds": True}, "seconds"),
    ("POST", "/__emulator/clock/advance", {"seconds": "60"}, "seconds"),
    ("PUT", "/__emulator/clock", {"speed": True}, "speed"),
    ("POST", "/__emulator/seed", {"seed": True}, "seed"),
    ("PUT", "/__emulator/rate-limits", {"limits": {"light": True}}, "limits.light"),
    ("PUT", "/__emulator/rate-limits", {"penaltySeconds": "1"}, "penaltySeconds"),
    ("PUT", "/__emulator/call-log/settings", {"delaySeconds": True}, "delaySeconds"),
    ("POST", "/__emulator/faults", {"effect": "latency", "ms": True}, "ms"),
    ("POST", "/__emulator/faults", {"effect": "error", "status": "503"}, "status"),
]


@pytest.mark.parametrize(("method", "path", "body", "name"), LOOSE_NUMBERS)
def test_a_control_plane_number_must_be_a_json_number(
    client: TestClient, method: str, path: str, body: dict[str, object], name: str
) -> None:
    before = client.get("/__emulator/rate-limits").json(), client.get("/__emulator/clock").json()
    response = client.request(method, path, json=body)
    message = f"Parameter [{name}] value is invalid."
    assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName=name))
    assert (client.get("/__emulator/rate-limits").json(), client.get("/__emulator/clock").json()) == before
    assert client.get("/__emulator/faults").json()["records"] == []
