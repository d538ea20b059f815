"""The README's tables and examples are checked against the code they describe."""

from __future__ import annotations

from pathlib import Path

import yaml

from emulator.scenario_files import load_scenario_dir
from emulator.settings import Settings
from tests.readme import block, code, table

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
