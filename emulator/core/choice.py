"""Which scenario a new call plays: ordered sources, first match wins, and the winner is named."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.dialing import DialPlan
from emulator.core.errors import UnknownScenario
from emulator.core.scenario import Scenario

POLICY_SCENARIO = "international_disabled"


@dataclass(frozen=True, slots=True)
class Choice:
    scenario: Scenario
    source: str  # "header" | "policy" | "default" (the control plane adds more)


def choose(scenarios: dict[str, Scenario], plan: DialPlan, header: str | None, default: str) -> Choice:
    if header is not None:
        return Choice(lookup(scenarios, header), "header")
    if not plan.allowed:
        return Choice(lookup(scenarios, POLICY_SCENARIO), "policy")
    return Choice(lookup(scenarios, default), "default")


def lookup(scenarios: dict[str, Scenario], name: str) -> Scenario:
    try:
        return scenarios[name]
    except KeyError:
        raise UnknownScenario(name, sorted(scenarios)) from None
