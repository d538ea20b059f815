"""The README's tables and examples are checked against the code they describe."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from emulator.scenario_files import load_scenario_dir
from emulator.settings import Settings
from tests.readme import block, code, run_bash, table

ROOT = Path(__file__).resolve().parent.parent


def test_scenario_table_matches_the_bundled_files() -> None:
    scenarios = load_scenario_dir(ROOT / "scenarios")
    expected = []
    for name, scenario in sorted(scenarios.items()):
        final = scenario.states[-1]
        expected.append(
            [f"`{name}`", scenario.description, final.caller, final.callee, final.call, f"{scenario.steps[-1].at:g}"]
        )
    assert table("scenario-table") == expected


def test_settings_table_lists_every_setting_with_its_flag_and_env_var() -> None:
    rows = table("settings-table")
    flags = [code(row[0]) for row in rows]
    envs = [code(row[1]) for row in rows]
    assert flags == [f"--{name.replace('_', '-')}" for name in Settings.model_fields]
    assert envs == [f"RINGOUT_EMULATOR_{name.upper()}" for name in Settings.model_fields]


def test_scenario_file_example_is_the_bundled_busy_file() -> None:
    example = yaml.safe_load(block("scenario-file"))
    assert example == yaml.safe_load((ROOT / "scenarios" / "busy.yaml").read_text())


def test_curl_walkthrough_runs_as_written() -> None:
    from emulator.app import create_app
    from emulator.server import EmulatorServer
    from emulator.settings import Settings

    with EmulatorServer(create_app(Settings(clock="poll"))) as server:
        result = run_bash("curl-walkthrough", server.url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    statuses = [line for line in lines if line.startswith("{")]
    assert [json.loads(line)["status"] for line in statuses] == [
        {"callStatus": "InProgress", "callerStatus": "Success", "calleeStatus": "InProgress"},
        {"callStatus": "Success", "callerStatus": "Success", "calleeStatus": "Success"},
        {"callStatus": "Success", "callerStatus": "Finished", "calleeStatus": "Finished"},
        {"callStatus": "CannotReach", "callerStatus": "Rejected", "calleeStatus": "Rejected"},
    ]
    assert "204" in lines


def test_check_scenarios_example_output(tmp_path: Path) -> None:
    """The README's example: a file whose step 2 sets an unknown callee status."""
    import subprocess
    import sys

    command, *expected = block("check-scenarios").splitlines()
    folder = tmp_path / "my-scenarios"
    folder.mkdir()
    (folder / "flaky.yaml").write_text(
        "description: flaky\nsteps:\n  - {at: 0}\n  - {at: 4, caller: Success}\n  - {at: 6, callee: Bussy}\n"
    )
    args = command.removeprefix("$ ringout-emulator ").split()
    result = subprocess.run(
        [sys.executable, "-m", "emulator", *args], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == expected[0]
    prefix = expected[1].removesuffix("...")
    assert lines[1].startswith(prefix), lines[1]
