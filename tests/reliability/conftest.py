"""A real uvicorn server (port 0) on an app with a manual clock the tests move; for the modules
that serve ``python -m emulator`` as a subprocess (an ``emulator`` fixture of their own), a client
on it reset for each test, and a call stored on it."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import httpx
import pytest

from emulator.app import create_app
from emulator.core.clock import ManualClock
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.reliability.attack import AUTH as AUTH
from tests.reliability.attack import Emulator, client_for


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


@pytest.fixture
def http(emulator: Emulator) -> Iterator[httpx.Client]:
    with client_for(emulator) as client:
        yield client


@pytest.fixture
def call_id(http: httpx.Client) -> str:
    created = http.post(RINGOUT, json=SEED_SAMPLE)
    assert created.status_code == 200, created.text
    return str(created.json()["id"])
