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


MAGIC_NUMBERS: tuple[MagicNumber, ...] = (
    # callee side (``to``): 0N plays the scenario, 1N the same 20 s slower
    MagicNumber("00", Side.CALLEE, "success"),
    MagicNumber("01", Side.CALLEE, "busy"),
    MagicNumber("02", Side.CALLEE, "no_answer"),
    MagicNumber("03", Side.CALLEE, "rejected"),
    MagicNumber("04", Side.CALLEE, "generic_error"),
    MagicNumber("05", Side.CALLEE, "destination_blocked"),
    MagicNumber("06", Side.CALLEE, "international_disabled"),
    MagicNumber("07", Side.CALLEE, "not_enough_funds"),
    MagicNumber("08", Side.CALLEE, "no_answering_machine"),
    MagicNumber("09", Side.CALLEE, "internal_failure"),
    MagicNumber("10", Side.CALLEE, "success", SLOW_DELAY),
    MagicNumber("11", Side.CALLEE, "busy", SLOW_DELAY),
    MagicNumber("12", Side.CALLEE, "no_answer", SLOW_DELAY),
    MagicNumber("13", Side.CALLEE, "rejected", SLOW_DELAY),
    MagicNumber("14", Side.CALLEE, "generic_error", SLOW_DELAY),
    MagicNumber("15", Side.CALLEE, "destination_blocked", SLOW_DELAY),
    MagicNumber("16", Side.CALLEE, "international_disabled", SLOW_DELAY),
    MagicNumber("17", Side.CALLEE, "not_enough_funds", SLOW_DELAY),
    MagicNumber("18", Side.CALLEE, "no_answering_machine", SLOW_DELAY),
    MagicNumber("19", Side.CALLEE, "internal_failure", SLOW_DELAY),
    # caller side (``from``): 5N plays the scenario, 6N the same 20 s slower
    MagicNumber("50", Side.CALLER, "caller_busy"),
    MagicNumber("51", Side.CALLER, "caller_no_answer"),
    MagicNumber("52", Side.CALLER, "caller_hangs_up_while_ringing"),
    MagicNumber("53", Side.CALLER, "prompt_not_confirmed"),
    MagicNumber("60", Side.CALLER, "caller_busy", SLOW_DELAY),
    MagicNumber("61", Side.CALLER, "caller_no_answer", SLOW_DELAY),
    MagicNumber("62", Side.CALLER, "caller_hangs_up_while_ringing", SLOW_DELAY),
    MagicNumber("63", Side.CALLER, "prompt_not_confirmed", SLOW_DELAY),
)
"""The table, written out: a suffix never moves when a scenario is added (immutable data, not state)."""


class MagicTable:
    """O(1) lookup of an E.164 number in the table, for one side, and the scenario a row plays."""

    def __init__(self, rows: tuple[MagicNumber, ...] = MAGIC_NUMBERS) -> None:
        self.rows = rows
        self._by_number = {(row.side, number): row for row in rows for number in row.numbers()}
        self._slow: dict[tuple[str, float], tuple[Scenario, Scenario]] = {}  # (name, delay) -> (base, derived)

    def match(self, side: Side, number: str) -> MagicNumber | None:
        return self._by_number.get((side, number))

    def scenario(self, row: MagicNumber, base: Scenario) -> Scenario:
        """What ``row`` plays when its scenario is ``base``: a slow variant is built once per base
        and shared by every call (built per call, it cost ~800 B more per stored call); one per row
        is kept."""
        if row.delay == 0:
            return base
        key = (row.scenario, row.delay)
        cached = self._slow.get(key)
        if cached is None or cached[0] is not base:  # first use, or the scenario was replaced
            cached = (base, delayed(base, row.delay))
            self._slow[key] = cached
        return cached[1]


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
