"""Small helpers shared by the control-plane API tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import RINGOUT

START = "2026-01-01T00:00:00.000Z"
CALLER = "+16505550111"  # the default extension's default forwarding number


def ringout(client: TestClient, to: str = "+16505550199", **extra: Any) -> Any:
    headers = extra.pop("headers", {})
    body = {"to": {"phoneNumber": to}, **extra}
    return client.post(RINGOUT, json=body, headers=headers)


def error(code: str, message: str, **fields: str) -> dict[str, Any]:
    """The RingCentral error body the emulator answers with."""
    return {
        "errorCode": code,
        "message": message,
        "errors": [{"errorCode": code, "message": message, **fields}],
        **fields,
    }
