"""The official SDKs against a real server (port 0) with rate limits lowered: the Python SDK sees
the 429 as the platform's error, with the platform's headers; the manual clock clears the penalty."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from ringcentral import SDK
from ringcentral.http.api_exception import ApiException

from emulator.app import create_app
from emulator.core.clock import ManualClock
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.e2e.js_sdks import JS_DIR, require_js_sdks

RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
CALL = {"from": {"phoneNumber": "+16505550111"}, "to": {"phoneNumber": "+16505550199"}, "playPrompt": False}


@pytest.fixture
def server(manual_clock: ManualClock) -> Iterator[EmulatorServer]:
    settings = Settings(clock="manual", auth="strict", rate_limit_heavy=2, rate_limit_light=3)
    with EmulatorServer(create_app(settings, clock=manual_clock), port=0) as running:
        yield running


def test_the_python_sdk_sees_the_429_as_the_platforms_error(server: EmulatorServer, manual_clock: ManualClock) -> None:
    platform = SDK("emulator-client-id", "emulator-client-secret", server.url).platform()
    platform.login(jwt="emulator-jwt")
    first = platform.post(RINGOUT, CALL)
    assert first.response().headers["X-Rate-Limit-Group"] == "heavy"
    assert first.response().headers["X-Rate-Limit-Remaining"] == "1"
    platform.post(RINGOUT, CALL)
    with pytest.raises(ApiException) as raised:
        platform.post(RINGOUT, CALL)
    response = raised.value.api_response().response()
    assert response.status_code == 429
    assert response.json() == {
        "errorCode": "CMN-301",
        "message": "Request rate exceeded",
        "errors": [{"errorCode": "CMN-301", "message": "Request rate exceeded"}],
    }
    assert (response.headers["Retry-After"], response.headers["X-Rate-Limit-Limit"]) == ("60", "2")
    assert "HTTP 429" in str(raised.value) and "Request rate exceeded" in str(raised.value)
    manual_clock.shift(60)
    assert platform.post(RINGOUT, CALL).response().status_code == 200


@pytest.fixture
def fast_penalty_server() -> Iterator[EmulatorServer]:
    """Real clock (the SDKs wait real seconds): Heavy 2 per 1 s window, 1 s penalty."""
    settings = Settings(auth="strict", rate_limit_heavy=2, rate_limit_window=1, rate_limit_penalty=1)
    with EmulatorServer(create_app(settings), port=0) as running:
        yield running


def test_both_js_sdks_wait_out_the_429_and_finish_the_call_flow(fast_penalty_server: EmulatorServer) -> None:
    node = require_js_sdks()
    done = subprocess.run(
        [node, "rate-limits.mjs", fast_penalty_server.url], cwd=JS_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "sdk-POST-1 200 heavy 1",
        "sdk-POST-2 200 heavy 0",
        "sdk-rate-limit-error 429 1000",
        "sdk-POST-3 200 heavy 1",
        "sdk-GET 200 true",
        "sdk-DELETE 204",
        "rc-ex-POSTs 200,200,429,200",
        "rc-ex-GET 200 true",
        "rc-ex-DELETE 204",
    ]
