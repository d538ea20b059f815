"""Both JS SDKs (@ringcentral/sdk, @rc-ex/core) surface each injected fault as its own error:
a timeout, a connection error, a 429 or 503 with ``Retry-After`` (tests/js/faults.mjs)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.e2e.js_sdks import JS_DIR, require_js_sdks


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(create_app(Settings(clock="manual", rate_limits="off")), port=0) as running:
        yield running


def test_both_js_sdks_see_each_fault_as_its_own_error(server: EmulatorServer) -> None:
    node = require_js_sdks()
    done = subprocess.run([node, "faults.mjs", server.url], cwd=JS_DIR, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "sdk latency;ms=2000 AbortError -",
        "sdk reset FetchError -",
        "sdk empty FetchError -",
        "sdk throttle;retryAfter=3 Error 429 3",
        "sdk error;status=503 Error 503 1",
        "rc-ex latency;ms=2000 AxiosError ECONNABORTED",
        "rc-ex reset AxiosError ECONNRESET",
        "rc-ex empty AxiosError ECONNRESET",
        "rc-ex throttle;retryAfter=3 RestException 429 3",
        "rc-ex error;status=503 RestException 503 1",
    ]
