"""The subscription routes in-process (the receiver mounted with httpx's ASGI transport):
answers against ``SubscriptionInfo``, every error, expiry and renewal on the manual clock."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from emulator.core.clock import ManualClock
from emulator.receiver import WebhookReceiver
from tests.api.control_helpers import error
from tests.api.subscription_helpers import (
    ACCOUNT,
    EXTENSION,
    PATH,
    PRESENCE,
    RECEIVER,
    TELEPHONY,
    check_schema,
    mount,
    subscribe,
    webhook,
)

T0 = "2026-01-01T00:00:00.000Z"


@pytest.fixture
def hooked(client: TestClient) -> TestClient:
    mount(client)
    return client


def test_create_answers_subscription_info_with_numeric_filters(hooked: TestClient) -> None:
    response = hooked.post(PATH, json=webhook(TELEPHONY, PRESENCE, token="s3cret", expires_in=3600))
    body = response.json()
    assert response.status_code == 200
    check_schema("SubscriptionInfo", body)
    assert body == {
        "uri": f"http://testserver{PATH}/{body['id']}",
        "id": body["id"],
        "creationTime": T0,
        "status": "Active",
        "eventFilters": [
            f"/restapi/v1.0/account/{ACCOUNT}/extension/{EXTENSION}/telephony/sessions",
            f"/restapi/v1.0/account/{ACCOUNT}/extension/{EXTENSION}/presence?detailedTelephonyState=true",
        ],
        "expirationTime": "2026-01-01T01:00:00.000Z",
        "expiresIn": 3600,
        "deliveryMode": {"transportType": "WebHook", "encryption": False, "address": f"{RECEIVER}/hook"},
    }
    assert len(body["id"]) == 36 and body["id"].count("-") == 4


def test_the_handshake_posts_an_empty_json_body_with_a_validation_token(client: TestClient) -> None:
    receiver = mount(client)
    subscribe(client, token="s3cret")
    [handshake] = receiver.handshakes
    assert handshake.body is None
    assert handshake.headers["content-type"] == "application/json"
    assert len(handshake.headers["validation-token"]) == 36
    assert "verification-token" not in handshake.headers


def test_default_expiry_is_a_week(hooked: TestClient) -> None:
    body = subscribe(hooked)
    assert (body["expiresIn"], body["expirationTime"]) == (604800, "2026-01-08T00:00:00.000Z")


def test_list_read_and_delete(hooked: TestClient) -> None:
    first, second = subscribe(hooked), subscribe(hooked)
    listed = hooked.get(PATH).json()
    check_schema("SubscriptionListResource", listed)
    assert [r["id"] for r in listed["records"]] == [first["id"], second["id"]]
    assert hooked.get(f"{PATH}/{first['id']}").json() == first
    response = hooked.delete(f"{PATH}/{first['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert [r["id"] for r in hooked.get(PATH).json()["records"]] == [second["id"]]
    missing = hooked.get(f"{PATH}/{first['id']}")
    assert (missing.status_code, missing.json()) == (
        404,
        error("CMN-102", "Resource for parameter [subscriptionId] is not found", parameterName="subscriptionId"),
    )


def test_renew_keeps_its_own_expires_in(hooked: TestClient, manual_clock: ManualClock) -> None:
    created = subscribe(hooked, expires_in=100)
    manual_clock.shift(60)
    for renewed in (hooked.post(f"{PATH}/{created['id']}/renew"), hooked.put(f"{PATH}/{created['id']}")):
        assert renewed.status_code == 200
        assert (renewed.json()["expiresIn"], renewed.json()["expirationTime"]) == (100, "2026-01-01T00:02:40.000Z")


def test_put_replaces_filters_and_sets_expires_in(hooked: TestClient) -> None:
    created = subscribe(hooked)
    response = hooked.put(f"{PATH}/{created['id']}", json={"eventFilters": [PRESENCE], "expiresIn": 50})
    body = response.json()
    assert response.status_code == 200
    check_schema("SubscriptionInfo", body)
    assert body["eventFilters"] == [
        f"/restapi/v1.0/account/{ACCOUNT}/extension/{EXTENSION}/presence?detailedTelephonyState=true"
    ]
    assert body["expiresIn"] == 50


def test_an_expired_subscription_answers_sub_507_and_leaves_the_list(
    hooked: TestClient, manual_clock: ManualClock
) -> None:
    created = subscribe(hooked, expires_in=10)
    manual_clock.shift(10)
    response = hooked.get(f"{PATH}/{created['id']}")
    message = f"Subscription with key [{created['id']}] and assigned session was expired"
    assert (response.status_code, response.json()) == (404, error("SUB-507", message))
    assert hooked.get(PATH).json()["records"] == []


def test_thirty_per_extension_and_app(hooked: TestClient) -> None:
    for _ in range(30):
        subscribe(hooked)
    response = hooked.post(PATH, json=webhook())
    assert (response.status_code, response.json()) == (403, error("SUB-505", "Subscriptions limit exceeded"))


@pytest.mark.parametrize(
    "bad",
    [
        "/restapi/v1.0/account/~/extension/~/message-store",
        "/restapi/v1.0/account/~/presence",
        "/restapi/v1.0/account/~/extension/999/telephony/sessions",
        "/restapi/v1.0/account/~/extension/~/telephony/sessions?unknown=1",
        "/restapi/v1.0/subscription/~?threshold=60&interval=30",
    ],
)
def test_bad_filters_are_sub_508(hooked: TestClient, bad: str) -> None:
    response = hooked.post(PATH, json=webhook(TELEPHONY, bad))
    assert (response.status_code, response.json()) == (400, error("SUB-508", f"Invalid event filters: [{bad}]"))


def test_another_accounts_filters_are_sub_406(hooked: TestClient) -> None:
    foreign = "/restapi/v1.0/account/400131580008/telephony/sessions"
    response = hooked.post(PATH, json=webhook(foreign))
    message = f"Subscription to events of extensions of another account is not allowed: [{foreign}]"
    assert (response.status_code, response.json()) == (403, error("SUB-406", message))


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"eventFilters": [TELEPHONY]}, "deliveryMode"),
        ({"eventFilters": [], "deliveryMode": {"transportType": "WebHook", "address": "http://x"}}, "eventFilters"),
        ({"eventFilters": [TELEPHONY], "deliveryMode": {"transportType": "PubNub", "address": "http://x"}}, None),
        ({"eventFilters": [TELEPHONY], "deliveryMode": {"transportType": "WebHook", "address": "ftp://x"}}, None),
        ({**webhook(), "expiresIn": 0}, "expiresIn"),
        # sent back as the Verification-Token header of every delivery: one no header can carry
        # was accepted, and then every delivery failed (UnicodeEncodeError, LocalProtocolError)
        (webhook(token="caf\u00e9"), "deliveryMode.verificationToken"),
        (webhook(token="a\r\nX-Injected: 1"), "deliveryMode.verificationToken"),
        (webhook(token="t" * 1025), "deliveryMode.verificationToken"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(
    hooked: TestClient, body: dict[str, object], parameter: str | None
) -> None:
    response = hooked.post(PATH, json=body)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "CMN-101"
    if parameter is not None:
        assert response.json()["parameterName"] == parameter


@pytest.mark.parametrize(
    ("receiver", "code", "message"),
    [
        (WebhookReceiver(echo=False), "SUB-520", "Validation Token is not returned"),
        (WebhookReceiver(status=500), "SUB-525", "WebHook server response is invalid"),
    ],
)
def test_handshake_failures_store_nothing(
    client: TestClient, receiver: WebhookReceiver, code: str, message: str
) -> None:
    mount(client, receiver)
    response = client.post(PATH, json=webhook())
    assert (response.status_code, response.json()) == (400, error(code, message))
    assert client.get(PATH).json()["records"] == []


def test_an_unreachable_address_is_sub_521(client: TestClient) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    response = client.post(
        PATH,
        json={**webhook(), "deliveryMode": {"transportType": "WebHook", "address": f"http://127.0.0.1:{port}/hook"}},
    )
    assert (response.status_code, response.json()) == (400, error("SUB-521", "WebHook is not reachable"))


def test_require_https_refuses_http_addresses(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual", require_https=True)
    mount(client)
    response = client.post(PATH, json=webhook())
    assert (response.status_code, response.json()) == (400, error("SUB-523", "HTTPS is required"))


STRICT_APP = ("emulator-no-ringout-client-id", "emulator-no-ringout-client-secret")
JWT = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}


def test_an_app_without_subscription_webhook_is_403(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual", auth="strict")
    mount(client)
    token = client.post("/restapi/oauth/token", data=JWT, auth=STRICT_APP).json()["access_token"]
    response = client.post(PATH, json=webhook(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["errorCode"] == "InsufficientPermissions"
    assert response.json()["errors"][0]["permissionName"] == "SubscriptionWebhook"


def test_the_reset_scope_drops_subscriptions(hooked: TestClient) -> None:
    subscribe(hooked)
    assert hooked.post("/__emulator/reset", json={"scopes": ["subscriptions"]}).status_code == 200
    assert hooked.get(PATH).json()["records"] == []


def test_another_extensions_subscription_is_404(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual", auth="strict")
    mount(client)
    own = client.post("/restapi/oauth/token", data=JWT, auth=("emulator-client-id", "emulator-client-secret"))
    client.headers["Authorization"] = f"Bearer {own.json()['access_token']}"
    created = subscribe(client)
    other = client.post(
        "/restapi/oauth/token",
        data={**JWT, "assertion": "emulator-jwt-102"},
        auth=("emulator-client-id", "emulator-client-secret"),
    )
    response = client.get(
        f"{PATH}/{created['id']}", headers={"Authorization": f"Bearer {other.json()['access_token']}"}
    )
    assert response.status_code == 404
