"""Small builders shared by the core tests (no HTTP, no files)."""

from __future__ import annotations

from emulator.core.call import ClockMode, RingOutCall
from emulator.core.scenario import Scenario, Step
from emulator.core.statuses import CallingStatus as S

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z, the manual clock's default start

SUCCESS = Scenario(
    "success",
    "caller answers at 4, callee at 9, both hang up at 39",
    (
        Step(0, S.IN_PROGRESS, S.IN_PROGRESS),
        Step(4, caller=S.SUCCESS),
        Step(9, callee=S.SUCCESS),
        Step(39, caller=S.FINISHED, callee=S.FINISHED),
    ),
)
BUSY = Scenario("busy", "callee busy at 6", (Step(0), Step(4, caller=S.SUCCESS), Step(6, callee=S.BUSY)))


def make_call(
    scenario: Scenario = SUCCESS, *, mode: ClockMode = ClockMode.MANUAL, created_at: float = START, call_id: str = "c1"
) -> RingOutCall:
    return RingOutCall(
        id=call_id,
        account_id="400131560008",
        extension_id="400131560009",
        from_number="+16505550111",
        to_number="+13455553434",
        caller_id=None,
        play_prompt=False,
        scenario=scenario,
        scenario_source="default",
        created_at=created_at,
        mode=mode,
    )
