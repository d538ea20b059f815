"""Subscriptions in tests: a receiver mounted in-process, a subscription on it, and validation of
answers and delivered payloads against the official spec (``rc-official-subset-2``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml
from fastapi.testclient import TestClient
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from emulator.receiver import WebhookReceiver

SPEC2 = Path(__file__).parent.parent / "fixtures" / "rc-official-subset-2.openapi.yml"
RECEIVER = "http://receiver.test"
PATH = "/restapi/v1.0/subscription"
ADVANCE = "/__emulator/clock/advance"
TELEPHONY = "/restapi/v1.0/account/~/extension/~/telephony/sessions"
ACCOUNT_TELEPHONY = "/restapi/v1.0/account/~/telephony/sessions"
PRESENCE = "/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"
ACCOUNT, EXTENSION = "400131560008", "400131560009"


@cache
def _spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC2.read_text(encoding="utf-8"))
    return loaded


def _resolve(node: Any) -> Any:
    if isinstance(node, list):
        return [_resolve(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = _spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return _resolve(target)
    return {k: _resolve(v) for k, v in node.items() if k != "discriminator"}


def check_schema(name: str, instance: Any) -> None:
    """Raises unless ``instance`` is valid against the official schema ``name``."""
    schema = _resolve(_spec()["components"]["schemas"][name])
    OAS30Validator(schema, format_checker=oas30_format_checker).validate(instance)


def mount(client: TestClient, receiver: WebhookReceiver | None = None) -> WebhookReceiver:
    receiver = receiver or WebhookReceiver()
    client.app.state.webhooks.mount(RECEIVER, httpx.ASGITransport(app=receiver))  # type: ignore[attr-defined]
    return receiver


def webhook(*filters: str, token: str | None = None, expires_in: int | None = None) -> dict[str, Any]:
    mode: dict[str, Any] = {"transportType": "WebHook", "address": f"{RECEIVER}/hook"}
    if token is not None:
        mode["verificationToken"] = token
    body: dict[str, Any] = {"eventFilters": list(filters or (TELEPHONY,)), "deliveryMode": mode}
    if expires_in is not None:
        body["expiresIn"] = expires_in
    return body


def subscribe(client: TestClient, *filters: str, **options: Any) -> dict[str, Any]:
    response = client.post(PATH, json=webhook(*filters, **options))
    assert response.status_code == 200, response.text
    check_schema("SubscriptionInfo", response.json())
    found: dict[str, Any] = response.json()
    return found


def advance(client: TestClient, seconds: float) -> int:
    response = client.post(ADVANCE, json={"seconds": seconds})
    assert response.status_code == 200, response.text
    delivered: int = response.json()["delivered"]
    return delivered
