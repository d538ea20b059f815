"""Query and path parameters of the plain Starlette routes (control plane, directory) answer as
FastAPI's validation did: CMN-101 naming the parameter, checked before the token, one method
per route (no implicit HEAD)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.control_helpers import error, ringout
from tests.api.oauth_helpers import EXT


@pytest.mark.parametrize("value", ["-1", "x", "", "1.5", "1_0", "²"])
def test_a_bad_journal_limit_is_cmn_101(client: TestClient, value: str) -> None:
    response = client.get("/__emulator/requests", params={"limit": value})
    assert (response.status_code, response.json()) == (
        400,
        error("CMN-101", "Parameter [limit] value is invalid.", parameterName="limit"),
    )


def test_integer_filters_accept_a_sign_and_spaces_and_the_last_repeat_wins(client: TestClient) -> None:
    ringout(client, "+12025550101")
    assert client.get("/__emulator/requests/count", params={"status": " +200 "}).json() == {"count": 1}
    assert client.get("/__emulator/requests/count?status=404&status=200").json() == {"count": 1}
    assert client.get("/__emulator/requests", params={"limit": "0"}).json()["records"] == []


def test_a_bad_call_status_filter_names_it_and_a_good_one_filters(client: TestClient) -> None:
    ringout(client, "+12025550101")
    assert client.get("/__emulator/calls", params={"status": "Busy"}).json() == {"records": []}
    assert len(client.get("/__emulator/calls", params={"status": "InProgress"}).json()["records"]) == 1
    assert client.get("/__emulator/calls", params={"status": ""}).status_code == 400


def test_paging_is_checked_before_the_token(make_client: Callable[..., TestClient]) -> None:
    strict = make_client(clock="manual", auth="strict")
    response = strict.get(f"{EXT}/forwarding-number?page=0")
    assert (response.status_code, response.json()["errorCode"]) == (400, "CMN-101")
    assert strict.get(f"{EXT}/forwarding-number").status_code == 401


@pytest.mark.parametrize(
    ("path", "allow"),
    [("/__emulator/clock", "GET, PUT"), ("/__emulator/health", "GET"), ("/__emulator/calls", "GET"), (EXT, "GET")],
)
def test_head_is_not_served_on_get_only_routes(client: TestClient, path: str, allow: str) -> None:
    response = client.head(path)
    assert (response.status_code, response.headers["allow"]) == (405, allow)


def test_the_control_token_is_checked_before_parameters(make_client: Callable[..., TestClient]) -> None:
    guarded = make_client(clock="manual", control_token="s3cret")
    response = guarded.get("/__emulator/requests", params={"limit": "x"})
    assert response.status_code == 401
    headers = {"X-Emulator-Control-Token": "s3cret"}
    assert guarded.get("/__emulator/requests", params={"limit": "x"}, headers=headers).status_code == 400
