"""Deleting an uploaded scenario that something still names is refused (409, naming each
referrer); deleting one that replaced a loaded scenario is fine (the loaded one comes back)."""

from __future__ import annotations

import pytest

from emulator.core.errors import ControlConflict
from emulator.core.rules import Match
from emulator.core.scenario import Scenario, Step
from emulator.core.statuses import CallingStatus as S
from tests.core.test_emulator import ALICE, REQUEST, make

MINE = Scenario("mine", "callee busy at 1", (Step(0), Step(1, callee=S.BUSY)))


def test_a_scenario_in_use_cannot_be_deleted_until_nothing_names_it() -> None:
    emulator, _ = make()
    emulator.upload_scenario(MINE)
    emulator.add_rule("busy", Match(), None)  # rule 1: another scenario
    emulator.add_rule("mine", Match(to="+13455553434"), None)  # rule 2
    emulator.queue_scenario("mine", Match())  # queue entry 1
    emulator.set_default_scenario("mine")
    with pytest.raises(ControlConflict) as caught:
        emulator.delete_scenario("mine")
    error = caught.value
    assert (error.status, error.error_code) == (409, "EMU-409")
    assert error.message == (
        "Scenario [mine] is used by: the default scenario, rule 2, queue entry 1; change or delete those first"
    )
    assert emulator.scenarios["mine"] is MINE
    assert emulator.create_ringout(ALICE, REQUEST, None).call.scenario is MINE  # still playable
    emulator.set_default_scenario("success")
    emulator.remove_rule("2")  # the queue entry was used by the call above
    emulator.delete_scenario("mine")
    assert "mine" not in emulator.scenarios
    assert emulator.create_ringout(ALICE, REQUEST, None).call.scenario.name == "busy"  # rule 1


def test_deleting_an_upload_that_replaced_a_loaded_scenario_is_fine_while_in_use() -> None:
    emulator, _ = make()
    loaded = emulator.scenarios["busy"]
    emulator.upload_scenario(Scenario("busy", "mine", MINE.steps))
    emulator.set_default_scenario("busy")
    emulator.delete_scenario("busy")
    assert emulator.scenarios["busy"] is loaded
    assert emulator.create_ringout(ALICE, REQUEST, None).call.scenario is loaded


def test_resetting_the_scenarios_drops_the_rules_and_queue_entries_naming_an_upload() -> None:
    emulator, _ = make()
    emulator.upload_scenario(MINE)
    emulator.upload_scenario(Scenario("busy", "mine", MINE.steps))  # replaces a loaded one
    emulator.add_rule("mine", Match(), None)
    emulator.add_rule("busy", Match(), None)
    emulator.queue_scenario("mine", Match())
    emulator.reset(["scenarios"])
    assert [(rule.id, rule.scenario) for rule in emulator.rules.rules()] == [("2", "busy")]
    assert len(emulator.queue) == 0
    assert emulator.create_ringout(ALICE, REQUEST, None).call.scenario is emulator.scenarios["busy"]
