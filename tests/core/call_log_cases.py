"""The call-log cases the README's mapping table lists: every bundled scenario run to its end,
cancels and forced legs, each on the facade with a manual clock and no call-log delay."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from emulator.app import build_emulator
from emulator.core.call_log import LogQuery
from emulator.core.call_record import CallRecord
from emulator.core.clock import ManualClock
from emulator.core.dialing import RingOutRequest
from emulator.core.emulator import Emulator
from emulator.core.legs import Leg, LegAction
from emulator.scenario_files import load_scenario_dir
from emulator.settings import DEFAULT_MANUAL_START, Settings

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
REQUEST = RingOutRequest(to_number="+16505550199", from_number="+16505550111", from_given=True)
Steps = Callable[[Emulator, ManualClock, str], None]


def make() -> tuple[Emulator, ManualClock]:
    clock = ManualClock(DEFAULT_MANUAL_START.timestamp())
    return build_emulator(Settings(clock="manual", call_log_delay_seconds=0), clock=clock), clock


def _cancel_at(seconds: float) -> Steps:
    def run(emulator: Emulator, clock: ManualClock, call_id: str) -> None:
        clock.shift(seconds)
        extension = emulator.directory.default_extension
        assert emulator.cancel_ringout(extension, call_id)[0]

    return run


def _force_at(seconds: float, *actions: tuple[Leg, LegAction]) -> Steps:
    def run(emulator: Emulator, clock: ManualClock, call_id: str) -> None:
        clock.shift(seconds)
        for leg, action in actions:
            emulator.force_leg(call_id, leg, action)

    return run


def _nothing(emulator: Emulator, clock: ManualClock, call_id: str) -> None:
    pass


# case -> (scenario, what happens before the end); forced legs act on `success` (caller answers at 4, callee at 9)
EXTRA: dict[str, tuple[str, Steps]] = {
    "cancel while the caller rings": ("success", _cancel_at(1)),
    "cancel after the caller answered": ("success", _cancel_at(5)),
    "forced: caller busy": ("success", _force_at(1, (Leg.CALLER, LegAction.BUSY))),
    "forced: caller no_answer": ("success", _force_at(1, (Leg.CALLER, LegAction.NO_ANSWER))),
    "forced: caller reject": ("success", _force_at(1, (Leg.CALLER, LegAction.REJECT))),
    "forced: callee busy": ("success", _force_at(5, (Leg.CALLEE, LegAction.BUSY))),
    "forced: callee no_answer": ("success", _force_at(5, (Leg.CALLEE, LegAction.NO_ANSWER))),
    "forced: callee reject": ("success", _force_at(5, (Leg.CALLEE, LegAction.REJECT))),
    "forced: caller hang_up while the callee rings": ("success", _force_at(5, (Leg.CALLER, LegAction.HANG_UP))),
    "forced: callee answer, then hang_up": (
        "success",
        _force_at(5, (Leg.CALLEE, LegAction.ANSWER), (Leg.CALLEE, LegAction.HANG_UP)),
    ),
}


def cases() -> dict[str, tuple[str, Steps]]:
    bundled = {f"`{name}`": (name, _nothing) for name in sorted(load_scenario_dir(SCENARIOS))}
    return {**bundled, **EXTRA}


def run_case(scenario: str, steps: Steps) -> CallRecord:
    """The one record the case leaves in the call log, once its call has ended."""
    emulator, clock = make()
    extension = emulator.directory.default_extension
    call_id = emulator.create_ringout(extension, REQUEST, scenario).call.id
    steps(emulator, clock, call_id)
    clock.shift(3600)
    now = clock.now()
    records, total = emulator.call_log_page(extension, LogQuery(date_from=now - 86_400, date_to=now))
    assert total == 1, (scenario, total)
    return records[0]


def table_row(case: str, record: CallRecord) -> list[str]:
    final = record.call.view(record.end or 0).state
    legs = "; ".join(f"`{leg.leg_type}` {leg.outcome.result} / {leg.outcome.reason}" for leg in record.legs)
    ends = f"{final.caller} / {final.callee} / {final.call}"
    return [case, ends, f"`{record.outcome.result}`", f"`{record.outcome.reason}`", legs]


def table() -> list[list[str]]:
    return [table_row(case, run_case(*spec)) for case, spec in cases().items()]


if __name__ == "__main__":
    for row in table():
        print("| " + " | ".join(row) + " |")
