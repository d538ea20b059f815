"""Rate limits over HTTP: the headers on every throttled route, the 429, the trap, off mode, and
the control plane that reads and changes them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from emulator.app import app_routes, create_app
from emulator.core.clock import ManualClock
from emulator.core.rate_limits import OPERATION_GROUPS
from emulator.settings import Settings
from tests.api.helpers import BASE, expect_error
from tests.conftest import SEED_SAMPLE
from tests.contract.openapi_doc import OPENAPI_FILE, operations
from tests.contract.probes import CLIENT, JWT_GRANT

RATE = f"{BASE}/ring-out"
LIMITS = "/__emulator/rate-limits"
NOTE_START = "Heavy bucket of user [400131560009] and app [emulator-client-id] refused this request"
CODE_REQUEST = {"response_type": "code", "client_id": "emulator-client-id", "redirect_uri": "http://localhost/callback"}
CMN_301 = {"errorCode": "CMN-301", "message": "Request rate exceeded"}


def headers_of(response: object) -> dict[str, str]:
    found = dict(response.headers)  # type: ignore[attr-defined]
    return {k: v for k, v in found.items() if k.startswith("x-rate-limit-")}


@pytest.fixture
def strict(make_client: Callable[..., TestClient]) -> TestClient:
    """A strict-auth client with platform limits, logged in as the default extension."""
    client = make_client(clock="manual", auth="strict", rate_limits="platform")
    token = client.post("/restapi/oauth/token", data=JWT_GRANT, auth=CLIENT).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def call_id(client: TestClient) -> str:
    response = client.post(RATE, json=SEED_SAMPLE)
    assert response.status_code == 200, response.text
    value: str = response.json()["id"]
    return value


def test_every_throttled_route_carries_its_groups_headers(strict: TestClient) -> None:
    made = call_id(strict)
    cases = [
        (strict.post(RATE, json=SEED_SAMPLE), "heavy", "10", "8"),  # the fixture's call was the first
        (strict.get(f"{RATE}/{made}"), "light", "50", "49"),
        (strict.get(f"{BASE}/ringout/{made}"), "light", "50", "48"),
        (strict.get(BASE), "light", "50", "47"),
        (strict.get(f"{BASE}/forwarding-number"), "light", "50", "46"),
        (strict.delete(f"{RATE}/{made}"), "heavy", "10", "7"),
        (strict.get(f"{RATE}/nope"), "light", "50", "45"),  # a 404 is counted too
        (strict.post("/restapi/oauth/token", data=JWT_GRANT, auth=CLIENT), "auth", "5", "3"),
        (
            strict.post("/restapi/oauth/revoke", data={"token": "unknown"}, auth=CLIENT),
            "auth",
            "5",
            "4",
        ),  # unknown user
        (strict.get("/restapi/oauth/authorize", params=CODE_REQUEST, follow_redirects=False), "auth", "5", "2"),
    ]
    for response, group, limit, remaining in cases:
        assert headers_of(response) == {
            "x-rate-limit-group": group,
            "x-rate-limit-limit": limit,
            "x-rate-limit-remaining": remaining,
            "x-rate-limit-window": "60",
        }, response.request.url


def test_the_group_of_every_served_operation_is_the_one_openapi_yaml_declares() -> None:
    from tests.contract.openapi_doc import load

    declared = {
        op.spec["operationId"]: op.spec["x-throttling-group"]
        for op in operations(load(OPENAPI_FILE))
        if "x-throttling-group" in op.spec
    }
    served = {route.name for route in app_routes(create_app(Settings())).values()}
    throttled = {name: OPERATION_GROUPS[name].value for name in served if name in OPERATION_GROUPS}
    assert throttled == {name: group for name, group in declared.items() if name in served}
    assert not {name for name in served if name.startswith("emulator")} & set(OPERATION_GROUPS)


def test_the_eleventh_post_is_429_with_retry_after_and_a_note(strict: TestClient, manual_clock: ManualClock) -> None:
    for _ in range(10):
        call_id(strict)
    refused = strict.post(RATE, json=SEED_SAMPLE)
    expect_error(refused, 429, "CMN-301", "Request rate exceeded")
    assert refused.headers["retry-after"] == "60"
    assert refused.headers["x-emulator-note"].startswith(NOTE_START)
    assert "PUT /__emulator/rate-limits" in refused.headers["x-emulator-note"]
    assert headers_of(refused)["x-rate-limit-remaining"] == "0"
    manual_clock.shift(30)
    again = strict.delete(f"{RATE}/whatever")  # DELETE is Heavy too: refused, penalty restarted
    assert (again.status_code, again.headers["retry-after"]) == (429, "60")
    manual_clock.shift(59)
    assert strict.post(RATE, json=SEED_SAMPLE).status_code == 429  # 59 s after the last refusal
    manual_clock.shift(60)
    assert strict.post(RATE, json=SEED_SAMPLE).status_code == 200
    assert strict.get(f"{BASE}/forwarding-number").status_code == 200  # Light was never touched


def test_the_token_endpoints_429_is_oauth_shaped(strict: TestClient) -> None:
    for _ in range(4):  # the fixture's login was the first
        assert strict.post("/restapi/oauth/token", data=JWT_GRANT, auth=CLIENT).status_code == 200
    refused = strict.post("/restapi/oauth/token", data=JWT_GRANT, auth=CLIENT)
    assert refused.status_code == 429
    assert refused.json() == {
        "error": "invalid_request",
        "error_description": "Request rate exceeded",
        "errors": [CMN_301],
    }
    assert refused.headers["retry-after"] == "60"
    assert "Auth bucket of user [400131560009] and app [emulator-client-id]" in refused.headers["x-emulator-note"]
    assert headers_of(refused) == {
        "x-rate-limit-group": "auth",
        "x-rate-limit-limit": "5",
        "x-rate-limit-remaining": "0",
        "x-rate-limit-window": "60",
    }


def test_failed_logins_count_but_other_users_and_apps_do_not_share(strict: TestClient) -> None:
    bad = {**JWT_GRANT, "assertion": "wrong"}
    for _ in range(5):
        assert strict.post("/restapi/oauth/token", data=bad, auth=CLIENT).status_code == 400
    assert strict.post("/restapi/oauth/token", data=bad, auth=CLIENT).status_code == 429
    assert strict.post("/restapi/oauth/token", data=JWT_GRANT, auth=CLIENT).status_code == 200  # a known user


def test_an_oauth_request_is_counted_before_its_form_or_credentials_are_checked(strict: TestClient) -> None:
    """A login the token endpoint cannot even read (wrong media type, too large, a malformed Basic
    header, a query token contradicting the body's) still counts against an Auth bucket, with the
    headers: it went uncounted, so such a loop never met its 429."""
    big = {"grant_type": "password", "username": "x" * 20_000}
    cases = [
        strict.post("/restapi/oauth/token", content=b"grant_type=password", headers={"Content-Type": "text/plain"}),
        strict.post("/restapi/oauth/token", data=big, auth=CLIENT),
        strict.post("/restapi/oauth/token", data=JWT_GRANT, headers={"Authorization": "Basic %%%"}),
        strict.post("/restapi/oauth/revoke", params={"token": "a"}, data={"token": "b"}, auth=CLIENT),
    ]
    assert [response.status_code for response in cases] == [415, 413, 400, 400]
    for response in cases:
        assert headers_of(response)["x-rate-limit-group"] == "auth", response.text
    assert strict.post("/__emulator/reset", json={"scopes": ["rate-limits"]}).status_code == 200
    unreadable = {"content": b"x", "headers": {"Content-Type": "text/plain"}, "auth": CLIENT}
    remaining = [headers_of(strict.post("/restapi/oauth/token", **unreadable)) for _ in range(5)]
    assert [headers.get("x-rate-limit-remaining") for headers in remaining] == ["4", "3", "2", "1", "0"]
    refused = strict.post("/restapi/oauth/token", **unreadable)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"


def test_a_request_that_fails_authentication_is_not_counted(strict: TestClient) -> None:
    for _ in range(12):
        response = strict.post(RATE, json=SEED_SAMPLE, headers={"Authorization": "Bearer nope"})
        assert response.status_code == 401 and headers_of(response) == {}
    assert call_id(strict)


def test_a_path_the_token_may_not_use_is_counted_like_any_failure(
    strict: TestClient, make_client: Callable[..., TestClient]
) -> None:
    """The caller is known once the token is: a 404 for another account or extension, or a 403 for
    a missing app permission, is counted and carries the headers (they went uncounted, headerless,
    and the report put them under "unidentified")."""
    cases = [
        (strict.get("/restapi/v1.0/account/999"), "light", "49"),
        (strict.get("/restapi/v1.0/account/~/extension/999"), "light", "48"),
        (strict.post("/restapi/v1.0/account/~/extension/999/ring-out", json=SEED_SAMPLE), "heavy", "9"),
        (strict.get("/restapi/v1.0/account/~/extension/999/call-log"), "heavy", "8"),
        (strict.get("/restapi/v1.0/account/999/telephony/sessions/s-1"), "light", "47"),
    ]
    for response, group, remaining in cases:
        assert response.status_code == 404, response.text
        limit = {"heavy": "10", "light": "50"}[group]
        assert headers_of(response) == {
            "x-rate-limit-group": group,
            "x-rate-limit-limit": limit,
            "x-rate-limit-remaining": remaining,
            "x-rate-limit-window": "60",
        }
    (app,) = strict.get("/__emulator/report").json()["apps"]
    assert (app["app"], app["clientErrors"]) == ("emulator-client-id", 5)

    other = make_client(clock="manual", auth="strict", rate_limits="platform")
    no_ringout = ("emulator-no-ringout-client-id", "emulator-no-ringout-client-secret")
    token = other.post("/restapi/oauth/token", data=JWT_GRANT, auth=no_ringout).json()["access_token"]
    refused = other.post(RATE, json=SEED_SAMPLE, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403, refused.text
    assert headers_of(refused)["x-rate-limit-remaining"] == "9"


def test_off_mode_sends_no_headers_and_refuses_nothing(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual", rate_limits="off")
    for _ in range(30):
        response = client.post(RATE, json=SEED_SAMPLE)
        assert response.status_code == 200 and headers_of(response) == {}


def test_limits_from_the_settings(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual", rate_limits="platform", rate_limit_heavy=2, rate_limit_penalty=5)
    assert [client.post(RATE, json=SEED_SAMPLE).status_code for _ in range(3)] == [200, 200, 429]
    assert client.post(RATE, json=SEED_SAMPLE).headers["retry-after"] == "5"


def test_the_control_plane_reads_and_changes_the_table(strict: TestClient, manual_clock: ManualClock) -> None:
    for _ in range(10):
        call_id(strict)
    assert strict.post(RATE, json=SEED_SAMPLE).status_code == 429
    table = strict.get(LIMITS).json()
    assert {k: table[k] for k in ("mode", "windowSeconds", "penaltySeconds", "limits", "maxBuckets")} == {
        "mode": "platform",
        "windowSeconds": 60.0,
        "penaltySeconds": 60.0,
        "limits": {"heavy": 10, "medium": 40, "light": 50, "auth": 5},
        "maxBuckets": 10_000,
    }
    assert table["operations"]["readRingOutCallStatus"] == "light"
    assert table["buckets"] == [
        {
            "user": "400131560009",
            "app": "emulator-client-id",
            "group": "auth",
            "limit": 5,
            "used": 1,
            "remaining": 4,
            "refused": 0,
            "penaltyUntil": None,
        },
        {
            "user": "400131560009",
            "app": "emulator-client-id",
            "group": "heavy",
            "limit": 10,
            "used": 0,
            "remaining": 0,
            "refused": 1,
            "penaltyUntil": "2026-01-01T00:01:00.000Z",
        },
    ]
    changed = strict.put(LIMITS, json={"limits": {"heavy": 20}, "penaltySeconds": 1})
    assert changed.status_code == 200 and changed.json()["limits"]["heavy"] == 20
    manual_clock.shift(60)
    assert [strict.post(RATE, json=SEED_SAMPLE).status_code for _ in range(21)] == [200] * 20 + [429]
    assert strict.put(LIMITS, json={"mode": "off"}).json()["mode"] == "off"
    assert strict.post(RATE, json=SEED_SAMPLE).status_code == 200
    assert strict.post("/__emulator/reset", json={"scopes": ["rate-limits"]}).status_code == 200
    assert strict.get(LIMITS).json()["limits"]["heavy"] == 10 and strict.get(LIMITS).json()["buckets"] == []


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"limits": {"heavy": 0}}, "limits.heavy"),
        ({"limits": {"huge": 1}}, "limits.huge.[key]"),
        ({"mode": "on"}, "mode"),
    ],
)
def test_a_bad_change_is_400_naming_the_field(strict: TestClient, body: dict[str, object], name: str) -> None:
    response = strict.put(LIMITS, json=body)
    assert response.status_code == 400 and response.json()["errors"][0]["parameterName"] == name


def test_the_control_plane_is_never_throttled(strict: TestClient) -> None:
    for _ in range(100):
        response = strict.get(LIMITS)
        assert response.status_code == 200 and headers_of(response) == {}


def test_a_refusal_note_never_carries_what_a_header_cannot(make_client: Callable[..., TestClient]) -> None:
    """The Auth bucket is keyed by the client id the request presents: any text, control characters too."""
    client = make_client(clock="manual", auth="strict", rate_limits="platform")
    query = {"client_id": "\xafQ\x14\xc9", "response_type": "code", "redirect_uri": "http://localhost/cb"}
    answers = [client.get("/restapi/oauth/authorize", params=query, follow_redirects=False) for _ in range(7)]
    refused = answers[-1]
    assert refused.status_code == 429
    assert refused.headers["x-emulator-note"].startswith("Auth bucket")
    assert all(" " <= c <= "~" for c in refused.headers["x-emulator-note"])
