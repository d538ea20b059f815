"""``POST /restapi/oauth/token`` and ``/revoke``: grants, TTLs, rotation, revocation and every
OAuth error with its exact body."""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from emulator.core.clock import ManualClock
from tests.api.oauth_helpers import (
    APP,
    EXT,
    JWT,
    NO_RINGOUT_APP,
    PUBLIC_APP,
    REVOKE,
    TOKEN,
    api_error,
    bearer,
    jwt_login,
    oauth_error,
)

TOKEN_NOT_FOUND = api_error("OAU-213", "Token not found", "TokenInvalid")


@pytest.fixture
def strict(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(clock="manual", auth="strict", seed=7)


def test_jwt_login_answers_the_spec_fields(strict: TestClient) -> None:
    response = strict.post(TOKEN, data={"grant_type": JWT, "assertion": "emulator-jwt"}, auth=APP)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "refresh_token_expires_in",
        "scope",
        "owner_id",
        "endpoint_id",
        "session_id",
    }
    assert body["token_type"] == "bearer"
    assert (body["expires_in"], body["refresh_token_expires_in"]) == (3600, 604800)
    assert body["scope"] == "CallControl ReadAccounts ReadCallLog ReadPresence RingOut SubscriptionWebhook WebSocket"
    assert body["owner_id"] == "400131560009"
    assert body["access_token"] != body["refresh_token"]


def test_seeded_tokens_are_reproducible(make_client: Callable[..., TestClient]) -> None:
    first = jwt_login(make_client(clock="manual", auth="strict", seed=3))
    second = jwt_login(make_client(clock="manual", auth="strict", seed=3))
    assert first == second


@pytest.mark.parametrize(
    ("form", "owner"),
    [
        ({"username": "+16505550100", "extension": "101", "password": "emulator-password"}, "400131560009"),
        ({"username": "+16505550100*101", "password": "emulator-password"}, "400131560009"),
        ({"username": "16505550100", "extension": "102", "password": "emulator-password-102"}, "400131560010"),
        ({"username": "+16505550100", "password": "emulator-password"}, "400131560009"),
        ({"username": "+16505550102", "password": "emulator-password-102"}, "400131560010"),
        ({"username": "+16505550200", "extension": "201", "password": "emulator-password-201"}, "400131580009"),
    ],
)
def test_password_login_forms(strict: TestClient, form: dict[str, str], owner: str) -> None:
    response = strict.post(TOKEN, data={"grant_type": "password", **form}, auth=APP)
    assert response.status_code == 200, response.text
    assert response.json()["owner_id"] == owner


@pytest.mark.parametrize(
    ("requested", "granted"),
    [
        ({}, (3600, 604800)),
        ({"access_token_ttl": "1200", "refresh_token_ttl": "7200"}, (1200, 7200)),
        ({"access_token_ttl": "60", "refresh_token_ttl": "0"}, (600, 600)),
        ({"access_token_ttl": "599", "refresh_token_ttl": "599"}, (600, 600)),
        ({"access_token_ttl": "3601", "refresh_token_ttl": "2592001"}, (3600, 604800)),
        ({"access_token_ttl": "3600", "refresh_token_ttl": "2592000"}, (3600, 2592000)),
    ],
)
def test_ttls_are_clamped(strict: TestClient, requested: dict[str, str], granted: tuple[int, int]) -> None:
    body = jwt_login(strict, "emulator-jwt", APP, **requested)
    assert (body["expires_in"], body["refresh_token_expires_in"]) == granted


def test_refresh_rotates_the_pair_and_kills_the_old_access_token(strict: TestClient) -> None:
    old = jwt_login(strict)
    response = strict.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": old["refresh_token"]}, auth=APP)
    assert response.status_code == 200
    new = response.json()
    assert new["access_token"] != old["access_token"]
    assert new["refresh_token"] != old["refresh_token"]
    assert new["session_id"] == old["session_id"]
    assert new["endpoint_id"] == old["endpoint_id"]
    assert strict.get(EXT, headers=bearer(old)).json() == TOKEN_NOT_FOUND
    assert strict.get(EXT, headers=bearer(new)).status_code == 200
    again = strict.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": old["refresh_token"]}, auth=APP)
    assert again.status_code == 400
    assert again.json() == oauth_error("invalid_grant", "OAU-211", "Token revoked")


def test_access_token_expires_by_the_emulator_clock(strict: TestClient, manual_clock: ManualClock) -> None:
    token = jwt_login(strict, access_token_ttl="600")
    manual_clock.shift(599)
    assert strict.get(EXT, headers=bearer(token)).status_code == 200
    manual_clock.shift(1)
    response = strict.get(EXT, headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == api_error("OAU-128", "Access token expired.", "TokenExpired")
    refreshed = strict.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}, auth=APP
    )
    assert strict.get(EXT, headers=bearer(refreshed.json())).status_code == 200


def test_expired_refresh_token(strict: TestClient, manual_clock: ManualClock) -> None:
    token = jwt_login(strict, refresh_token_ttl="5000")
    manual_clock.shift(5000)
    response = strict.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}, auth=APP
    )
    assert response.status_code == 400
    assert response.json() == oauth_error("invalid_grant", "OAU-210", "Token expired")


@pytest.mark.parametrize("which", ["access_token", "refresh_token"])
def test_revoke_ends_the_whole_session(strict: TestClient, which: str) -> None:
    token = jwt_login(strict)
    other = jwt_login(strict)
    response = strict.post(REVOKE, data={"token": token[which]}, auth=APP)
    assert response.status_code == 200
    assert response.content == b""
    assert strict.get(EXT, headers=bearer(token)).json() == TOKEN_NOT_FOUND
    refresh = strict.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}, auth=APP
    )
    assert refresh.json() == oauth_error("invalid_grant", "OAU-211", "Token revoked")
    assert strict.get(EXT, headers=bearer(other)).status_code == 200


def test_revoke_takes_the_token_from_the_query_and_ignores_unknown_ones(strict: TestClient) -> None:
    token = jwt_login(strict)
    assert strict.post(REVOKE, params={"token": "never-issued"}, auth=APP).status_code == 200
    assert strict.post(REVOKE, params={"token": token["access_token"]}, auth=APP).status_code == 200
    assert strict.get(EXT, headers=bearer(token)).status_code == 401


def test_revoke_by_another_app_changes_nothing(strict: TestClient) -> None:
    token = jwt_login(strict)
    assert strict.post(REVOKE, data={"token": token["access_token"]}, auth=NO_RINGOUT_APP).status_code == 200
    assert strict.get(EXT, headers=bearer(token)).status_code == 200


def test_revoke_errors(strict: TestClient) -> None:
    missing = strict.post(REVOKE, auth=APP)
    assert (missing.status_code, missing.json()) == (
        400,
        oauth_error("invalid_request", "OAU-101", "Parameter [token] is invalid"),
    )
    mismatch = strict.post(REVOKE, params={"token": "a"}, data={"token": "b"}, auth=APP)
    message = "The value of query parameter [token] should be equal to parameter [token] in request body"
    assert mismatch.json() == oauth_error("invalid_request", "OAU-150", message)
    anonymous = strict.post(REVOKE, data={"token": "a"})
    assert anonymous.json() == oauth_error("invalid_client", "OAU-123", "Client authentication is required")


def test_public_app_authenticates_with_client_id_alone(strict: TestClient) -> None:
    response = strict.post(TOKEN, data={"grant_type": JWT, "assertion": "emulator-jwt", "client_id": PUBLIC_APP})
    assert response.status_code == 400
    assert response.json() == oauth_error("unauthorized_client", "OAU-251", "Unauthorized for this grant type")


def _basic(value: str) -> dict[str, str]:
    return {"Authorization": f"Basic {value}"}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


INVALID_CLIENT = oauth_error("invalid_client", "OAU-123", "Invalid client credentials")
CLIENT_AUTH_REQUIRED = oauth_error("invalid_client", "OAU-123", "Client authentication is required")
BAD_CREDENTIALS = oauth_error("invalid_grant", "OAU-140", "Invalid resource owner credentials")


@pytest.mark.parametrize(
    ("headers", "form", "expected"),
    [
        ({}, {"grant_type": JWT, "assertion": "emulator-jwt"}, CLIENT_AUTH_REQUIRED),
        ({}, {"grant_type": JWT, "assertion": "emulator-jwt", "client_id": "emulator-client-id"}, CLIENT_AUTH_REQUIRED),
        ({}, {"grant_type": JWT, "assertion": "x", "client_id": "nobody"}, INVALID_CLIENT),
        (_basic(_b64("emulator-client-id:wrong")), {"grant_type": JWT, "assertion": "emulator-jwt"}, INVALID_CLIENT),
        (_basic(_b64("nobody:secret")), {"grant_type": JWT, "assertion": "emulator-jwt"}, INVALID_CLIENT),
        (_basic(_b64("no-colon")), {"grant_type": JWT, "assertion": "emulator-jwt"}, INVALID_CLIENT),
        (_basic("%%%"), {"grant_type": JWT, "assertion": "emulator-jwt"}, INVALID_CLIENT),
        ({"Authorization": "Bearer x"}, {"grant_type": JWT, "assertion": "emulator-jwt"}, INVALID_CLIENT),
        (
            _basic(_b64("emulator-client-id:emulator-client-secret")),
            {"grant_type": JWT, "assertion": "emulator-jwt", "client_id": "emulator-no-ringout-client-id"},
            INVALID_CLIENT,
        ),
    ],
)
def test_client_authentication_errors(
    strict: TestClient, headers: dict[str, str], form: dict[str, str], expected: dict[str, object]
) -> None:
    response = strict.post(TOKEN, data=form, headers=headers)
    assert (response.status_code, response.json()) == (400, expected)


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"grant_type": JWT, "assertion": "wrong-jwt"}, BAD_CREDENTIALS),
        ({"grant_type": "password", "username": "+16505550100", "extension": "101", "password": "x"}, BAD_CREDENTIALS),
        ({"grant_type": "password", "username": "+16505550100", "extension": "999", "password": "x"}, BAD_CREDENTIALS),
        ({"grant_type": "password", "username": "+16505559999", "password": "emulator-password"}, BAD_CREDENTIALS),
        ({"grant_type": "password", "username": "alice@example.com", "password": "emulator-password"}, BAD_CREDENTIALS),
        (
            {"grant_type": "password", "username": "+16505550102", "extension": "101", "password": "emulator-password"},
            BAD_CREDENTIALS,
        ),
        (
            {"grant_type": "client_credentials"},
            oauth_error("unsupported_grant_type", "OAU-250", "Unsupported grant type"),
        ),
        ({}, oauth_error("invalid_request", "OAU-101", "Parameter [grant_type] is invalid")),
        ({"grant_type": JWT}, oauth_error("invalid_request", "OAU-101", "Parameter [assertion] is invalid")),
        (
            {"grant_type": "password", "password": "p"},
            oauth_error("invalid_request", "OAU-101", "Parameter [username] is invalid"),
        ),
        (
            {"grant_type": "refresh_token"},
            oauth_error("invalid_request", "OAU-101", "Parameter [refresh_token] is invalid"),
        ),
        (
            {"grant_type": "refresh_token", "refresh_token": "never-issued"},
            oauth_error("invalid_grant", "OAU-213", "Token not found"),
        ),
        (
            {"grant_type": JWT, "assertion": "emulator-jwt", "access_token_ttl": "soon"},
            oauth_error("invalid_request", "OAU-101", "Parameter [access_token_ttl] is invalid"),
        ),
        (
            {"grant_type": JWT, "assertion": "emulator-jwt", "scope": "RingOut SMS"},
            oauth_error("invalid_scope", "OAU-101", "Parameter [scope] is invalid: the app has no [SMS] permission"),
        ),
    ],
)
def test_grant_errors(strict: TestClient, form: dict[str, str], expected: dict[str, object]) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = strict.post(TOKEN, content=urlencode(form), headers=headers, auth=APP)
    assert (response.status_code, response.json()) == (400, expected)


def test_duplicate_parameter(strict: TestClient) -> None:
    response = strict.post(
        TOKEN,
        content=f"grant_type={JWT}&assertion=a&assertion=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=APP,
    )
    assert response.json() == oauth_error("invalid_request", "OAU-111", "Request parameter duplication detected")


def test_refresh_token_of_another_app_is_not_found(strict: TestClient) -> None:
    token = jwt_login(strict)
    form = {"grant_type": "refresh_token", "refresh_token": token["refresh_token"]}
    response = strict.post(TOKEN, data=form, auth=NO_RINGOUT_APP)
    assert response.json() == oauth_error("invalid_grant", "OAU-213", "Token not found")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/json", b'{"grant_type": "password"}'), ("", b"grant_type=password"), ("text/plain", b"x")],
)
def test_non_form_body_is_415(strict: TestClient, content_type: str, body: bytes) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = strict.post(TOKEN, content=body, headers=headers, auth=APP)
    assert response.status_code == 415
    message = (
        f"Unsupported Media Type: the request body must be application/x-www-form-urlencoded, got [{content_type}]"
    )
    assert response.json() == oauth_error("invalid_request", "CMN-415", message)  # the OAuth shape


def test_huge_form_is_413(strict: TestClient) -> None:
    response = strict.post(TOKEN, data={"grant_type": JWT, "assertion": "x" * 20_000}, auth=APP)
    message = "Request body too large: at most 16384 bytes are accepted"
    assert (response.status_code, response.json()) == (413, oauth_error("invalid_request", "CMN-413", message))


def test_a_wrong_method_on_an_oauth_path_answers_in_the_oauth_shape(strict: TestClient) -> None:
    response = strict.patch(TOKEN)
    message = "Method [PATCH] is not allowed for resource [/restapi/oauth/token]"
    assert (response.status_code, response.json()) == (405, oauth_error("invalid_request", "CMN-105", message))
    assert response.headers["allow"] == "POST"


def test_invalid_utf8_form(strict: TestClient) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = strict.post(TOKEN, content=b"grant_type=\xff", headers=headers, auth=APP)
    assert response.json() == oauth_error("invalid_request", "OAU-101", "Parameter [body] is invalid")


def test_disabled_extension_may_not_log_in(make_client: Callable[..., TestClient], tmp_path: object) -> None:
    from pathlib import Path

    from emulator.bundled import bundled_accounts_file

    assert isinstance(tmp_path, Path)
    text = (
        bundled_accounts_file()
        .read_text()
        .replace("name: Bob Domestic", "name: Bob Domestic\n        status: Disabled")
    )
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(text)
    client = make_client(clock="manual", auth="strict", accounts_file=str(accounts))
    response = client.post(TOKEN, data={"grant_type": JWT, "assertion": "emulator-jwt-102"}, auth=APP)
    assert response.json() == oauth_error(
        "invalid_grant", "OAU-141", "Login for extension in current state is not allowed."
    )
