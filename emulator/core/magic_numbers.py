"""Magic numbers: outcomes encoded in fictional number ranges that can never reach a person.

Two ranges carry the same table: North America's 555-01XX (``+1 202 555 01NN``) and the UK's
drama range (``+44 7700 900 0NN``). The last two digits ``NN`` pick the scenario; the callee
side (``to``) uses 00-29, the caller side (``from``) 50-79. ``1N``/``6N`` are the "slow"
variants of ``0N``/``5N``: every step after the first happens ``SLOW_DELAY`` seconds later.
This module is the ONE source of the table (served at ``GET /__emulator/magic-numbers``; the
README's table is checked against it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from emulator.core.scenario import Scenario, Step

SLOW_DELAY = 20.0
RANGES: tuple[tuple[str, str], ...] = (
    ("+120255501", "North America, 555-01XX (reserved for fiction)"),
    ("+4477009000", "United Kingdom, 07700 900xxx (Ofcom drama range)"),
)


class Side(StrEnum):
    CALLEE = "callee"  # matched on the ``to`` number
    CALLER = "caller"  # matched on the ``from`` number


@dataclass(frozen=True, slots=True)
class MagicNumber:
    suffix: str  # the last two digits
    side: Side
    scenario: str
    delay: float = 0.0

    def numbers(self) -> tuple[str, ...]:
        return tuple(prefix + self.suffix for prefix, _ in RANGES)


_CALLEE = (
    "success",
    "busy",
    "no_answer",
    "rejected",
    "generic_error",
    "destination_blocked",
    "international_disabled",
    "not_enough_funds",
    "no_answering_machine",
    "internal_failure",
)
_CALLER = ("caller_busy", "caller_no_answer", "caller_hangs_up_while_ringing", "prompt_not_confirmed")


def _table() -> tuple[MagicNumber, ...]:
    rows: list[MagicNumber] = []
    for base, side, names in ((0, Side.CALLEE, _CALLEE), (50, Side.CALLER, _CALLER)):
        for offset, delay in ((0, 0.0), (10, SLOW_DELAY)):
            rows.extend(MagicNumber(f"{base + offset + i:02d}", side, name, delay) for i, name in enumerate(names))
    return tuple(rows)


MAGIC_NUMBERS: tuple[MagicNumber, ...] = _table()
"""Immutable data (a constant, not state)."""


class MagicTable:
    """O(1) lookup of an E.164 number in the table, for one side."""

    def __init__(self, rows: tuple[MagicNumber, ...] = MAGIC_NUMBERS) -> None:
        self.rows = rows
        self._by_number = {(row.side, number): row for row in rows for number in row.numbers()}

    def match(self, side: Side, number: str) -> MagicNumber | None:
        return self._by_number.get((side, number))


def delayed(scenario: Scenario, delay: float) -> Scenario:
    """``scenario`` with every step after the first ``delay`` seconds later, named ``name+Ns``."""
    if delay == 0:
        return scenario
    steps = (scenario.steps[0], *(_later(step, delay) for step in scenario.steps[1:]))
    return Scenario(
        name=f"{scenario.name}+{delay:g}s",
        description=f"{scenario.description} (every step after the first {delay:g} s later)",
        steps=steps,
    )


def _later(step: Step, delay: float) -> Step:
    return Step(at=step.at + delay, caller=step.caller, callee=step.callee, call=step.call)


def markdown_table(rows: tuple[MagicNumber, ...] = MAGIC_NUMBERS) -> str:
    """The README's table, rendered from the table itself (a test keeps the README equal to it)."""
    lines = [
        "| last digits | North America | United Kingdom | side | scenario | delay |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        us, uk = row.numbers()
        delay = f"+{row.delay:g} s" if row.delay else "none"
        lines.append(
            f"| {row.suffix} | `{us}` | `{uk}` | {row.side} (`{_FIELD[row.side]}`) | `{row.scenario}` | {delay} |"
        )
    return "\n".join(lines) + "\n"


_FIELD = {Side.CALLEE: "to", Side.CALLER: "from"}
