"""Logging in through the token endpoint of an in-process app (strict auth)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

TOKEN = "/restapi/oauth/token"
REVOKE = "/restapi/oauth/revoke"
AUTHORIZE = "/restapi/oauth/authorize"
JWT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
APP = ("emulator-client-id", "emulator-client-secret")
NO_RINGOUT_APP = ("emulator-no-ringout-client-id", "emulator-no-ringout-client-secret")
PUBLIC_APP = "emulator-public-client-id"
EXT = "/restapi/v1.0/account/~/extension/~"
ALICE = ("400131560008", "400131560009")  # account, extension 101 (the default identity)
BOB = "400131560010"  # extension 102, same account
CAROL = ("400131580008", "400131580009")  # the second account, extension 201


def oauth_error(error: str, code: str, message: str) -> dict[str, Any]:
    return {"error": error, "error_description": message, "errors": [{"errorCode": code, "message": message}]}


def api_error(code: str, message: str, top: str | None = None, **fields: str) -> dict[str, Any]:
    return {
        "errorCode": top or code,
        "message": message,
        "errors": [{"errorCode": code, "message": message, **fields}],
        **fields,
    }


def jwt_login(
    client: TestClient, jwt: str = "emulator-jwt", app: tuple[str, str] = APP, **extra: str
) -> dict[str, Any]:
    response = client.post(TOKEN, data={"grant_type": JWT, "assertion": jwt, **extra}, auth=app)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: dict[str, Any] | str) -> dict[str, str]:
    value = token if isinstance(token, str) else token["access_token"]
    return {"Authorization": f"Bearer {value}"}
