"""Shared fixtures: an app built from settings, an in-process client, a manual clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from emulator.app import create_app
from emulator.core.clock import ManualClock
from emulator.settings import DEFAULT_MANUAL_START, Settings

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
SEED_SAMPLE = {"from": {"phoneNumber": "13445554444"}, "to": {"phoneNumber": "13455553434"}, "playPrompt": True}


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock(DEFAULT_MANUAL_START.timestamp())


@pytest.fixture
def make_client(manual_clock: ManualClock) -> Iterator[Callable[..., TestClient]]:
    """``make_client(clock="manual", ...)``: a client on a fresh app; manual mode uses
    ``manual_clock``. Unless ``auth`` is given, the app runs in lenient auth mode and the client
    sends a bearer token, so tests of the RingOut engine act as the default extension. Rate limits
    are off unless ``rate_limits`` is given: these tests hammer one extension on a frozen clock on
    purpose (tests/api/test_rate_limits.py turns them on)."""
    clients: list[TestClient] = []

    def make(**settings: Any) -> TestClient:
        settings.setdefault("auth", "lenient")
        settings.setdefault("rate_limits", "off")
        built = Settings(**settings)
        app: FastAPI = create_app(built, clock=manual_clock if built.clock.value == "manual" else None)
        client = TestClient(app, raise_server_exceptions=False)
        if built.auth.value == "lenient":
            client.headers["Authorization"] = "Bearer lenient-test-token"
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """Manual clock: time moves only through ``manual_clock``."""
    return make_client(clock="manual")
