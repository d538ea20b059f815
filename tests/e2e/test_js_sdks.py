"""The official JS SDKs (``@ringcentral/sdk`` 5.x, ``@rc-ex/core``) run their flow from a Node
script (tests/js/*.mjs) against a real server on a free port."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.e2e import js_sdks
from tests.e2e.js_sdks import JS_DIR, require_js_sdks

COMMON = [
    "jwt-login 200 400131560009",
    "ring-out-POST 200 InProgress",
    "ring-out-GET 200 true",
]
AFTER_DELETE = ["refresh 200 true", "logout 200", "old-token 401 OAU-213"]
EXPECTED = {
    "ringcentral-sdk.mjs": [
        *COMMON,
        "ring-out-DELETE 204",
        "bad-to 400 TEL-109",
        *AFTER_DELETE,
        "password-login 200 400131560009",
    ],
    "rc-ex.mjs": [
        *COMMON,
        "ring-out-DELETE 204 body={} application/json",
        "bad-to 400 TEL-109 true",
        *AFTER_DELETE,
        "code-login 200 101",
    ],
}


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(create_app(Settings(clock="manual", auth="strict", rate_limits="off")), port=0) as running:
        yield running


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_js_sdk_flow(server: EmulatorServer, script: str) -> None:
    node = require_js_sdks()
    done = subprocess.run([node, script, server.url], cwd=JS_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == EXPECTED[script]


@pytest.mark.parametrize(("ci", "outcome"), [("1", pytest.fail.Exception), (None, pytest.skip.Exception)])
def test_missing_sdks_fail_under_ci_and_skip_locally(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str | None, outcome: type[BaseException]
) -> None:
    monkeypatch.setattr(js_sdks, "JS_DIR", tmp_path)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="run scripts/install-js-sdks"):
        js_sdks.require_js_sdks()
