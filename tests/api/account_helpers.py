"""Creating accounts on demand and acting in them (``/__emulator/accounts``)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.oauth_helpers import jwt_login

ACCOUNTS = "/__emulator/accounts"
HEADER = "X-Emulator-Account"


def create_account(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(ACCOUNTS, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def login(client: TestClient, account: dict[str, Any], jwt: str = "emulator-jwt") -> dict[str, str]:
    """A bearer header for ``jwt``'s extension in ``account``, through its own app."""
    app = account["apps"][0]
    token = jwt_login(client, jwt, app=(app["clientId"], app["clientSecret"]))
    return {"Authorization": f"Bearer {token['access_token']}"}


def scoped(account: dict[str, Any]) -> dict[str, str]:
    return {HEADER: account["id"]}
