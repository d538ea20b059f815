"""Assertions shared by the API tests: exact bodies, RingCentral error shape, and the official
spec's schema for every RingOut response body."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx

from tests.spec import assert_error_matches, assert_response_matches

BASE = "/restapi/v1.0/account/~/extension/~"
NUMERIC_BASE = "/restapi/v1.0/account/400131560008/extension/400131560009"
ABSOLUTE = "http://testserver/restapi/v1.0/account/400131560008/extension/400131560009"
SPELLINGS = ("ring-out", "ringout")
OPERATIONS = {
    ("POST", "ring-out"): "createRingOutCall",
    ("GET", "ring-out"): "readRingOutCallStatus",
    ("POST", "ringout"): "createRingOutCallDeprecated",
    ("GET", "ringout"): "readRingOutCallStatusDeprecated",
}
RINGOUT_PATH = re.compile(r"/restapi/v1\.0/account/[^/]+/extension/[^/]+/(ring-out|ringout)(/[^/]+)?")
IN_PROGRESS = {"callStatus": "InProgress", "callerStatus": "InProgress", "calleeStatus": "InProgress"}


def status(call: str, caller: str, callee: str) -> dict[str, str]:
    return {"callStatus": call, "callerStatus": caller, "calleeStatus": callee}


def ringout_body(response: httpx.Response) -> dict[str, Any]:
    """A 200 from a RingOut route: JSON, and valid against the spec's schema for its operation."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    spelling = "ringout" if "/ringout" in response.request.url.path else "ring-out"
    body: dict[str, Any] = response.json()
    assert_response_matches(OPERATIONS[(response.request.method, spelling)], 200, body)
    return body


def expect_ringout(
    response: httpx.Response, call_id: str, call_status: dict[str, str], spelling: str = "ring-out"
) -> None:
    assert ringout_body(response) == {"id": call_id, "uri": f"{ABSOLUTE}/{spelling}/{call_id}", "status": call_status}


def expect_error(response: httpx.Response, status_code: int, code: str, message: str, **fields: str) -> None:
    """RingCentral's error shape, exactly: top-level code, message and fields, repeated in ``errors[0]``."""
    assert response.status_code == status_code, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-language"] == "en"
    uuid.UUID(response.headers["rcrequestid"])
    body = response.json()
    assert body == {
        "errorCode": code,
        "message": message,
        "errors": [{"errorCode": code, "message": message, **fields}],
        **fields,
    }
    assert_error_matches(body)


def expect_not_found(response: httpx.Response, parameter: str = "ringOutId") -> None:
    expect_error(
        response, 404, "CMN-102", f"Resource for parameter [{parameter}] is not found", parameterName=parameter
    )


def check_against_spec(response: httpx.Response) -> None:
    """An httpx response hook: every RingOut response is checked against the official spec
    (200: the operation's schema; 204: no body; errors: ``ApiErrorResponseModel``). A CORS
    preflight (``OPTIONS``) is no operation of the spec's: its 200 has no body; its errors are checked."""
    if not RINGOUT_PATH.fullmatch(response.request.url.path):
        return
    if response.request.method == "OPTIONS" and response.status_code == 200:
        return
    response.read()
    if response.status_code == 200:
        ringout_body(response)
    elif response.status_code == 204:
        assert response.content == b""
    else:
        assert response.headers["content-type"] == "application/json"
        assert_error_matches(response.json())
