"""Which scenario a new call plays: ordered sources, first match wins, and the winner is named.

header -> queue -> rule -> policy -> magic number -> default. ``choose`` is pure: a queued
entry or a rule is only *found* here; the ``Emulator`` consumes it once the call exists."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from emulator.core.dialing import DialPlan
from emulator.core.errors import UnknownScenario
from emulator.core.magic_numbers import MagicTable, Side
from emulator.core.rules import RuleBook
from emulator.core.scenario import Scenario, check_name

POLICY_SCENARIO = "international_disabled"


class Source(StrEnum):
    """The values of the ``X-Emulator-Scenario-Source`` header, in precedence order."""

    HEADER = "header"
    QUEUE = "queue"
    RULE = "rule"
    POLICY = "policy"
    MAGIC_NUMBER = "magic-number"
    DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Choice:
    scenario: Scenario
    source: str
    rule_id: str | None = None  # the queue entry or rule to consume when the call is made


@dataclass(frozen=True, slots=True)
class Sources:
    """Everything besides the request that may choose a call's scenario."""

    queue: RuleBook
    rules: RuleBook
    magic: MagicTable
    default: str


def choose(scenarios: dict[str, Scenario], plan: DialPlan, header: str | None, sources: Sources) -> Choice:
    if header is not None:
        return Choice(lookup(scenarios, header), Source.HEADER)
    for source, book in ((Source.QUEUE, sources.queue), (Source.RULE, sources.rules)):
        found = book.find(plan.to_number, plan.from_number)
        if found is not None:
            return Choice(lookup(scenarios, found.scenario), source, found.id)
    if not plan.allowed:
        return Choice(lookup(scenarios, POLICY_SCENARIO), Source.POLICY)
    magic = sources.magic.match(Side.CALLEE, plan.to_number) or sources.magic.match(Side.CALLER, plan.from_number)
    if magic is not None:
        return Choice(sources.magic.scenario(magic, lookup(scenarios, magic.scenario)), Source.MAGIC_NUMBER)
    default = scenarios.get(sources.default)  # checked when it was set (``lookup``): every call's path
    return Choice(default if default is not None else lookup(scenarios, sources.default), Source.DEFAULT)


def lookup(scenarios: dict[str, Scenario], name: str, parameter: str = "X-Emulator-Scenario") -> Scenario:
    """The scenario called ``name``: 400 naming ``parameter`` if the name is malformed or unknown."""
    check_name(name, parameter, scenarios)
    try:
        return scenarios[name]
    except KeyError:
        raise UnknownScenario(name, sorted(scenarios), parameter) from None
