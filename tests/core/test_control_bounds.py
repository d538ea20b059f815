"""The control plane's own stores are bounded: queue, rules and uploaded scenarios."""

from __future__ import annotations

import pytest

from emulator.app import build_emulator
from emulator.core.emulator import MAX_UPLOADED_SCENARIOS, Emulator
from emulator.core.errors import ControlConflict
from emulator.core.rules import MAX_RULES, Match
from emulator.core.scenario import Scenario, Step
from emulator.settings import Settings


@pytest.fixture
def emulator() -> Emulator:
    return build_emulator(Settings(clock="manual"))


def test_queue_and_rules_stop_at_their_cap_with_a_409(emulator: Emulator) -> None:
    for _ in range(MAX_RULES):
        emulator.queue_scenario("busy", Match())
        emulator.add_rule("busy", Match(to="+12025550100"), None)
    with pytest.raises(ControlConflict) as queued:
        emulator.queue_scenario("busy", Match())
    with pytest.raises(ControlConflict) as ruled:
        emulator.add_rule("busy", Match(), None)
    assert queued.value.status == ruled.value.status == 409
    assert queued.value.message == f"At most {MAX_RULES} queued scenarios are kept: delete some or reset"
    assert ruled.value.message == f"At most {MAX_RULES} rules are kept: delete some or reset"
    emulator.reset(["rules"])
    assert emulator.add_rule("busy", Match(), None).id == "1"


def test_uploads_stop_at_their_cap_but_replacing_one_still_works(emulator: Emulator) -> None:
    def scenario(name: str) -> Scenario:
        return Scenario(name=name, description="d", steps=(Step(at=0),))

    for index in range(MAX_UPLOADED_SCENARIOS):
        emulator.upload_scenario(scenario(f"up{index}"))
    with pytest.raises(ControlConflict) as full:
        emulator.upload_scenario(scenario("one_more"))
    assert full.value.message == f"At most {MAX_UPLOADED_SCENARIOS} scenarios can be uploaded: delete some or reset"
    assert emulator.upload_scenario(scenario("up0")) is False
    emulator.delete_scenario("up1")
    assert emulator.upload_scenario(scenario("one_more")) is True
