"""Real-clock delivery: one asyncio task for the app's lifetime (started by its lifespan) that
sleeps until the next due event, delivers what is due, and sleeps again. No busy loop and no task
per call: it wakes at the scheduler's next due moment, when a request tells it something new may
be due sooner (``DeliveryEngine.wake``), or every ``IDLE`` seconds to notice a clock switched to real.
The manual and poll clocks never depend on it (the clock advance and the requests deliver)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.types import ASGIApp

from emulator.api.delivery import DeliveryEngine
from emulator.core.call import ClockMode
from emulator.core.emulator import Emulator

IDLE = 5.0  # seconds between looks when nothing is due


async def run(emulator: Emulator, engine: DeliveryEngine) -> None:
    wakeup = engine.wakeup_event()
    while True:
        delay = IDLE
        if emulator.clock.mode is ClockMode.REAL:
            due, now = emulator.next_event_due(), emulator.clock.now()
            if due is not None and due <= now:
                await engine.pump(emulator)
                continue
            if due is not None:
                delay = min(IDLE, (due - now) / emulator.clock.speed)
        wakeup.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wakeup.wait(), delay)


@contextlib.asynccontextmanager
async def lifespan(app: ASGIApp) -> AsyncIterator[None]:
    state = app.state  # type: ignore[attr-defined]
    task = asyncio.create_task(run(state.emulator, state.deliveries))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
