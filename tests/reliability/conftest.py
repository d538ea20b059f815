"""A real uvicorn server (port 0) on an app with a manual clock the tests move."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from emulator.app import create_app
from emulator.core.clock import ManualClock
from emulator.server import EmulatorServer
from emulator.settings import Settings

AUTH = {"Authorization": "Bearer reliability-test-token"}


@pytest.fixture
def live_server(manual_clock: ManualClock) -> Iterator[EmulatorServer]:
    settings = Settings(clock="manual", auth="lenient", max_calls=5_000, rate_limits="off")
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        with EmulatorServer(create_app(settings, clock=manual_clock)) as server:
            yield server
    finally:
        sys.setswitchinterval(interval)
