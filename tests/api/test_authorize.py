"""``GET /restapi/oauth/authorize`` (auto-approved for the default extension) and the
``authorization_code`` grant, with and without PKCE."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from emulator.core.clock import ManualClock
from tests.api.oauth_helpers import APP, AUTHORIZE, EXT, NO_RINGOUT_APP, PUBLIC_APP, TOKEN, bearer, oauth_error

CALLBACK = "http://localhost/callback"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUhU1p1r_wW1gFWFOEjXk"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).decode().rstrip("=")


@pytest.fixture
def strict(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(clock="manual", auth="strict")


def authorize(client: TestClient, **params: str) -> str:
    query = {"response_type": "code", "client_id": "emulator-client-id", "redirect_uri": CALLBACK, **params}
    response = client.get(AUTHORIZE, params=query, follow_redirects=False)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    found = parse_qs(location.query)
    assert found.get("state") == ([params["state"]] if "state" in params else None)
    code: str = found["code"][0]
    return code


def exchange(client: TestClient, code: str, auth: tuple[str, str] | None = APP, **form: str) -> Any:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **form}
    return client.post(TOKEN, data=data, auth=auth)


def test_code_flow_logs_in_the_default_extension(strict: TestClient) -> None:
    code = authorize(strict, state="xyz")
    response = exchange(strict, code)
    assert response.status_code == 200
    token = response.json()
    assert token["owner_id"] == "400131560009"
    assert strict.get(EXT, headers=bearer(token)).status_code == 200


def test_a_code_is_single_use(strict: TestClient) -> None:
    code = authorize(strict)
    assert exchange(strict, code).status_code == 200
    assert exchange(strict, code).json() == oauth_error("invalid_grant", "OAU-106", "Invalid authorization code")


@pytest.mark.parametrize(("method", "challenge"), [("S256", CHALLENGE), ("plain", VERIFIER), (None, VERIFIER)])
def test_pkce(strict: TestClient, method: str | None, challenge: str) -> None:
    params = {"code_challenge": challenge, **({"code_challenge_method": method} if method else {})}
    assert exchange(strict, authorize(strict, **params), code_verifier=VERIFIER).status_code == 200
    wrong = exchange(strict, authorize(strict, **params), code_verifier=VERIFIER + "x")
    message = "Invalid authorization code: code_verifier does not match the code_challenge"
    assert (wrong.status_code, wrong.json()) == (400, oauth_error("invalid_grant", "OAU-106", message))
    missing = exchange(strict, authorize(strict, **params))
    assert missing.json() == oauth_error("invalid_grant", "OAU-106", message)


def test_public_app_with_pkce_and_client_id_only(strict: TestClient) -> None:
    code = authorize(strict, client_id=PUBLIC_APP, code_challenge=CHALLENGE, code_challenge_method="S256")
    response = exchange(strict, code, auth=None, client_id=PUBLIC_APP, code_verifier=VERIFIER)
    assert response.status_code == 200
    assert response.json()["scope"] == "ReadAccounts RingOut"


def test_code_errors(strict: TestClient, manual_clock: ManualClock) -> None:
    expired = authorize(strict)
    manual_clock.shift(60)
    assert exchange(strict, expired).json() == oauth_error("invalid_grant", "OAU-108", "Authorization code is expired")
    other_app = exchange(strict, authorize(strict), auth=NO_RINGOUT_APP)
    message = "Authorization code was not issued for this application"
    assert other_app.json() == oauth_error("invalid_grant", "OAU-110", message)
    mismatch = exchange(strict, authorize(strict), redirect_uri="http://127.0.0.1/callback")
    assert mismatch.json() == oauth_error("invalid_grant", "OAU-109", "Redirect URIs do not match")


def test_redirect_uri_may_be_omitted_when_the_app_has_one(strict: TestClient) -> None:
    params = {"response_type": "code", "client_id": "emulator-no-ringout-client-id"}
    response = strict.get(AUTHORIZE, params=params, follow_redirects=False)
    assert response.headers["location"].startswith("http://localhost/callback?code=")
    code = parse_qs(urlsplit(response.headers["location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code}
    assert strict.post(TOKEN, data=form, auth=NO_RINGOUT_APP).status_code == 200


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"client_id": "nobody"}, oauth_error("invalid_client", "OAU-123", "Invalid client credentials")),
        ({"client_id": ""}, oauth_error("invalid_request", "OAU-101", "Parameter [client_id] is invalid")),
        (
            {"response_type": "token"},
            oauth_error("unsupported_response_type", "OAU-101", "Parameter [response_type] is invalid"),
        ),
        (
            {"redirect_uri": "http://evil.example/cb"},
            oauth_error("invalid_request", "OAU-109", "Redirect URIs do not match"),
        ),
        ({"redirect_uri": ""}, oauth_error("invalid_request", "OAU-101", "Parameter [redirect_uri] is invalid")),
        (
            {"code_challenge": "abc", "code_challenge_method": "S512"},
            oauth_error("invalid_request", "OAU-101", "Parameter [code_challenge_method] is invalid"),
        ),
    ],
)
def test_authorize_errors(strict: TestClient, params: dict[str, str], expected: dict[str, Any]) -> None:
    query = {"response_type": "code", "client_id": "emulator-client-id", "redirect_uri": CALLBACK, **params}
    response = strict.get(AUTHORIZE, params=query, follow_redirects=False)
    assert (response.status_code, response.json()) == (400, expected)


def test_authorize_needs_the_grant(make_client: Callable[..., TestClient], tmp_path: Any) -> None:
    from emulator.bundled import bundled_accounts_file

    text = bundled_accounts_file().read_text()
    text = text.replace(
        "grants: [urn:ietf:params:oauth:grant-type:jwt-bearer, password, refresh_token, authorization_code]\n"
        "    redirectUris: [http://localhost/callback]",
        "grants: [password]\n    redirectUris: [http://localhost/callback]",
    )
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(text)
    client = make_client(clock="manual", auth="strict", accounts_file=str(accounts))
    params = {"response_type": "code", "client_id": "emulator-no-ringout-client-id"}
    response = client.get(AUTHORIZE, params=params, follow_redirects=False)
    assert response.json() == oauth_error("unauthorized_client", "OAU-251", "Unauthorized for this grant type")


def test_redirect_keeps_an_existing_query(make_client: Callable[..., TestClient], tmp_path: Any) -> None:
    from emulator.bundled import bundled_accounts_file

    text = (
        bundled_accounts_file()
        .read_text()
        .replace("redirectUris: [http://localhost/callback]\n", "redirectUris: ['http://localhost/cb?tenant=1']\n")
    )
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(text)
    client = make_client(clock="manual", auth="strict", accounts_file=str(accounts))
    params = {"response_type": "code", "client_id": "emulator-no-ringout-client-id", "state": "s"}
    location = client.get(AUTHORIZE, params=params, follow_redirects=False).headers["location"]
    assert location.startswith("http://localhost/cb?tenant=1&code=")
    assert location.endswith("&state=s")
