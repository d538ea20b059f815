"""The README's WebSocket section, run as written: the Python SDK example against a real server
on port 0 (manual clock), printing the call's events in order."""

from __future__ import annotations

import os
import subprocess
import sys

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.readme import block


def test_the_python_websocket_example_runs_as_written() -> None:
    with EmulatorServer(create_app(Settings(clock="manual"))) as server:
        done = subprocess.run(
            [sys.executable, "-c", block("websocket-python")],
            env={**os.environ, "EMULATOR_URL": server.url},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "['Proceeding', 'Answered', 'Proceeding', 'Answered', 'Disconnected', 'Disconnected']\n"
