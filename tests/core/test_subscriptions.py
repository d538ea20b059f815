"""The subscription store and the event filters, without HTTP: caps, expiry on the clock,
blacklisting after the failure window, and how filters are parsed and stored."""

from __future__ import annotations

import pytest

from emulator.core.directory import Account, Directory, Extension
from emulator.core.errors import (
    InvalidEventFilters,
    OtherAccountEvents,
    ResourceNotFound,
    SubscriptionExpired,
    SubscriptionLimitExceeded,
)
from emulator.core.event_filters import parse_filters
from emulator.core.subscriptions import PER_OWNER, Subscription, SubscriptionStore

ALICE = Extension(id="11", account_id="1", extension_number="101", name="Alice")
BOB = Extension(id="12", account_id="1", extension_number="102", name="Bob")
CAROL = Extension(id="21", account_id="2", extension_number="201", name="Carol")
DIRECTORY = Directory(
    (
        Account(id="1", main_number="+16505550100", home_country="US", extensions=(ALICE, BOB)),
        Account(id="2", main_number="+16505550200", home_country="US", extensions=(CAROL,)),
    )
)


def make(subscription_id: str, *, extension: str = "11", client: str = "app", expires_in: int = 100) -> Subscription:
    return Subscription(
        subscription_id, "1", extension, client, (), "http://127.0.0.1:0/", None, 0.0, expires_in, expires_in
    )


def test_thirty_per_extension_and_app_and_a_total_cap() -> None:
    store = SubscriptionStore(max_total=40)
    for n in range(PER_OWNER):
        store.check_room("11", "app", 0)
        store.add(make(f"a{n}"))
    with pytest.raises(SubscriptionLimitExceeded):
        store.check_room("11", "app", 0)
    store.check_room("11", "other-app", 0)  # another app has its own 30
    for n in range(10):
        store.add(make(f"b{n}", extension="12"))
    with pytest.raises(SubscriptionLimitExceeded):
        store.check_room("12", "app", 0)  # 40 in all


def test_expiry_on_the_clock() -> None:
    store = SubscriptionStore(max_total=10)
    store.add(make("s", expires_in=10))
    assert store.get("s", "11", 9.9).id == "s"
    with pytest.raises(SubscriptionExpired):
        store.get("s", "11", 10)
    assert (len(store), store.watching("1")) == (0, False)
    with pytest.raises(ResourceNotFound):
        store.get("s", "11", 10)


def test_someone_elses_subscription_is_not_found() -> None:
    store = SubscriptionStore(max_total=10)
    store.add(make("s"))
    with pytest.raises(ResourceNotFound):
        store.get("s", "12", 0)
    with pytest.raises(ResourceNotFound):
        store.delete("s", "12")


def test_blacklisted_after_failing_for_the_window() -> None:
    subscription = make("s")
    subscription.delivered(False, 100, "boom", 600)
    subscription.delivered(False, 699, "boom", 600)
    assert subscription.status == "Active"
    subscription.delivered(True, 700, "", 600)  # a success starts the window again
    subscription.delivered(False, 800, "boom", 600)
    subscription.delivered(False, 1400, "still boom", 600)
    assert (subscription.status, subscription.blacklisted_at, subscription.blacklist_reason) == (
        "Blacklisted", 1400, "still boom",
    )  # fmt: skip


def test_filters_are_stored_with_numeric_ids() -> None:
    texts = [
        "/restapi/v1.0/account/~/extension/~/telephony/sessions?sipData=true",
        "/restapi/v1.0/account/~/telephony/sessions",
        "/restapi/v1.0/account/1/extension/12/presence?detailedTelephonyState=true",
        "/restapi/v1.0/account/~/telephony/sessions",  # repeated: kept once
    ]
    parsed = parse_filters(texts, ALICE, DIRECTORY)
    assert [(f.text, f.kind, f.extension_id, f.detailed, f.permission) for f in parsed] == [
        (
            "/restapi/v1.0/account/1/extension/11/telephony/sessions?sipData=true",
            "telephony",
            "11",
            False,
            "CallControl",
        ),
        ("/restapi/v1.0/account/1/telephony/sessions", "telephony", None, False, "CallControl"),
        (
            "/restapi/v1.0/account/1/extension/12/presence?detailedTelephonyState=true",
            "presence",
            "12",
            True,
            "ReadPresence",
        ),
    ]
    assert parsed[1].covers("1", "12") and not parsed[0].covers("1", "12") and not parsed[1].covers("2", "21")


@pytest.mark.parametrize(
    "bad",
    [
        "/restapi/v1.0/account/~/extension/~/message-store",
        "/restapi/v1.0/account/~/extension/21/presence",  # Carol is not in this account
        "/restapi/v1.0/account/~/extension/~/presence?sipData=true&x=1",
        "restapi/v1.0/account/~/telephony/sessions",
    ],
)
def test_bad_filters(bad: str) -> None:
    with pytest.raises(InvalidEventFilters):
        parse_filters([bad], ALICE, DIRECTORY)


def test_another_accounts_filters() -> None:
    with pytest.raises(OtherAccountEvents):
        parse_filters(["/restapi/v1.0/account/2/extension/21/telephony/sessions"], ALICE, DIRECTORY)
