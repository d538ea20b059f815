"""The spec oracle itself can fail: schemas resolve, and bad bodies are refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from jsonschema.exceptions import ValidationError

from tests.api.helpers import check_against_spec
from tests.spec import assert_error_matches, assert_response_matches, response_schema

GOOD = {"id": "a", "uri": "http://x/a", "status": {"callStatus": "Success"}}


def test_schemas_resolve_every_ref() -> None:
    schema = response_schema("createRingOutCall", 200)
    assert schema is not None
    assert "$ref" not in repr(schema)
    call_status = schema["properties"]["status"]["properties"]["callStatus"]
    assert call_status["enum"][:3] == ["Invalid", "Success", "InProgress"]
    assert response_schema("readRingOutCallStatusDeprecated", 200) == schema
    assert response_schema("deleteRingOutCall", 204) is None
    with pytest.raises(KeyError):
        response_schema("noSuchOperation", 200)


@pytest.mark.parametrize(
    "body",
    [
        {**GOOD, "status": {"callStatus": "Connected"}},
        {**GOOD, "status": {"callerStatus": "NoSuchUser"}},  # the 2021 spelling; the spec says NosuchUser
        {**GOOD, "id": 10},
        {**GOOD, "status": "Success"},
    ],
)
def test_bad_ringout_bodies_are_refused(body: dict[str, Any]) -> None:
    assert_response_matches("readRingOutCallStatus", 200, GOOD)
    with pytest.raises(ValidationError):
        assert_response_matches("readRingOutCallStatus", 200, body)


BAD_ERRORS = [{}, {"errors": []}, {"errors": [{"message": "m"}]}, {"errorCode": "X", "message": "m"}]


@pytest.mark.parametrize("body", BAD_ERRORS)
def test_bad_error_bodies_are_refused(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        assert_error_matches(body)


def test_the_response_hook_checks_ringout_routes_only() -> None:
    url = "http://testserver/restapi/v1.0/account/~/extension/~/ring-out/1"
    bad = httpx.Response(200, json={"status": {"callStatus": "Ringing"}}, request=httpx.Request("GET", url))
    with pytest.raises(ValidationError):
        check_against_spec(bad)
    with pytest.raises(AssertionError):
        check_against_spec(httpx.Response(204, content=b"{}", request=httpx.Request("DELETE", url)))
    for path in ("/__emulator/x", "/__emulator/ringouts", "/restapi/v1.0/account/~/extension/~/ring-out/1/x"):
        other = httpx.Response(200, json={"anything": 1}, request=httpx.Request("PUT", f"http://testserver{path}"))
        check_against_spec(other)


def test_every_client_in_tests_api_carries_the_hook(make_client: Callable[..., TestClient]) -> None:
    assert check_against_spec in make_client(clock="manual").event_hooks["response"]
