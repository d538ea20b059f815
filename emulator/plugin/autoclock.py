"""Sleeps that move the emulator's clock (the ``ringout_autoclock`` fixture).

While it is active, in the test's thread:

- ``time.sleep(s)`` and ``await asyncio.sleep(s)`` advance the emulator's manual clock (the
  test's account's, when the session has one) by ``s`` and return at once (``asyncio.sleep``
  still yields to the event loop once);
- the app's ``time.time()``, ``datetime.now()`` and friends read the emulator's time: the fixture
  travels with time-machine (``tick=False``) to the emulator's now and shifts that travel with
  every sleep, so a deadline or a token's expiry the app computes agrees with the emulator;
- the emulator follows a test that moves time itself: after a time-machine ``shift`` / ``move_to``
  / ``travel`` start, or a freezegun ``tick`` / ``move_to`` / ``freeze_time`` start (when the
  test module imported freezegun), the emulator's clock advances by as much as the app's
  ``time.time()`` moved. Backwards moves are not followed (a manual clock never goes back).

Other threads (the in-process server's, the app's own workers) sleep for real; ``time.monotonic``
is never patched (time-machine 3 leaves it alone, and the event loop needs it); a module that did
``from time import sleep`` before the fixture started keeps the real sleep."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import pytest

from emulator.plugin.control import Ringout

INSTALL = "pip install 'ringout-emulator[autoclock]' (or time-machine)"
TIME_MACHINE_MOVES = ("shift", "move_to")
FREEZEGUN_MOVES = {
    "FrozenDateTimeFactory": ("tick", "move_to"),
    "TickingDateTimeFactory": ("tick", "move_to"),
    "StepTickTimeFactory": ("tick", "move_to"),
    "_freeze_time": ("start",),
}


class Autoclock:
    """The fixture's value: what the app slept, and ``follow()`` to catch the emulator up by hand."""

    def __init__(self, ringout: Ringout, shift: Callable[[float], None]) -> None:
        self.ringout = ringout
        self.slept = 0.0  # seconds of sleep the emulator's clock was moved by
        self._shift = shift  # our own travel's shift, never followed twice
        self._seen = time.time()

    def sleep(self, seconds: float) -> None:
        """What the app's sleep does now: the emulator's clock and the app's time move ``seconds`` on."""
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        self.follow()
        if seconds:
            self.ringout.advance(seconds)
            self._shift(seconds)
            self.slept += seconds
        self._seen = time.time()

    def follow(self) -> None:
        """Advance the emulator's clock by as much as the app's ``time.time()`` moved on since last seen."""
        now = time.time()
        if now > self._seen:
            self.ringout.advance(now - self._seen)
        self._seen = now

    def install(self, patch: pytest.MonkeyPatch) -> None:
        """Fake the sleeps in this thread and follow the time libraries' moves (undone with ``patch``)."""
        thread, real_sleep, real_async_sleep = threading.get_ident(), time.sleep, asyncio.sleep

        def sleep(seconds: float) -> None:
            if threading.get_ident() != thread:
                return real_sleep(seconds)
            self.sleep(seconds)
            return None

        async def async_sleep(delay: float, result: Any = None) -> Any:
            if threading.get_ident() == thread:
                self.sleep(delay)
                delay = 0
            return await real_async_sleep(delay, result)

        patch.setattr(time, "sleep", sleep)
        patch.setattr(asyncio, "sleep", async_sleep)
        import time_machine

        self._follow_moves(patch, [(time_machine.Traveller, TIME_MACHINE_MOVES), (time_machine.travel, ("start",))])
        freezegun = sys.modules.get("freezegun.api")
        if freezegun is not None:
            self._follow_moves(patch, [(getattr(freezegun, name), moves) for name, moves in FREEZEGUN_MOVES.items()])

    def _follow_moves(self, patch: pytest.MonkeyPatch, owners: list[tuple[type, tuple[str, ...]]]) -> None:
        for owner, names in owners:
            for name in names:
                patch.setattr(owner, name, self._following(getattr(owner, name)))

    def _following(self, move: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(move)
        def moved(*args: Any, **kwargs: Any) -> Any:
            result = move(*args, **kwargs)
            self.follow()
            return result

        return moved


@contextmanager
def autoclock(ringout: Ringout) -> Iterator[Autoclock]:
    """Travel to the emulator's now and fake the sleeps until the block ends (undone in reverse)."""
    try:
        import time_machine
    except ImportError:  # pragma: no cover - the test extra installs it
        raise pytest.UsageError(f"ringout_autoclock needs time-machine: {INSTALL}") from None
    clock = ringout.clock()
    if clock["mode"] == "real":
        raise pytest.UsageError("ringout_autoclock moves a manual or poll clock; this test's clock is real")
    with time_machine.travel(clock["epochSeconds"], tick=False) as traveller, pytest.MonkeyPatch.context() as patch:
        clocked = Autoclock(ringout, traveller.shift)  # bound before the class's moves are followed
        clocked.install(patch)
        yield clocked
