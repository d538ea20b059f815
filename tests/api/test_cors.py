"""CORS for browser apps, opt-in with ``cors_origins``: preflights answered (in the platform's error
shape when refused), the headers an app reads exposed; without origins, no CORS at all."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from emulator.settings import Settings
from tests.api.control_helpers import error

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
CALL = {"to": {"phoneNumber": "+16505550199"}}
CRM = "http://crm.test:3000"


def preflight(
    client: TestClient, origin: str, method: str = "POST", headers: str = "authorization, content-type"
) -> httpx.Response:
    asked = {"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers}
    answer: httpx.Response = client.options(RINGOUT, headers=asked)
    return answer


def test_without_origins_there_is_no_cors(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    refused = preflight(client, CRM)
    assert refused.status_code == 405 and refused.json()["errors"][0]["errorCode"] == "CMN-105"
    created = client.post(RINGOUT, json=CALL, headers={"Origin": CRM})
    assert created.status_code == 200 and "access-control-allow-origin" not in created.headers


def test_an_allowed_preflight_is_200_with_no_body(make_client: Callable[..., TestClient]) -> None:
    client = make_client(cors_origins=f"http://other.test, {CRM}")
    answer = preflight(client, CRM, headers="authorization, content-type, x-emulator-scenario")
    assert (answer.status_code, answer.content) == (200, b"")
    assert answer.headers["access-control-allow-origin"] == CRM
    assert answer.headers["access-control-allow-methods"] == "GET, POST, PUT, PATCH, DELETE"
    assert answer.headers["access-control-allow-headers"] == "authorization, content-type, x-emulator-scenario"
    assert answer.headers["access-control-max-age"] == "600"
    assert "content-type" not in answer.headers


@pytest.mark.parametrize(
    ("origin", "method", "refused"),
    [("http://evil.test", "POST", "origin"), (CRM, "TRACE", "method"), ("http://evil.test", "TRACE", "origin, method")],
)
def test_a_refused_preflight_is_the_platforms_400(
    make_client: Callable[..., TestClient], origin: str, method: str, refused: str
) -> None:
    client = make_client(cors_origins=CRM)
    answer = preflight(client, origin, method)
    message = (
        "Parameter [Origin] value is invalid. This origin, method or header list may not call the emulator "
        f"({refused} refused): see cors_origins."
    )
    assert (answer.status_code, answer.json()) == (400, error("CMN-101", message, parameterName="Origin"))


def test_an_apps_request_exposes_the_headers_it_reads(make_client: Callable[..., TestClient]) -> None:
    client = make_client(cors_origins=CRM, rate_limits="platform")
    created = client.post(RINGOUT, json=CALL, headers={"Origin": CRM})
    assert created.status_code == 200
    assert created.headers["access-control-allow-origin"] == CRM
    exposed = created.headers["access-control-expose-headers"].lower().split(", ")
    for name in ("retry-after", "rcrequestid", "x-rate-limit-remaining", "x-rate-limit-window", "x-emulator-note"):
        assert name in exposed
    assert created.headers["x-rate-limit-group"] == "heavy"
    other = client.get(f"{RINGOUT}/{created.json()['id']}", headers={"Origin": "http://evil.test"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers  # the browser refuses it


def test_any_origin_with_a_star(make_client: Callable[..., TestClient]) -> None:
    client = make_client(cors_origins="*")
    assert preflight(client, "http://anything.test").headers["access-control-allow-origin"] == "*"
    read = client.post(RINGOUT, json=CALL, headers={"Origin": "http://anything.test"})
    assert read.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("value", ["crm.test", "http://crm.test/app", "http://crm.test, ftp://x", "http://a b"])
def test_an_origin_must_be_one(value: str) -> None:
    with pytest.raises(ValidationError, match="cors_origins"):
        Settings(cors_origins=value)
