"""``choose`` is pure: it finds the winning source without consuming a queue entry or a rule."""

from __future__ import annotations

from emulator.bundled import bundled_scenarios_dir
from emulator.core.choice import Source, Sources, choose
from emulator.core.dialing import DialPlan
from emulator.core.magic_numbers import MagicTable
from emulator.core.rules import Match, RuleBook
from emulator.scenario_files import load_scenario_dir

SCENARIOS = load_scenario_dir(bundled_scenarios_dir())


def plan(to: str = "+16505550199", allowed: bool = True) -> DialPlan:
    return DialPlan("+16505550111", to, None, False, allowed)


def sources(queue: RuleBook | None = None, rules: RuleBook | None = None) -> Sources:
    return Sources(queue or RuleBook(), rules or RuleBook(), MagicTable(), "success")


def test_each_source_alone() -> None:
    queue, rules = RuleBook(), RuleBook()
    queue.add("busy", Match(), times=1)
    rules.add("rejected", Match(to_prefix="+1650"))
    assert choose(SCENARIOS, plan(), "no_answer", sources()).source is Source.HEADER
    assert choose(SCENARIOS, plan(), None, sources(queue=queue)).source is Source.QUEUE
    assert choose(SCENARIOS, plan(), None, sources(rules=rules)).source is Source.RULE
    assert choose(SCENARIOS, plan(allowed=False), None, sources()).source is Source.POLICY
    assert choose(SCENARIOS, plan("+447700900002"), None, sources()).scenario.name == "no_answer"
    assert choose(SCENARIOS, plan(), None, sources()).source is Source.DEFAULT


def test_choosing_consumes_nothing_and_names_the_rule() -> None:
    queue = RuleBook()
    entry = queue.add("busy", Match(to="+16505550199"), times=1)
    for _ in range(3):
        choice = choose(SCENARIOS, plan(), None, sources(queue=queue))
        assert (choice.scenario.name, choice.source, choice.rule_id) == ("busy", Source.QUEUE, entry.id)
    queue.use(entry.id)
    assert len(queue) == 0


def test_a_slow_magic_number_plays_a_delayed_copy() -> None:
    choice = choose(SCENARIOS, plan("+12025550111"), None, sources())  # 11: busy, 20 s later
    assert choice.scenario.name == "busy+20s"
    assert [s.at for s in choice.scenario.steps] == [0, 24, 26]
    assert choice.scenario.states == SCENARIOS["busy"].states
