"""In tests/api every client checks every RingOut and call-log response against the official spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.call_log_checks import check_call_log_response
from tests.api.helpers import check_against_spec


@pytest.fixture
def make_client(make_client: Callable[..., TestClient]) -> Callable[..., TestClient]:
    def make(**settings: Any) -> TestClient:
        client = make_client(**settings)
        client.event_hooks["response"].append(check_against_spec)
        client.event_hooks["response"].append(check_call_log_response)
        return client

    return make
