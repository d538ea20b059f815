"""In tests/api every client checks every RingOut response against the official spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import check_against_spec


@pytest.fixture
def make_client(make_client: Callable[..., TestClient]) -> Callable[..., TestClient]:
    def make(**settings: Any) -> TestClient:
        client = make_client(**settings)
        client.event_hooks["response"].append(check_against_spec)
        return client

    return make
