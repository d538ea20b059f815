"""Fault injection: rules that make chosen requests slow, fail, get throttled or lose their
connection, so an app's retry and timeout paths can be tested.

A rule pairs a ``FaultMatch`` (which requests) with a ``Fault`` (what happens to them) and says
when it fires: with a ``probability`` (drawn from the rule book's own seeded stream, so a seeded
emulator injects the same faults in the same order), at most ``times`` times, inside a window
``[start, end)`` on the emulator's clock. Rules are tried in order; the first that fires wins.
Pure: the HTTP layer (``emulator.api.faults``) applies the effects."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from enum import StrEnum

from emulator.core.clock import Clock

MAX_FAULTS = 1000
MAX_DELAY_SECONDS = 60.0  # any drawn delay is cut to this


class FaultBookFull(Exception):
    """The book already holds ``MAX_FAULTS`` rules."""


class Effect(StrEnum):
    LATENCY = "latency"  # the answer comes late
    ERROR = "error"  # 500, 502, 503 (with Retry-After) or 504 in the platform's shape
    THROTTLE = "throttle"  # 429 CMN-301 with Retry-After and the X-Rate-Limit-* headers
    RESET = "reset"  # the connection is reset (TCP RST), no response
    EMPTY = "empty"  # the connection is closed without a byte of response
    TRUNCATE = "truncate"  # the response's head and part of its body, then the connection closes
    DRIBBLE = "dribble"  # the response's body in chunks, a delay between them


class When(StrEnum):
    BEFORE = "before"  # the fault replaces the operation: nothing changes
    AFTER = "after"  # the operation happens, then the fault hits its response (the lost response)


class Delay(StrEnum):
    FIXED = "fixed"
    UNIFORM = "uniform"
    LOGNORMAL = "lognormal"


BODY_EFFECTS = frozenset({Effect.TRUNCATE, Effect.DRIBBLE})  # they damage a response: always "after"
ERROR_STATUSES = (500, 502, 503, 504)


@dataclass(frozen=True, slots=True)
class Fault:
    """What happens to a request a rule (or the ``X-Emulator-Fault`` header) picked."""

    effect: Effect
    when: When = When.BEFORE
    status: int = 503  # ERROR only
    retry_after: int | None = None  # 503 and 429: seconds; None: 1 for a 503, the penalty for a 429
    delay: Delay = Delay.FIXED  # LATENCY only
    ms: float = 0.0  # FIXED; DRIBBLE: the pause between chunks
    min_ms: float = 0.0  # UNIFORM
    max_ms: float = 0.0  # UNIFORM
    median_ms: float = 0.0  # LOGNORMAL
    sigma: float = 0.5  # LOGNORMAL
    chunks: int = 4  # DRIBBLE
    keep_bytes: int | None = None  # TRUNCATE: body bytes sent before the close (None: half)


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What a rule can match on; ``None`` where the request does not say."""

    method: str
    path: str
    operation: str | None = None
    account: str | None = None
    extension: str | None = None
    to: str | None = None  # E.164


@dataclass(frozen=True, slots=True)
class FaultMatch:
    """Which requests; ``None`` matches anything. ``account``/``extension`` compare the path's
    ids as written (``~`` is ``~``); ``to`` the E.164 number a RingOut body calls."""

    operation: str | None = None
    method: str | None = None
    path_prefix: str | None = None
    account: str | None = None
    extension: str | None = None
    to: str | None = None

    def accepts(self, facts: RequestFacts) -> bool:
        checks = (
            (self.operation, facts.operation),
            (self.method, facts.method),
            (self.account, facts.account),
            (self.extension, facts.extension),
            (self.to, facts.to),
        )
        if any(wanted is not None and wanted != got for wanted, got in checks):
            return False
        return self.path_prefix is None or facts.path.startswith(self.path_prefix)


@dataclass(frozen=True, slots=True)
class Firing:
    """When a matching rule fires."""

    probability: float = 1.0
    times: int | None = None  # None: until deleted
    start: float | None = None  # emulator clock seconds; None: open
    end: float | None = None


@dataclass(slots=True, eq=False)
class FaultRule:
    id: str
    fault: Fault
    match: FaultMatch
    firing: Firing = field(default_factory=Firing)
    hits: int = 0  # times it fired
    seen: int = 0  # matching requests it was tried on while active

    @property
    def remaining(self) -> int | None:
        times = self.firing.times
        return None if times is None else times - self.hits

    def active(self, now: float) -> bool:
        f = self.firing
        return (
            (f.times is None or self.hits < f.times)
            and (f.start is None or now >= f.start)
            and (f.end is None or now < f.end)
        )


class FaultBook:
    """The rules in order. A rule that has fired ``times`` times stays listed (with its hits)
    but no longer fires."""

    def __init__(self, clock: Clock, seed: int | None) -> None:
        self.clock = clock
        self._rules: list[FaultRule] = []
        self._next_id = 1
        self.reseed(seed)

    def reseed(self, seed: int | None) -> None:
        self._rng: random.Random = random.SystemRandom() if seed is None else random.Random(f"fault{seed}")

    def __len__(self) -> int:
        return len(self._rules)

    @property
    def needs_body(self) -> bool:
        """Whether some rule matches on the body's ``to`` (only then is a body read first)."""
        return any(rule.match.to is not None for rule in self._rules)

    def add(self, fault: Fault, match: FaultMatch, firing: Firing | None = None) -> FaultRule:
        if len(self._rules) >= MAX_FAULTS:
            raise FaultBookFull()
        rule = FaultRule(str(self._next_id), fault, match, firing or Firing())
        self._next_id += 1
        self._rules.append(rule)
        return rule

    def rules(self) -> tuple[FaultRule, ...]:
        return tuple(self._rules)

    def remove(self, rule_id: str) -> bool:
        kept = [rule for rule in self._rules if rule.id != rule_id]
        found = len(kept) != len(self._rules)
        self._rules = kept
        return found

    def clear(self) -> None:
        """Drop every rule; ids go on from where they were, so a client holding an old id never
        deletes a newer rule by it."""
        self._rules.clear()

    def restart(self) -> None:
        """Back to the start (a reset): no rules, ids from 1."""
        self._rules.clear()
        self._next_id = 1

    def fire(self, facts: RequestFacts) -> FaultRule | None:
        """The first active matching rule whose draw succeeds (a rule with probability 1 draws
        nothing); counts its hit."""
        now = self.clock.now()
        for rule in self._rules:
            if not rule.match.accepts(facts) or not rule.active(now):
                continue
            rule.seen += 1
            probability = rule.firing.probability
            if probability < 1.0 and self._rng.random() >= probability:
                continue
            rule.hits += 1
            return rule
        return None

    def delay_seconds(self, fault: Fault) -> float:
        """The latency to apply (a draw for uniform and lognormal), at most ``MAX_DELAY_SECONDS``."""
        if fault.delay is Delay.UNIFORM:
            ms = self._rng.uniform(fault.min_ms, fault.max_ms)
        elif fault.delay is Delay.LOGNORMAL:
            ms = self._rng.lognormvariate(math.log(max(fault.median_ms, 1e-3)), fault.sigma)
        else:
            ms = fault.ms
        return min(ms / 1000, MAX_DELAY_SECONDS)
