"""The scheduler through the facade: nothing tracked without subscriptions, the next due moment,
due notices in time order across calls, each with the subscriptions it goes to."""

from __future__ import annotations

from dataclasses import replace

from emulator.core.call import ClockMode
from emulator.core.directory import App, Extension
from emulator.core.emulator import Emulator
from emulator.core.events import PartyEvent, PresenceEvent
from emulator.core.subscribing import SubscriptionRequest
from emulator.core.tokens import Session
from tests.core.helpers import START
from tests.core.test_emulator import ALICE, BOB, REQUEST, make

TELEPHONY = "/restapi/v1.0/account/~/extension/~/telephony/sessions"
ACCOUNT = "/restapi/v1.0/account/~/telephony/sessions"
PRESENCE = "/restapi/v1.0/account/~/extension/~/presence"
FROM_BOB = replace(REQUEST, from_number="+16505550122", from_given=True)
EVERYTHING = frozenset({"SubscriptionWebhook", "CallControl", "ReadPresence"})


def session(extension: Extension = ALICE) -> Session:
    return Session("s", App("app", None), extension, EVERYTHING, "e")


def subscribe(emulator: Emulator, *filters: str, extension: Extension = ALICE) -> str:
    planned = emulator.plan_subscription(
        session(extension), SubscriptionRequest(list(filters), None, "http://127.0.0.1:0/", None)
    )
    return emulator.add_subscription(planned).id


def summary(emulator: Emulator) -> list[str]:
    found = []
    for notice in emulator.due_notices():
        kind = (
            f"{notice.event.party} {notice.event.code}"
            if isinstance(notice.event, PartyEvent)
            else notice.event.telephony_status
        )
        found.append(f"{notice.at - START:g} {notice.call.extension_id} {kind} x{len(notice.targets)}")
    return found


def test_without_subscriptions_nothing_is_tracked() -> None:
    emulator, _clock = make()
    emulator.create_ringout(ALICE, REQUEST, None)
    assert (len(emulator.notifier), emulator.next_event_due()) == (0, None)


def test_due_notices_in_time_order_across_calls() -> None:
    emulator, clock = make()
    subscribe(emulator, ACCOUNT)
    emulator.create_ringout(ALICE, REQUEST, None)
    clock.shift(1)
    emulator.create_ringout(BOB, FROM_BOB, None)
    assert summary(emulator) == ["0 11 1 Proceeding x1", "1 12 1 Proceeding x1"]
    assert emulator.next_event_due() == START + 4
    clock.shift(9)
    assert summary(emulator) == [
        "4 11 1 Answered x1",
        "4 11 2 Proceeding x1",
        "5 12 1 Answered x1",
        "5 12 2 Proceeding x1",
        "9 11 2 Answered x1",
        "10 12 2 Answered x1",
    ]
    assert summary(emulator) == []
    clock.shift(100)
    assert len(summary(emulator)) == 4
    assert (len(emulator.notifier), emulator.next_event_due()) == (0, None)


def test_each_notice_goes_to_every_matching_subscription() -> None:
    emulator, _clock = make()
    subscribe(emulator, TELEPHONY)
    subscribe(emulator, ACCOUNT, PRESENCE)
    subscribe(emulator, TELEPHONY, extension=BOB)
    emulator.create_ringout(ALICE, REQUEST, None)
    assert summary(emulator) == ["0 11 1 Proceeding x2", "0 11 Ringing x1"]


def test_a_call_older_than_the_subscription_sends_only_what_comes_next() -> None:
    emulator, clock = make()
    emulator.create_ringout(ALICE, REQUEST, None)
    clock.shift(5)
    subscribe(emulator, TELEPHONY)
    assert summary(emulator) == []
    clock.shift(4)
    assert summary(emulator) == ["9 11 2 Answered x1"]


def test_cancel_and_poll_make_events_due_at_once() -> None:
    emulator, clock = make(ClockMode.POLL)
    subscribe(emulator, TELEPHONY)
    call = emulator.create_ringout(ALICE, REQUEST, None).call
    assert summary(emulator) == ["0 11 1 Proceeding x1"]
    clock.shift(2)
    emulator.read_ringout(ALICE, call.id)
    assert summary(emulator) == ["2 11 1 Answered x1", "2 11 2 Proceeding x1"]
    clock.shift(1)
    assert emulator.cancel_ringout(ALICE, call.id)[0] is True
    assert summary(emulator) == ["3 11 1 Disconnected x1", "3 11 2 Disconnected x1"]


def test_a_deleted_subscription_gets_nothing_and_the_reset_forgets_calls() -> None:
    emulator, _clock = make()
    subscription_id = subscribe(emulator, TELEPHONY)
    emulator.create_ringout(ALICE, REQUEST, None)
    emulator.delete_subscription(session(), subscription_id)
    assert summary(emulator) == []
    subscribe(emulator, TELEPHONY)
    emulator.create_ringout(ALICE, REQUEST, None)
    emulator.reset(["calls"])
    assert (len(emulator.notifier), summary(emulator)) == (0, [])


def test_presence_sequence_follows_time_across_calls_in_one_batch() -> None:
    """Two calls of one extension due in one batch: their presence events interleave in time, and
    the extension's ``sequence`` counts in that order (it was numbered call by call: 1, 3, 2, 4)."""
    emulator, clock = make()
    subscribe(emulator, PRESENCE)
    emulator.create_ringout(ALICE, REQUEST, None)
    emulator.create_ringout(ALICE, REQUEST, None)
    clock.shift(60)
    notices = emulator.due_notices()
    presence = [
        (n.at - START, n.event.telephony_status, n.presence_sequence)
        for n in notices
        if isinstance(n.event, PresenceEvent)
    ]
    assert [p[1] for p in presence] == ["Ringing", "Ringing", "CallConnected", "CallConnected", "NoCall", "NoCall"]
    assert [p[2] for p in presence] == [1, 2, 3, 4, 5, 6]
    assert [p[0] for p in presence] == sorted(p[0] for p in presence)
