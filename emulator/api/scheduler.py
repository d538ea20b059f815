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


def wait_for(emulator: Emulator) -> float | None:
    """Wall seconds until the namespace's next event is due on its real clock (0: due now), or
    ``None`` (nothing due, or not on the real clock)."""
    if emulator.clock.mode is not ClockMode.REAL:
        return None
    due = emulator.next_event_due()
    return None if due is None else max(due - emulator.clock.now(), 0.0) / emulator.clock.speed


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
            wait = wait_for(emulator)
            if wait == 0:
                await engine.pump(emulator)
                pumped = True
            elif emulator.clock.mode is ClockMode.REAL:
                due = emulator.next_event_due()
                planned[emulator.namespace] = math.inf if due is None else due
                if wait is not None:
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
