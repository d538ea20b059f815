"""The README's webhook section, run as written: the tiny receiver and the curl walk-through
against a real server (both on port 0), the event-mapping table against the code, and the
in-process delivery example with the plugin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.app import create_app
from emulator.core.events import PARTY_STATUS
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.plugin.hook_app import HOOK_APP
from tests.readme import block, code, table

pytest_plugins = ["pytester"]
ENV = {"PATH": "/usr/bin:/bin:/usr/local/bin"}


def test_the_event_mapping_table_is_the_code() -> None:
    rows = {
        code(status): (code(party), code(reason) if reason else None)
        for status, party, reason in table("event-mapping")
    }
    assert rows == {status.value: mapped for status, mapped in PARTY_STATUS.items()}


def test_the_receiver_and_the_curl_walkthrough_run_as_written() -> None:
    receiver = subprocess.Popen(
        [sys.executable, "-c", block("webhook-receiver")],
        env={**ENV, "PORT": "0"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert receiver.stdout is not None
        address = receiver.stdout.readline().split()[-1]
        with EmulatorServer(create_app(Settings(clock="manual"))) as server:
            result = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", block("webhook-walkthrough")],
                env={**ENV, "BASE": server.url, "HOOK": address},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert result.returncode == 0, result.stderr
            assert result.stdout.splitlines() == ["Active", "5"]
            printed = [receiver.stdout.readline().strip() for _ in range(6)]
            attempts = json.loads(subprocess.run(
                ["curl", "-s", f"{server.url}/__emulator/deliveries"], capture_output=True, text=True, check=True
            ).stdout)["count"]  # fmt: skip
    finally:
        receiver.terminate()
        receiver.wait(timeout=5)
    assert printed == [
        "1 Initiator Proceeding",
        "2 Initiator Answered",
        "3 Target Proceeding",
        "4 Target Answered",
        "5 Initiator Disconnected",
        "6 Target Disconnected",
    ]
    assert attempts == 7


def test_the_in_process_example_reaches_the_handler(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "seen.jsonl"
    monkeypatch.setenv("SEEN_FILE", str(seen))
    pytester.makeconftest(
        "import pytest\n\n@pytest.fixture(scope='session')\ndef ringout_settings():\n"
        "    return {'clock': 'manual', 'auth': 'lenient'}\n"
        "\n@pytest.fixture(autouse=True)\ndef _token(ringout_client):\n"
        "    ringout_client.headers['Authorization'] = 'Bearer any'\n"
    )
    pytester.makepyfile(myapp=HOOK_APP, test_handler=block("pytest-webhook-in-process"))
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=1)
    assert [json.loads(line) for line in seen.read_text().splitlines()] == [
        "Proceeding", "Answered", "Proceeding", "Answered", "Disconnected", "Disconnected",
    ]  # fmt: skip
