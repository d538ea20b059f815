"""Real-clock delivery: one asyncio task for the app's lifetime (started by its lifespan) that
sleeps until the next due event, delivers what is due, and sleeps again. No busy loop and no task
per call: it wakes at the scheduler's next due moment, when a request tells it something new may
be due sooner (``DeliveryEngine.wake``, from any thread), or every ``IDLE`` seconds to notice a clock
switched to real.
The manual and poll clocks never depend on it (the clock advance and the requests deliver)."""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator

from starlette.types import ASGIApp

from emulator.api.delivery import DeliveryEngine
from emulator.core.call import ClockMode
from emulator.core.emulator import Emulator
from emulator.core.namespaces import Namespaces

IDLE = 5.0  # seconds between looks when nothing is due


def next_moment(emulator: Emulator) -> tuple[float, float] | None:
    """The namespace's next due event on its real clock: (its emulator time, the wall seconds until
    it, 0 when due now); ``None`` when it is not on the real clock. Nothing due: (inf, inf)."""
    if emulator.clock.mode is not ClockMode.REAL:
        return None
    due = emulator.next_event_due()
    if due is None:
        return math.inf, math.inf
    return due, max(due - emulator.clock.now(), 0.0) / emulator.clock.speed


async def run(namespaces: Namespaces, engine: DeliveryEngine) -> None:
    """Every namespace's real clock: the soonest one decides when to wake. Before sleeping it notes,
    per namespace on the real clock, the moment it planned for (``DeliveryEngine.planned``), so a
    request wakes it only for something due sooner."""
    wakeup = engine.wakeup_event()
    while True:
        delay = IDLE
        pumped = False
        planned: dict[str | None, float] = {}
        for emulator in namespaces.all():
            moment = next_moment(emulator)
            if moment is None:
                continue
            due, wait = moment
            if wait == 0:
                await engine.pump(emulator)
                pumped = True
            else:
                planned[emulator.namespace] = due
                delay = min(delay, wait)
        if pumped:
            continue
        engine.planned = planned
        wakeup.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wakeup.wait(), delay)


@contextlib.asynccontextmanager
async def lifespan(app: ASGIApp) -> AsyncIterator[None]:
    """One task per app, however many servers run its lifespan: the pytest plugin serves one app
    from its test client and from a socket server (``EmulatorServer``), and the first one runs it
    (``DeliveryEngine.wake`` reaches it from the other's thread)."""
    engine: DeliveryEngine = app.deliveries  # type: ignore[attr-defined]
    if engine.scheduled:
        yield
        return
    engine.scheduled = True
    task = asyncio.create_task(run(app.namespaces, engine))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        engine.stop_waking()
        engine.scheduled = False
