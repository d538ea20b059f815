"""Events delivered in-process (receiver mounted with httpx's ASGI transport), on the manual
clock: every payload against the official event schemas, the headers, every bundled scenario end
to end, forced legs and DELETE, the account filter, expiry, blacklisting and the delivery log."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from emulator.core.clock import ManualClock
from emulator.core.sessions import party_id, session_id, telephony_session_id
from emulator.receiver import WebhookReceiver
from tests.api.control_helpers import ringout
from tests.api.subscription_helpers import (
    ACCOUNT,
    ACCOUNT_TELEPHONY,
    EXTENSION,
    PATH,
    PRESENCE,
    TELEPHONY,
    advance,
    check_schema,
    mount,
    subscribe,
)
from tests.core.test_events import EXPECTED

TO = "+16505550199"
FROM = "+16505550111"  # the default extension's RingOut-default forwarding number
T0 = "2026-01-01T00:00:00.000Z"


@pytest.fixture
def receiver(client: TestClient) -> WebhookReceiver:
    return mount(client)


def compact(receiver: WebhookReceiver, session: str) -> list[str]:
    return [
        f"{party} {code}" + (f"/{reason}" if reason else "") for _, party, code, reason in receiver.statuses(session)
    ]


def test_a_ringout_from_create_to_disconnected(client: TestClient, receiver: WebhookReceiver) -> None:
    subscription = subscribe(client, TELEPHONY, PRESENCE, token="s3cret")
    call_id = ringout(client).json()["id"]
    session = telephony_session_id(call_id)
    assert compact(receiver, session) == ["1 Proceeding"]  # delivered before the create answered
    assert advance(client, 60) == 7  # 5 telephony events, 2 presence events
    assert compact(receiver, session) == [
        "1 Proceeding", "1 Answered", "2 Proceeding", "2 Answered", "1 Disconnected", "2 Disconnected",
    ]  # fmt: skip
    for received in receiver.notifications:
        assert received.headers["content-type"] == "application/json; charset=UTF-8"
        assert received.headers["user-agent"] == "RingCentral-Webhook/8.3"
        assert received.headers["verification-token"] == "s3cret"
        assert received.body["subscriptionId"] == subscription["id"]
        assert received.body["ownerId"] == EXTENSION
        assert received.body["uuid"].isdigit()
        detailed = "telephonyStatus" in received.body["body"]
        check_schema("DetailedExtensionPresenceEvent" if detailed else "ExtensionTelephonySessionsEvent", received.body)
    first = receiver.notifications[0].body
    assert first == {
        "uuid": first["uuid"],
        "event": f"/restapi/v1.0/account/{ACCOUNT}/extension/{EXTENSION}/telephony/sessions",
        "timestamp": T0,
        "subscriptionId": subscription["id"],
        "ownerId": EXTENSION,
        "body": {
            "sequence": 1,
            "sessionId": session_id(call_id),
            "telephonySessionId": session,
            "serverId": "emulator.TAM",
            "eventTime": T0,
            "parties": [
                {
                    "id": party_id(call_id, 1),
                    "direction": "Inbound",
                    "to": {"phoneNumber": FROM, "extensionId": EXTENSION},
                    "from": {"phoneNumber": TO},
                    "status": {"code": "Proceeding", "rcc": False},
                    "ringOutRole": "Initiator",
                    "missedCall": False,
                    "standAlone": False,
                    "muted": False,
                    "accountId": ACCOUNT,
                    "extensionId": EXTENSION,
                }
            ],
            "origin": {"type": "RingOut"},
        },
    }
    ringing, connected, ended = receiver.presence()
    assert [p["telephonyStatus"] for p in (ringing, connected, ended)] == ["Ringing", "CallConnected", "NoCall"]
    assert ringing["activeCalls"][0]["telephonySessionId"] == session
    assert ringing["activeCalls"][0]["partyId"] == party_id(call_id, 1)


def test_presence_ends_with_no_call(client: TestClient, receiver: WebhookReceiver) -> None:
    subscribe(client, PRESENCE)
    ringout(client)
    advance(client, 60)
    statuses = [
        (p["sequence"], p["telephonyStatus"], p["activeCalls"][0]["terminationType"]) for p in receiver.presence()
    ]
    assert statuses == [(1, "Ringing", "intermediate"), (2, "CallConnected", "intermediate"), (3, "NoCall", "final")]


def test_presence_is_the_extensions_across_its_calls(client: TestClient, receiver: WebhookReceiver) -> None:
    """Two calls of one extension: presence is the extension's, not one call's. When the first
    call ends the extension is still on the second (it said ``NoCall``, 0 active calls)."""
    subscribe(client, PRESENCE)
    first = ringout(client).json()["id"]
    advance(client, 20)  # the first call is connected
    second = ringout(client, headers={"X-Emulator-Scenario": "no_answer"}).json()["id"]
    advance(client, 60)
    events = [
        (p["telephonyStatus"], p["totalActiveCalls"], [(c["id"], c["telephonyStatus"]) for c in p["activeCalls"]])
        for p in receiver.presence()
    ]
    assert events == [
        ("Ringing", 1, [(first, "Ringing")]),
        ("CallConnected", 1, [(first, "CallConnected")]),
        ("CallConnected", 2, [(second, "Ringing"), (first, "CallConnected")]),
        ("CallConnected", 2, [(second, "CallConnected"), (first, "CallConnected")]),
        ("CallConnected", 1, [(first, "NoCall"), (second, "CallConnected")]),
        ("NoCall", 0, [(second, "NoCall")]),
    ]
    assert [p["sequence"] for p in receiver.presence()] == [1, 2, 3, 4, 5, 6]
    assert [p["presenceStatus"] for p in receiver.presence()] == ["Busy"] * 5 + ["Available"]
    for received in receiver.notifications:
        check_schema("DetailedExtensionPresenceEvent", received.body)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_bundled_scenario_is_delivered_in_order(client: TestClient, receiver: WebhookReceiver, name: str) -> None:
    subscribe(client)
    call_id = ringout(client, headers={"X-Emulator-Scenario": name}).json()["id"]
    advance(client, 60)
    session = telephony_session_id(call_id)
    assert [s[0] for s in receiver.statuses(session)] == list(range(1, len(EXPECTED[name]) + 1))
    assert compact(receiver, session) == [entry.split(" ", 1)[1] for entry in EXPECTED[name]]


def test_a_forced_leg_and_a_delete_deliver_before_they_answer(client: TestClient, receiver: WebhookReceiver) -> None:
    subscribe(client)
    call_id = ringout(client).json()["id"]
    session = telephony_session_id(call_id)
    forced = client.post(f"/__emulator/calls/{call_id}/legs/caller", json={"action": "answer"})
    assert forced.status_code == 200
    assert compact(receiver, session) == ["1 Proceeding", "1 Answered", "2 Proceeding"]
    other = ringout(client).json()["id"]
    cancelled = client.delete(f"/restapi/v1.0/account/~/extension/~/ring-out/{other}")
    assert cancelled.status_code == 204
    assert compact(receiver, telephony_session_id(other)) == ["1 Proceeding", "1 Disconnected/Cancelled"]


def test_the_account_filter_names_the_account(client: TestClient, receiver: WebhookReceiver) -> None:
    subscribe(client, ACCOUNT_TELEPHONY)
    ringout(client)
    assert receiver.notifications[0].body["event"] == f"/restapi/v1.0/account/{ACCOUNT}/telephony/sessions"
    check_schema("AccountTelephonySessionsEvent", receiver.notifications[0].body)


def test_an_expired_subscription_stops_delivering(client: TestClient, receiver: WebhookReceiver) -> None:
    subscribe(client, expires_in=5)
    call_id = ringout(client).json()["id"]
    assert advance(client, 60) == 2  # Answered and callee Proceeding at 4 s; nothing after 5 s
    assert compact(receiver, telephony_session_id(call_id)) == ["1 Proceeding", "1 Answered", "2 Proceeding"]


def test_a_failing_receiver_is_blacklisted_after_the_window(
    client: TestClient, receiver: WebhookReceiver, manual_clock: ManualClock
) -> None:
    subscription = subscribe(client)
    receiver.status = 503
    ringout(client, headers={"X-Emulator-Scenario": "caller_no_answer"})  # events at 0 and 30 s
    advance(client, 60)
    assert client.get(f"{PATH}/{subscription['id']}").json()["status"] == "Active"  # failing for 30 s only
    manual_clock.shift(600)
    ringout(client)  # its first event fails 630 s after the first failure
    found = client.get(f"{PATH}/{subscription['id']}").json()
    assert found["status"] == "Blacklisted"
    assert found["blacklistedData"] == {
        "blacklistedAt": "2026-01-01T00:11:00.000Z",
        "reason": "Webhook responses with code: [503], reason: [Service Unavailable]",
    }
    check_schema("SubscriptionInfo", found)
    receiver.status = 200
    attempts = len(receiver.notifications)
    assert advance(client, 60) == 0  # a blacklisted subscription gets nothing
    assert len(receiver.notifications) == attempts


def test_a_success_clears_the_failure_window(
    client: TestClient, receiver: WebhookReceiver, manual_clock: ManualClock
) -> None:
    subscription = subscribe(client)
    receiver.status = 500
    ringout(client)
    receiver.status = 200
    manual_clock.shift(700)
    ringout(client)
    receiver.status = 500
    ringout(client)
    assert client.get(f"{PATH}/{subscription['id']}").json()["status"] == "Active"


def test_the_delivery_log(client: TestClient, receiver: WebhookReceiver) -> None:
    subscription = subscribe(client)
    call_id = ringout(client).json()["id"]
    records = client.get("/__emulator/deliveries").json()["records"]
    handshake, delivery = records
    assert (handshake["kind"], handshake["statusCode"], handshake["ok"], handshake["subscriptionId"]) == (
        "handshake", 200, True, None,
    )  # fmt: skip
    assert {k: v for k, v in delivery.items() if k not in ("latencyMs", "uuid")} == {
        "seq": 2,
        "at": T0,
        "kind": "notification",
        "transport": "WebHook",
        "subscriptionId": subscription["id"],
        "address": "http://receiver.test/hook",
        "event": f"/restapi/v1.0/account/{ACCOUNT}/extension/{EXTENSION}/telephony/sessions",
        "telephonySessionId": telephony_session_id(call_id),
        "sequence": 1,
        "statusCode": 200,
        "ok": True,
        "error": None,
    }
    only = client.get("/__emulator/deliveries", params={"subscriptionId": subscription["id"]}).json()
    assert only["count"] == 1
    assert client.post("/__emulator/reset", json={"scopes": ["deliveries"]}).status_code == 200
    assert client.get("/__emulator/deliveries").json()["records"] == []


def test_no_subscription_no_delivery(client: TestClient, receiver: WebhookReceiver) -> None:
    ringout(client)
    assert advance(client, 60) == 0
    assert receiver.notifications == []


def test_plain_presence_has_no_active_calls(client: TestClient, receiver: WebhookReceiver) -> None:
    subscribe(client, "/restapi/v1.0/account/~/extension/~/presence")
    ringout(client)
    advance(client, 60)
    for received in receiver.notifications:
        check_schema("ExtensionPresenceEvent", received.body)
    assert [(p["telephonyStatus"], "activeCalls" in p) for p in receiver.presence()] == [
        ("Ringing", False), ("CallConnected", False), ("NoCall", False),
    ]  # fmt: skip


def test_setting_the_clock_delivers_too(client: TestClient, receiver: WebhookReceiver) -> None:
    subscribe(client)
    ringout(client)
    response = client.put("/__emulator/clock", json={"now": "2026-01-01T00:01:00Z"})
    assert (response.status_code, response.json()["delivered"]) == (200, 5)


def test_another_extensions_presence_in_the_account(client: TestClient, receiver: WebhookReceiver) -> None:
    subscribed = subscribe(client, "/restapi/v1.0/account/~/extension/400131560010/presence")
    assert subscribed["eventFilters"] == [f"/restapi/v1.0/account/{ACCOUNT}/extension/400131560010/presence"]
    ringout(client)  # the default extension's call: not Bob's presence
    assert receiver.notifications == []
