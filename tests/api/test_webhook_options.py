"""The delivery options, off by default and seeded: out of order, duplicates (same ``uuid``)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from emulator.core.sessions import telephony_session_id
from tests.api.control_helpers import ringout
from tests.api.subscription_helpers import advance, mount, subscribe


def sequences(make_client: Callable[..., TestClient], **options: object) -> tuple[list[int], int]:
    client = make_client(clock="manual", seed=7, **options)
    receiver = mount(client)
    subscribe(client)
    session = telephony_session_id(ringout(client).json()["id"])
    advance(client, 60)
    uuids = {n.body["uuid"] for n in receiver.notifications}
    return [s[0] for s in receiver.statuses(session)], len(uuids)


def test_in_order_once_by_default(make_client: Callable[..., TestClient]) -> None:
    assert sequences(make_client) == ([1, 2, 3, 4, 5, 6], 6)


def test_shuffled_and_reproducible(make_client: Callable[..., TestClient]) -> None:
    shuffled, distinct = sequences(make_client, webhook_shuffle=True)
    assert sorted(shuffled) == [1, 2, 3, 4, 5, 6] and shuffled != [1, 2, 3, 4, 5, 6] and distinct == 6
    assert sequences(make_client, webhook_shuffle=True)[0] == shuffled


def test_duplicates_repeat_the_uuid(make_client: Callable[..., TestClient]) -> None:
    every, distinct = sequences(make_client, webhook_duplicate_rate=1.0)
    assert (every, distinct) == ([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6], 6)
