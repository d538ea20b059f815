"""Bearer-token protection of ``/restapi/v1.0``: every 401, 403 and 404, exact bodies; ``~``
resolution; isolation between extensions and accounts; lenient mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from emulator.core.clock import ManualClock
from tests.api.oauth_helpers import (
    ALICE,
    APP,
    BOB,
    CAROL,
    EXT,
    NO_RINGOUT_APP,
    REVOKE,
    api_error,
    bearer,
    jwt_login,
)
from tests.conftest import RINGOUT, SEED_SAMPLE

MISSING = api_error("AGW-401", "Authorization header is not specified")
BAD_HEADER = api_error("AGW-402", "Invalid Authorization header")
NOT_FOUND = api_error("OAU-213", "Token not found", "TokenInvalid")
EXPIRED = api_error("OAU-128", "Access token expired.", "TokenExpired")
NO_RINGOUT = api_error(
    "CMN-401",
    "In order to call this API endpoint, application needs to have [RingOut] permission",
    "InsufficientPermissions",
    permissionName="RingOut",
)
NO_READ_ACCOUNTS = api_error(
    "CMN-401",
    "In order to call this API endpoint, application needs to have [ReadAccounts] permission",
    "InsufficientPermissions",
    permissionName="ReadAccounts",
)


def extended_scope(permission: str) -> dict[str, Any]:
    message = (
        "In order to call this API endpoint for another extension, "
        f"user needs to have [{permission}] permission granted with extended scope"
    )
    return api_error("CMN-419", message, permissionsName=permission)


def not_found(parameter: str) -> dict[str, Any]:
    return api_error("CMN-102", f"Resource for parameter [{parameter}] is not found", parameterName=parameter)


@pytest.fixture
def strict(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(clock="manual", auth="strict")


ROUTES = [
    ("POST", RINGOUT),
    ("GET", f"{RINGOUT}/some-id"),
    ("DELETE", f"{RINGOUT}/some-id"),
    ("GET", EXT),
    ("GET", f"{EXT}/forwarding-number"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, MISSING),
        ({"Authorization": "Basic ZW11bGF0b3I6c2VjcmV0"}, BAD_HEADER),
        ({"Authorization": "Bearer"}, BAD_HEADER),
        ({"Authorization": "Bearer   "}, BAD_HEADER),
        ({"Authorization": "Bearer never-issued"}, NOT_FOUND),
    ],
)
def test_401s(strict: TestClient, method: str, path: str, headers: dict[str, str], expected: dict[str, Any]) -> None:
    response = strict.request(method, path, headers=headers, json=SEED_SAMPLE if method == "POST" else None)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == expected


def test_401_for_an_expired_token(strict: TestClient, manual_clock: ManualClock) -> None:
    token = jwt_login(strict)
    manual_clock.shift(3600)
    response = strict.post(RINGOUT, json=SEED_SAMPLE, headers=bearer(token))
    assert (response.status_code, response.json()) == (401, EXPIRED)


def test_token_in_the_query_string(strict: TestClient) -> None:
    token = jwt_login(strict)["access_token"]
    response = strict.post(RINGOUT, json=SEED_SAMPLE, params={"access_token": token})
    assert response.status_code == 200
    assert strict.get(EXT, params={"access_token": "never-issued"}).json() == NOT_FOUND


def test_lowercase_bearer_scheme_as_the_python_sdk_sends_it(strict: TestClient) -> None:
    token = jwt_login(strict)["access_token"]
    assert strict.get(EXT, headers={"Authorization": f"bearer {token}"}).status_code == 200


@pytest.mark.parametrize("method", ["POST", "GET", "DELETE"])
def test_app_without_ringout_gets_403(strict: TestClient, method: str) -> None:
    token = jwt_login(strict, app=NO_RINGOUT_APP)
    assert token["scope"] == "ReadAccounts"
    path = RINGOUT if method == "POST" else f"{RINGOUT}/some-id"
    response = strict.request(method, path, headers=bearer(token), json=SEED_SAMPLE if method == "POST" else None)
    assert (response.status_code, response.json()) == (403, NO_RINGOUT)
    assert strict.get(EXT, headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("path", [EXT, f"{EXT}/forwarding-number"])
def test_directory_routes_need_read_accounts(strict: TestClient, path: str) -> None:
    token = jwt_login(strict, scope="RingOut")
    assert token["scope"] == "RingOut"
    response = strict.get(path, headers=bearer(token))
    assert (response.status_code, response.json()) == (403, NO_READ_ACCOUNTS)
    assert strict.post(RINGOUT, json=SEED_SAMPLE, headers=bearer(token)).status_code == 200


def test_tilde_resolves_to_the_tokens_own_extension(strict: TestClient) -> None:
    for jwt, (account, extension) in [("emulator-jwt-102", (ALICE[0], BOB)), ("emulator-jwt-201", CAROL)]:
        token = jwt_login(strict, jwt=jwt)
        body = strict.post(RINGOUT, json=SEED_SAMPLE, headers=bearer(token)).json()
        assert body["uri"].startswith(f"http://testserver/restapi/v1.0/account/{account}/extension/{extension}/")
        assert strict.get(EXT, headers=bearer(token)).json()["id"] == int(extension)
        own = f"/restapi/v1.0/account/{account}/extension/{extension}/ring-out/{body['id']}"
        assert strict.get(own, headers=bearer(token)).status_code == 200


RINGOUT_OF = "/restapi/v1.0/account/{account}/extension/{extension}/ring-out"


@pytest.mark.parametrize(
    ("account", "extension", "status", "expected"),
    [
        ("~", BOB, 403, extended_scope("RingOut")),
        (ALICE[0], BOB, 403, extended_scope("RingOut")),
        ("~", CAROL[1], 404, not_found("extensionId")),
        (CAROL[0], CAROL[1], 404, not_found("accountId")),
        (CAROL[0], "~", 404, not_found("accountId")),
        ("999", "~", 404, not_found("accountId")),
        ("~", "999", 404, not_found("extensionId")),
    ],
)
def test_other_extensions_and_accounts_in_the_path(
    strict: TestClient, account: str, extension: str, status: int, expected: dict[str, Any]
) -> None:
    token = jwt_login(strict)
    response = strict.post(
        RINGOUT_OF.format(account=account, extension=extension), json=SEED_SAMPLE, headers=bearer(token)
    )
    assert (response.status_code, response.json()) == (status, expected)


@pytest.mark.parametrize(
    ("suffix", "permission"), [("", "ReadExtensions"), ("/forwarding-number", "ReadUserForwardingFlipNumbers")]
)
def test_directory_of_another_extension_is_403(strict: TestClient, suffix: str, permission: str) -> None:
    token = jwt_login(strict)
    response = strict.get(f"/restapi/v1.0/account/~/extension/{BOB}{suffix}", headers=bearer(token))
    assert (response.status_code, response.json()) == (403, extended_scope(permission))


def test_a_token_never_reads_or_cancels_another_extensions_call(strict: TestClient) -> None:
    alice, bob, carol = (jwt_login(strict, jwt=j) for j in ("emulator-jwt", "emulator-jwt-102", "emulator-jwt-201"))
    call_id = strict.post(RINGOUT, json=SEED_SAMPLE, headers=bearer(alice)).json()["id"]
    for other in (bob, carol):
        for method in ("GET", "DELETE"):
            response = strict.request(method, f"{RINGOUT}/{call_id}", headers=bearer(other))
            assert (response.status_code, response.json()) == (404, not_found("ringOutId"))
    body = strict.get(f"{RINGOUT}/{call_id}", headers=bearer(alice)).json()
    assert body["status"]["callStatus"] == "InProgress"


def test_revoked_token_gets_401_on_the_api(strict: TestClient) -> None:
    token = jwt_login(strict)
    strict.post(REVOKE, data={"token": token["access_token"]}, auth=APP)
    response = strict.post(RINGOUT, json=SEED_SAMPLE, headers=bearer(token))
    assert (response.status_code, response.json()) == (401, NOT_FOUND)


class TestLenient:
    @pytest.fixture
    def lenient(self, make_client: Callable[..., TestClient]) -> TestClient:
        client = make_client(clock="manual", auth="lenient")
        del client.headers["Authorization"]
        return client

    def test_any_bearer_token_acts_as_the_default_extension(self, lenient: TestClient) -> None:
        response = lenient.post(RINGOUT, json=SEED_SAMPLE, headers=bearer("anything"))
        assert response.status_code == 200
        assert "/account/400131560008/extension/400131560009/" in response.json()["uri"]

    def test_no_header_is_still_401(self, lenient: TestClient) -> None:
        response = lenient.post(RINGOUT, json=SEED_SAMPLE)
        assert (response.status_code, response.json()) == (401, MISSING)

    def test_the_path_may_name_any_extension(self, lenient: TestClient) -> None:
        path = RINGOUT_OF.format(account=CAROL[0], extension=CAROL[1])
        response = lenient.post(path, json=SEED_SAMPLE, headers=bearer("anything"))
        assert response.status_code == 200
        assert f"/account/{CAROL[0]}/extension/{CAROL[1]}/" in response.json()["uri"]

    def test_a_live_token_keeps_its_identity_and_permissions(self, lenient: TestClient) -> None:
        bob = jwt_login(lenient, jwt="emulator-jwt-102")
        assert lenient.get(EXT, headers=bearer(bob)).json()["id"] == int(BOB)
        narrow = jwt_login(lenient, app=NO_RINGOUT_APP)
        assert lenient.post(RINGOUT, json=SEED_SAMPLE, headers=bearer(narrow)).json() == NO_RINGOUT
