"""Probes for ``/restapi/v1.0/subscription`` and ``/__emulator/deliveries`` (see ``probes.py``).
The handshake goes in-process to a recording receiver mounted at ``RECEIVER``."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient

from emulator.core.sessions import telephony_session_id
from emulator.receiver import WebhookReceiver
from tests.contract.probes import CONTROL, STRICT, TOKEN, Probe, Send

RECEIVER = "http://receiver.test"
PATH = "/restapi/v1.0/subscription"
ITEM = f"{PATH}/{{subscriptionId}}"
RENEW = f"{ITEM}/renew"
DELIVERIES = f"{CONTROL}/deliveries"
FILTER = "/restapi/v1.0/account/~/extension/~/telephony/sessions"
FOREIGN = "/restapi/v1.0/account/400131580008/extension/400131580009/telephony/sessions"
LOCKED = {"control_token": "secret"}
SESSION = "/restapi/v1.0/account/{accountId}/telephony/sessions/{telephonySessionId}"
NO_CALL_CONTROL = ("emulator-no-ringout-client-id", "emulator-no-ringout-client-secret")
JWT = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}


def _session_url(client: TestClient) -> str:
    response = client.post("/restapi/v1.0/account/~/extension/~/ring-out", json={"to": {"phoneNumber": "+16505550199"}})
    assert response.status_code == 200, response.text
    return f"/restapi/v1.0/account/~/telephony/sessions/{telephony_session_id(response.json()['id'])}"


def _without_call_control(client: TestClient) -> httpx.Response:
    token: str = client.post("/restapi/oauth/token", data=JWT, auth=NO_CALL_CONTROL).json()["access_token"]
    response: httpx.Response = client.get(
        "/restapi/v1.0/account/~/telephony/sessions/s-1", headers={"Authorization": f"Bearer {token}"}
    )
    return response


def webhook(filters: list[str] | None = None) -> dict[str, Any]:
    return {
        "eventFilters": filters or [FILTER],
        "deliveryMode": {"transportType": "WebHook", "address": f"{RECEIVER}/hook"},
    }


def hooked(client: TestClient) -> WebhookReceiver:
    receiver = WebhookReceiver()
    client.app.state.webhooks.mount(RECEIVER, httpx.ASGITransport(app=receiver))  # type: ignore[attr-defined]
    return receiver


def subscribed(client: TestClient) -> str:
    hooked(client)
    response = client.post(PATH, json=webhook())
    assert response.status_code == 200, response.text
    subscription_id: str = response.json()["id"]
    return subscription_id


def _on_one(method: str, suffix: str = "", **kwargs: Any) -> Send:
    return lambda c: c.request(method, f"{PATH}/{subscribed(c)}{suffix}", **kwargs)


def _hooked(send: Send) -> Send:
    def run(client: TestClient) -> httpx.Response:
        hooked(client)
        return send(client)

    return run


def _strict(method: str, path: str, url: str) -> Probe:
    return Probe(method, path, 401, lambda c: c.request(method, url), STRICT, frozenset({TOKEN}))


def subscription_probes() -> list[Probe]:
    unknown = f"{PATH}/00000000-0000-4000-8000-000000000000"
    big = {"eventFilters": ["x" * 70_000]}
    plain: dict[str, Any] = {"content": b"x", "headers": {"Content-Type": "text/plain"}}
    return [
        Probe("POST", PATH, 200, _hooked(lambda c: c.post(PATH, json=webhook()))),
        Probe("POST", PATH, 400, _hooked(lambda c: c.post(PATH, json=webhook(["/restapi/v1.0/nothing"])))),
        _strict("POST", PATH, PATH),
        Probe("POST", PATH, 403, _hooked(lambda c: c.post(PATH, json=webhook([FOREIGN])))),
        Probe("POST", PATH, 413, lambda c: c.post(PATH, json=big)),
        Probe("POST", PATH, 415, lambda c: c.post(PATH, **plain)),
        Probe("GET", PATH, 200, lambda c: (subscribed(c), c.get(PATH))[1]),
        _strict("GET", PATH, PATH),
        Probe("GET", ITEM, 200, _on_one("GET")),
        _strict("GET", ITEM, unknown),
        Probe("GET", ITEM, 404, lambda c: c.get(unknown)),
        Probe("PUT", ITEM, 200, _on_one("PUT")),
        Probe("PUT", ITEM, 400, _on_one("PUT", json={"eventFilters": ["/restapi/v1.0/nothing"]})),
        _strict("PUT", ITEM, unknown),
        Probe("PUT", ITEM, 403, _on_one("PUT", json={"eventFilters": [FOREIGN]})),
        Probe("PUT", ITEM, 404, lambda c: c.put(unknown)),
        Probe("PUT", ITEM, 413, _on_one("PUT", json=big)),
        Probe("PUT", ITEM, 415, _on_one("PUT", **plain)),
        Probe("DELETE", ITEM, 204, _on_one("DELETE")),
        _strict("DELETE", ITEM, unknown),
        Probe("DELETE", ITEM, 404, lambda c: c.delete(unknown)),
        Probe("POST", RENEW, 200, _on_one("POST", "/renew")),
        _strict("POST", RENEW, f"{unknown}/renew"),
        Probe("POST", RENEW, 404, lambda c: c.post(f"{unknown}/renew")),
        Probe("GET", SESSION, 200, lambda c: c.get(_session_url(c))),
        _strict("GET", SESSION, "/restapi/v1.0/account/~/telephony/sessions/s-1"),
        Probe("GET", SESSION, 403, _without_call_control, STRICT, frozenset({TOKEN})),
        Probe("GET", SESSION, 404, lambda c: c.get("/restapi/v1.0/account/~/telephony/sessions/s-1")),
        Probe("GET", DELIVERIES, 200, lambda c: (subscribed(c), c.get(DELIVERIES))[1]),
        Probe("GET", DELIVERIES, 400, lambda c: c.get(DELIVERIES, params={"limit": "-1"})),
        Probe("GET", DELIVERIES, 401, lambda c: c.get(DELIVERIES), LOCKED),
        Probe("DELETE", DELIVERIES, 204, lambda c: c.delete(DELIVERIES)),
        Probe("DELETE", DELIVERIES, 401, lambda c: c.delete(DELIVERIES), LOCKED),
    ]
