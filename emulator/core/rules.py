"""Scenario choice set through the control plane: a queue (each entry used by one call) and
rules (matched on ``to``/``from`` numbers or prefixes, optionally only ``times`` times)."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, replace

MAX_RULES = 1000
"""How many entries the queue, and the rules, may each hold (a bound, not a target)."""


class RuleBookFull(Exception):
    """The book already holds ``MAX_RULES`` entries."""


@dataclass(frozen=True, slots=True)
class Match:
    """What a call must look like; ``None`` matches anything."""

    to: str | None = None
    from_: str | None = None
    to_prefix: str | None = None
    from_prefix: str | None = None

    def accepts(self, to_number: str, from_number: str) -> bool:
        return (
            (self.to is None or self.to == to_number)
            and (self.from_ is None or self.from_ == from_number)
            and (self.to_prefix is None or to_number.startswith(self.to_prefix))
            and (self.from_prefix is None or from_number.startswith(self.from_prefix))
        )


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    scenario: str
    match: Match
    times: int | None = None  # None: until deleted; otherwise how many calls it still applies to
    used: int = 0


class RuleBook:
    """An ordered list of rules (first match wins) or of queued entries (``times=1`` each)."""

    def __init__(self) -> None:
        self._rules: list[Rule] = []
        self._next_id = 1

    def __len__(self) -> int:
        return len(self._rules)

    def add(self, scenario: str, match: Match, times: int | None = None) -> Rule:
        if len(self._rules) >= MAX_RULES:
            raise RuleBookFull()
        rule = Rule(str(self._next_id), scenario, match, times)
        self._next_id += 1
        self._rules.append(rule)
        return rule

    def rules(self) -> tuple[Rule, ...]:
        return tuple(self._rules)

    def find(self, to_number: str, from_number: str) -> Rule | None:
        """The first rule matching the call; pure (``use`` consumes it)."""
        for rule in self._rules:
            if rule.match.accepts(to_number, from_number):
                return rule
        return None

    def use(self, rule_id: str) -> None:
        """Count one call against the rule; a rule used ``times`` times is removed."""
        for index, rule in enumerate(self._rules):
            if rule.id == rule_id:
                spent = replace(rule, used=rule.used + 1)
                if spent.times is not None and spent.used >= spent.times:
                    del self._rules[index]
                else:
                    self._rules[index] = spent
                return

    def remove(self, rule_id: str) -> bool:
        before = len(self._rules)
        self._rules = [rule for rule in self._rules if rule.id != rule_id]
        return len(self._rules) < before

    def keep_only(self, scenarios: Container[str]) -> None:
        """Drop the entries naming a scenario not in ``scenarios`` (after uploads were reset)."""
        self._rules = [rule for rule in self._rules if rule.scenario in scenarios]

    def clear(self) -> None:
        """Drop every rule; ids go on from where they were, so a client holding an old id never
        deletes a newer rule by it."""
        self._rules.clear()

    def restart(self) -> None:
        """Back to the start (a reset): no rules, ids from 1."""
        self._rules.clear()
        self._next_id = 1
