"""``ringout-emulator``: check-scenarios, settings from env and flags (flags win), and bad
settings that exit 2 with a clear message before any port is bound."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from emulator import __version__
from emulator.bundled import bundled_scenarios_dir
from emulator.cli import main
from emulator.settings import Settings

BUNDLED = sorted(p.stem for p in bundled_scenarios_dir().glob("*.yaml"))
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("RINGOUT_EMULATOR_"):
            monkeypatch.delenv(name)


class Served:
    """Stands in for ``uvicorn.run`` (which would block): records what would have been served."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, dict[str, Any]]] = []

    def __call__(self, app: Any, **kwargs: Any) -> None:
        self.calls.append((app, kwargs))

    @property
    def settings(self) -> Settings:
        assert len(self.calls) == 1
        settings: Settings = self.calls[0][0].state.settings
        return settings


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Served:
    record = Served()
    monkeypatch.setattr(uvicorn, "run", record)
    return record


def bad_dir(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_text("description: ok\nsteps: [{at: 0, callee: Busy}]\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("description: x\nsteps: [{at: 0}, {at: 1, caller: Sucess}]\n", encoding="utf-8")
    (tmp_path / "worse.yaml").write_text("steps: [{at: 0}]\n", encoding="utf-8")
    return tmp_path


def test_check_scenarios_on_the_bundled_dir(capsys: pytest.CaptureFixture[str]) -> None:
    directory = bundled_scenarios_dir()
    assert main(["check-scenarios", str(directory)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{directory}: {len(BUNDLED)} scenario(s) OK: {', '.join(BUNDLED)}\n"
    assert err == ""


def test_check_scenarios_on_a_bad_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = bad_dir(tmp_path)
    assert main(["check-scenarios", str(directory)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == f"ringout-emulator: 2 problem(s) in {directory}:"
    assert lines[1].startswith(f"  {directory / 'bad.yaml'}: step 1, field caller: Input should be 'Invalid'")
    assert lines[2] == f"  {directory / 'worse.yaml'}: field description: Field required"
    assert len(lines) == 3


def test_check_scenarios_on_a_missing_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-scenarios", str(tmp_path / "nope")]) == 2
    assert (
        capsys.readouterr().err
        == f"ringout-emulator: 1 problem(s) in {tmp_path / 'nope'}:\n  {tmp_path / 'nope'}: no such file or directory\n"
    )


ENDS = "description: ok\nsteps: [{at: 0, callee: Busy}]\n"


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check-scenarios", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_scenarios_on_an_empty_dir_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    expected = (
        f"ringout-emulator: 1 problem(s) in {tmp_path}:\n  {tmp_path}: no scenario found (no *.yaml or *.yml file)\n"
    )
    assert check(tmp_path, capsys) == (2, "", expected)


def test_check_scenarios_reads_yml_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "one.yaml").write_text(ENDS, encoding="utf-8")
    (tmp_path / "two.yml").write_text(ENDS, encoding="utf-8")
    assert check(tmp_path, capsys) == (0, f"{tmp_path}: 2 scenario(s) OK: one, two\n", "")


def test_check_scenarios_refuses_a_stem_present_as_yaml_and_yml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "twice.yaml").write_text(ENDS, encoding="utf-8")
    (tmp_path / "twice.yml").write_text(ENDS, encoding="utf-8")
    expected = (
        f"ringout-emulator: 1 problem(s) in {tmp_path}:\n"
        f"  {tmp_path / 'twice.yml'}: scenario 'twice' is defined twice in {tmp_path}\n"
    )
    assert check(tmp_path, capsys) == (2, "", expected)


def test_check_scenarios_on_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "fine.yml"
    good.write_text(ENDS, encoding="utf-8")
    assert check(good, capsys) == (0, f"{good}: 1 scenario(s) OK: fine\n", "")
    bad = tmp_path / "never_ends.yaml"
    bad.write_text("description: x\nsteps: [{at: 0}]\n", encoding="utf-8")
    expected = (
        f"ringout-emulator: 1 problem(s) in {bad}:\n  {bad}: step 0: the call is still live after the last step "
        "(call InProgress, caller InProgress, callee InProgress): the last step must end it "
        "(a leg fails, or both legs are Finished)\n"
    )
    assert check(bad, capsys) == (2, "", expected)
    other = tmp_path / "notes.txt"
    other.write_text(ENDS, encoding="utf-8")
    expected = (
        f"ringout-emulator: 1 problem(s) in {other}:\n"
        f"  {other}: not a scenario file (the name must end in .yaml or .yml)\n"
    )
    assert check(other, capsys) == (2, "", expected)


def test_python_dash_m_emulator_check_scenarios(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "emulator", "check-scenarios"]
    good = subprocess.run([*command, str(ROOT / "scenarios")], capture_output=True, text=True, timeout=60, check=False)
    assert (good.returncode, good.stderr) == (0, "")
    assert good.stdout.startswith(f"{ROOT / 'scenarios'}: {len(BUNDLED)} scenario(s) OK: busy, ")
    bad = subprocess.run([*command, str(bad_dir(tmp_path))], capture_output=True, text=True, timeout=60, check=False)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr.startswith(f"ringout-emulator: 2 problem(s) in {tmp_path}:\n")
    assert "bad.yaml: step 1, field caller: " in bad.stderr


def test_no_arguments_serves_the_defaults(served: Served) -> None:
    assert main([]) == 0
    app, kwargs = served.calls[0]
    assert kwargs["host"] == "127.0.0.1"
    assert kwargs["port"] == 8080
    assert served.settings == Settings()
    assert app.state.emulator.config.clock_mode.value == "real"


def test_settings_from_env_vars(served: Served, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = {
        "HOST": "0.0.0.0",
        "PORT": "9000",
        "CLOCK": "poll",
        "SPEED": "2.5",
        "DEFAULT_SCENARIO": "busy",
        "SCENARIOS_DIR": str(bundled_scenarios_dir()),
        "SEED": "11",
        "RETENTION_SECONDS": "5",
        "MAX_CALLS": "3",
        "PHONE_VALIDATION": "strict",
    }
    for field, value in env.items():
        monkeypatch.setenv(f"RINGOUT_EMULATOR_{field}", value)
    assert main([]) == 0
    settings = served.settings
    assert (settings.host, settings.port, settings.clock.value, settings.speed) == ("0.0.0.0", 9000, "poll", 2.5)
    assert (settings.default_scenario, settings.scenarios_dir, settings.seed) == ("busy", bundled_scenarios_dir(), 11)
    assert (settings.retention_seconds, settings.max_calls, settings.phone_validation.value) == (5, 3, "strict")
    assert served.calls[0][1]["host"] == "0.0.0.0"
    assert served.calls[0][1]["port"] == 9000


def test_flags_win_over_env_vars(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGOUT_EMULATOR_PORT", "9000")
    monkeypatch.setenv("RINGOUT_EMULATOR_CLOCK", "poll")
    monkeypatch.setenv("RINGOUT_EMULATOR_DEFAULT_SCENARIO", "busy")
    assert main(["--port", "9001", "--clock", "manual", "--max-calls", "7"]) == 0
    settings = served.settings
    assert (settings.port, settings.clock.value, settings.max_calls) == (9001, "manual", 7)
    assert settings.default_scenario == "busy"  # no flag: the env var still counts
    assert served.calls[0][1]["port"] == 9001


def test_every_setting_has_a_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for field in Settings.model_fields:
        assert f"--{field.replace('_', '-')}" in out
        assert f"RINGOUT_EMULATOR_{field.upper()}" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"ringout-emulator {__version__}\n"


BAD_ACCOUNTS = """accounts:
  - id: "1"
    mainNumber: "16505550100"
    homeCountry: US
    extensions: [{id: "2", extensionNumber: "101", name: A}]
"""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--clock", "sometimes"], "invalid settings:\n  clock: Input should be 'real', 'manual' or 'poll'\n"),
        (["--port", "99999"], "invalid settings:\n  port: Input should be less than or equal to 65535\n"),
        (["--port", "http"], "invalid settings:\n  port: Input should be a valid integer, unable to parse string"),
        (["--speed", "0"], "invalid settings:\n  speed: Input should be greater than 0\n"),
        (
            ["--log-level", "loud"],
            "invalid settings:\n  log_level: Value error, must be one of critical, error, warning, ",
        ),
        (["--max-calls", "0"], "invalid settings:\n  max_calls: Input should be greater than or equal to 1\n"),
        (
            ["--phone-validation", "loose"],
            "invalid settings:\n  phone_validation: Input should be 'possible' or 'strict'",
        ),
        (
            ["--scenarios-dir", "{tmp}/missing"],
            "invalid settings:\n  scenarios_dir: Value error, {tmp}/missing is not a directory\n",
        ),
        (
            ["--accounts-file", "{tmp}/missing.yaml"],
            "invalid settings:\n  accounts_file: Value error, {tmp}/missing.yaml is not a file\n",
        ),
        (
            ["--default-scenario", "nope"],
            "cannot start: default_scenario: unknown scenario 'nope'; valid names: busy, ",
        ),
        (
            ["--accounts-file", "{tmp}/accounts.yaml"],
            "cannot start: {tmp}/accounts.yaml: accounts.0.mainNumber: String should match pattern",
        ),
        (["--scenarios-dir", "{tmp}/bad"], "cannot start: {tmp}/bad/bad.yaml: step 1, field caller: Input should be"),
    ],
)
def test_bad_settings_exit_2_before_serving(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "accounts.yaml").write_text(BAD_ACCOUNTS, encoding="utf-8")
    (tmp_path / "bad").mkdir()
    bad_dir(tmp_path / "bad")
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    assert main(argv) == 2
    assert served.calls == []
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("ringout-emulator: " + message.replace("{tmp}", str(tmp_path))), err


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("CLOCK", "sometimes", "clock: Input should be 'real', 'manual' or 'poll'"),
        ("PORT", "-1", "port: Input should be greater than or equal to 0"),
        ("RETENTION_SECONDS", "-5", "retention_seconds: Input should be greater than or equal to 0"),
    ],
)
def test_bad_env_vars_exit_2(
    served: Served,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    field: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(f"RINGOUT_EMULATOR_{field}", value)
    assert main([]) == 2
    assert served.calls == []
    assert capsys.readouterr().err.startswith(f"ringout-emulator: invalid settings:\n  {message}")
