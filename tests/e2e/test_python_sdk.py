"""The official Python SDK (PyPI ``ringcentral`` 0.9.x) against a real server on a free port."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from ringcentral import SDK
from ringcentral.http.api_exception import ApiException
from ringcentral.platform.platform import Platform

from emulator.app import create_app
from emulator.core.clock import ManualClock
from emulator.server import EmulatorServer
from emulator.settings import DEFAULT_MANUAL_START, Settings

CLIENT_ID, CLIENT_SECRET = "emulator-client-id", "emulator-client-secret"
RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
CALL = {"from": {"phoneNumber": "+16505550111"}, "to": {"phoneNumber": "+16505550199"}, "playPrompt": False}


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(DEFAULT_MANUAL_START.timestamp())


@pytest.fixture(scope="module")
def server(clock: ManualClock) -> Iterator[EmulatorServer]:
    app = create_app(Settings(clock="manual", auth="strict", rate_limits="off"), clock=clock)
    with EmulatorServer(app, port=0) as running:
        yield running


def platform_for(server: EmulatorServer, client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> Platform:
    platform: Platform = SDK(client_id, secret, server.url, name="emulator-tests", version="1.0").platform()
    return platform


def test_jwt_ringout_flow_then_logout(server: EmulatorServer) -> None:
    platform = platform_for(server)
    platform.login(jwt="emulator-jwt")
    created = platform.post(RINGOUT, CALL)
    assert created.response().status_code == 200
    call = created.json_dict()
    assert call["status"]["callStatus"] == "InProgress"
    assert call["uri"] == f"{server.url}/restapi/v1.0/account/400131560008/extension/400131560009/ring-out/{call['id']}"
    read = platform.get(f"{RINGOUT}/{call['id']}")
    assert (read.response().status_code, read.json_dict()["id"]) == (200, call["id"])
    deleted = platform.delete(f"{RINGOUT}/{call['id']}")
    assert deleted.response().status_code == 204
    old_token = platform.auth().access_token()
    assert platform.logout().response().status_code == 200
    after = httpx.get(f"{server.url}{RINGOUT}/{call['id']}", headers={"Authorization": f"Bearer {old_token}"})
    assert after.status_code == 401
    assert after.json()["errors"] == [{"errorCode": "OAU-213", "message": "Token not found"}]


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "+16505550100", "extension": "101", "password": "emulator-password"},
        {"username": "+16505550100*101", "password": "emulator-password"},
    ],
)
def test_password_login_both_forms(server: EmulatorServer, credentials: dict[str, str]) -> None:
    platform = platform_for(server)
    with pytest.warns(UserWarning, match="deprecated"):
        platform.login(**credentials)
    assert platform.auth().data()["owner_id"] == "400131560009"
    assert platform.get("/restapi/v1.0/account/~/extension/~").json_dict()["extensionNumber"] == "101"
    platform.logout()


def test_refresh_rotates_and_the_sdk_keeps_working(server: EmulatorServer) -> None:
    platform = platform_for(server)
    platform.login(jwt="emulator-jwt")
    before = platform.auth().access_token()
    platform.refresh()
    assert platform.auth().access_token() != before
    assert platform.post(RINGOUT, CALL).response().status_code == 200
    old = httpx.get(f"{server.url}/restapi/v1.0/account/~/extension/~", headers={"Authorization": f"Bearer {before}"})
    assert old.status_code == 401
    platform.logout()


def test_a_bad_to_surfaces_as_the_sdks_exception_with_our_error_code(server: EmulatorServer) -> None:
    platform = platform_for(server)
    platform.login(jwt="emulator-jwt")
    with pytest.raises(ApiException) as raised:
        platform.post(RINGOUT, {"from": {"phoneNumber": "+16505550111"}, "to": {"phoneNumber": "not-a-number"}})
    assert "HTTP 400" in str(raised.value)
    assert '"errorCode":"TEL-109"' in str(raised.value)
    platform.logout()


def test_bad_credentials_and_missing_permission(server: EmulatorServer) -> None:
    platform = platform_for(server)
    with pytest.raises(ApiException, match="OAU-140"):
        platform.login(jwt="wrong")
    narrow = platform_for(server, "emulator-no-ringout-client-id", "emulator-no-ringout-client-secret")
    narrow.login(jwt="emulator-jwt")
    with pytest.raises(ApiException, match="InsufficientPermissions"):
        narrow.post(RINGOUT, CALL)
    narrow.logout()


def test_expired_access_token_by_the_emulator_clock(server: EmulatorServer, clock: ManualClock) -> None:
    platform = platform_for(server)
    platform.login(jwt="emulator-jwt")
    clock.shift(3600)  # the server's clock; the SDK still believes its token is fresh
    with pytest.raises(ApiException, match="OAU-128"):
        platform.get("/restapi/v1.0/account/~/extension/~")
    platform.refresh()
    assert platform.get("/restapi/v1.0/account/~/extension/~").response().status_code == 200
    platform.logout()


def test_authorization_code_with_pkce(server: EmulatorServer) -> None:
    verifier = "a" * 43 + "-PKCE-verifier"
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    platform = platform_for(server)
    # Platform.login_url is broken in ringcentral 0.9.2 (``urllib`` is not imported), so the
    # browser step is built by hand, with the parameters login_url would send.
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": "http://localhost/callback",
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    location = httpx.get(f"{server.url}/restapi/oauth/authorize", params=query).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    platform.login(code=code, redirect_uri="http://localhost/callback", verifier=verifier)
    assert platform.post(RINGOUT, CALL).response().status_code == 200
    platform.logout()
