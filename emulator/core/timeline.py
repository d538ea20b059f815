"""A call's timeline, derived on read: the scenario steps it reached (at their clock times, or
at the recorded poll times in poll mode), then forced legs, then a cancellation."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.call import ClockMode, RingOutCall
from emulator.core.scenario import CallState


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: float
    cause: str  # "scenario" | "forced" | "cancelled"
    state: CallState
    step: int | None = None
    leg: str | None = None
    action: str | None = None


def timeline(call: RingOutCall, now: float) -> list[TimelineEntry]:
    entries = _scenario_steps(call, now)
    entries.extend(
        TimelineEntry(o.at, "forced", o.state, leg=o.leg.value, action=o.action.value) for o in call.overrides or ()
    )
    if call.cancelled_at is not None:
        entries.append(TimelineEntry(call.cancelled_at, "cancelled", call.view(now).state))
    return entries


def _scenario_steps(call: RingOutCall, now: float) -> list[TimelineEntry]:
    scenario = call.scenario
    if call.mode is ClockMode.POLL:
        times = [call.created_at, *(call.poll_times or ())]
    else:
        reached = scenario.index_at(now - call.created_at) + 1
        times = [call.created_at + step.at for step in scenario.steps[:reached]]
    for stop in (call.frozen_index, call.cancelled_index):
        if stop is not None:
            times = times[: stop + 1]
    return [TimelineEntry(at, "scenario", scenario.states[i], step=i) for i, at in enumerate(times)]
