"""The bundled scenarios and accounts ship inside the built wheel and are found there."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("ringout_emulator-*.whl")
    return found


def test_wheel_holds_every_bundled_scenario_and_the_accounts_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert f"emulator/_bundled/scenarios/{scenario.name}" in names
    assert "emulator/_bundled/accounts/default.yaml" in names


def test_installed_wheel_loads_its_bundled_data(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    probe = (
        "import emulator.bundled as b, emulator.app as a, emulator.settings as s;"
        "assert b.bundled_scenarios_dir().parts[-2:] == ('_bundled', 'scenarios'), b.bundled_scenarios_dir();"
        "e = a.build_emulator(s.Settings());"
        "print(a.__file__, len(e.scenarios), e.directory.default_extension.id)"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    origin, count, extension = result.stdout.split()
    assert origin.startswith(str(tmp_path))
    assert int(count) == len(list((ROOT / "scenarios").glob("*.yaml")))
    assert extension == "400131560009"
