"""The ``Emulator`` facade, without HTTP: create, read, cancel, ownership, reset."""

from __future__ import annotations

import pytest

from emulator.app import emulator_config
from emulator.core.call import ClockMode
from emulator.core.clock import ManualClock
from emulator.core.dialing import RingOutRequest
from emulator.core.directory import Account, Directory, Extension, ForwardingNumber
from emulator.core.emulator import Emulator
from emulator.core.errors import ResourceNotFound, StoreFull
from emulator.core.legs import Leg, LegAction
from emulator.core.statuses import CallingStatus as S
from emulator.settings import Settings
from tests.core.helpers import BUSY, START, SUCCESS

ALICE = Extension(
    id="11",
    account_id="1",
    extension_number="101",
    name="Alice",
    forwarding_numbers=(ForwardingNumber("5", "+16505550111", "Mobile", ringout_default=True),),
)
BOB = Extension(id="12", account_id="1", extension_number="102", name="Bob")
DIRECTORY = Directory((Account(id="1", main_number="+16505550100", home_country="US", extensions=(ALICE, BOB)),))
REQUEST = RingOutRequest(to_number="+13455553434")


def make(mode: ClockMode = ClockMode.MANUAL, seed: int | None = 5) -> tuple[Emulator, ManualClock]:
    clock = ManualClock(START)
    config = emulator_config(Settings(clock=mode, seed=seed, retention_seconds=60))
    return Emulator(config, clock, DIRECTORY, {"success": SUCCESS, "busy": BUSY}), clock


def test_create_read_cancel() -> None:
    emulator, clock = make()
    created = emulator.create_ringout(ALICE, REQUEST, None)
    call = created.call
    assert (call.from_number, call.to_number, call.scenario.name, call.scenario_source) == (
        "+16505550111",
        "+13455553434",
        "success",
        "default",
    )
    assert (call.account_id, call.extension_id, call.created_at) == ("1", "11", START)
    clock.shift(5)
    assert emulator.read_ringout(ALICE, call.id).view.state.caller is S.SUCCESS
    cancelled, result = emulator.cancel_ringout(ALICE, call.id)
    assert cancelled is True
    assert result.view.state.callee is S.REJECTED


def test_another_extensions_call_is_not_found() -> None:
    emulator, _ = make()
    call_id = emulator.create_ringout(ALICE, REQUEST, "busy").call.id
    for action in (emulator.read_ringout, emulator.cancel_ringout):
        with pytest.raises(ResourceNotFound) as caught:
            action(BOB, call_id)
        assert caught.value.message == "Resource for parameter [ringOutId] is not found"


def test_retention_then_not_found() -> None:
    emulator, clock = make()
    call_id = emulator.create_ringout(ALICE, REQUEST, "busy").call.id
    clock.shift(6 + 59)
    assert emulator.read_ringout(ALICE, call_id).view.ended_at == START + 6
    clock.shift(1)
    with pytest.raises(ResourceNotFound):
        emulator.read_ringout(ALICE, call_id)


def test_reset_forgets_calls_and_restarts_ids() -> None:
    emulator, _ = make(seed=9)
    first = emulator.create_ringout(ALICE, REQUEST, None).call.id
    emulator.reset()
    assert len(emulator.calls) == 0
    assert emulator.create_ringout(ALICE, REQUEST, None).call.id == first


@pytest.mark.parametrize("mode", [ClockMode.MANUAL, ClockMode.POLL])
@pytest.mark.parametrize("end", ["cancel", "force", "poll"])
def test_a_full_store_has_room_again_once_a_call_is_ended_through_the_facade(mode: ClockMode, end: str) -> None:
    clock = ManualClock(START)
    emulator = Emulator(emulator_config(Settings(clock=mode, max_calls=2)), clock, DIRECTORY, {"success": SUCCESS})
    first = emulator.create_ringout(ALICE, REQUEST, None).call
    emulator.create_ringout(ALICE, REQUEST, None)
    with pytest.raises(StoreFull):
        emulator.create_ringout(ALICE, REQUEST, None)
    if end == "cancel":
        assert emulator.cancel_ringout(ALICE, first.id)[0]
    elif end == "force":
        emulator.force_leg(first.id, Leg.CALLEE, LegAction.BUSY)
    elif mode is ClockMode.POLL:
        for _ in range(SUCCESS.last_index):
            emulator.read_ringout(ALICE, first.id)
    else:
        clock.shift(39)  # the clock ends it
    assert emulator.create_ringout(ALICE, REQUEST, None).call.id not in {first.id}
    assert first.id not in emulator.calls
