"""The README's call-log section: the result/reason mapping table is what the code does for
every bundled scenario, cancel and forced leg; the curl example runs as written."""

from __future__ import annotations

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.core.call_log_cases import cases, table
from tests.readme import run_bash
from tests.readme import table as readme_table


def test_the_mapping_table_is_what_the_code_does() -> None:
    assert readme_table("call-log-mapping") == table()


def test_the_mapping_table_covers_every_bundled_scenario() -> None:
    names = [row[0] for row in readme_table("call-log-mapping")]
    assert names == list(cases())


def test_call_log_curl_example_runs_as_written() -> None:
    with EmulatorServer(create_app(Settings(clock="manual")), port=0) as server:
        done = run_bash("call-log-curl", server.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Busy Line Busy ['RingOutWebToCaller', 'RingOutWebToSubscriber']\n"
