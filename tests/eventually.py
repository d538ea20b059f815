"""The one bounded wait of the tests that watch a real server's own asynchronous work (a
disconnect noticed, a socket task catching up): real network time, never the emulator's clock,
which tests move themselves. It checks, then waits on an ``Event`` nobody sets, up to the bound."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

INTERVAL = 0.02


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    """True as soon as ``check()`` is; False once ``seconds`` have passed without it."""
    deadline = time.monotonic() + seconds
    idle = threading.Event()
    while not check():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        idle.wait(min(INTERVAL, left))
    return True
