"""``ringout-emulator``: check-scenarios, settings from env and flags (flags win), and bad
settings that exit 2 with a clear message before any port is bound."""

from __future__ import annotations

import os
import re
import resource
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from emulator import __version__
from emulator import server as server_module
from emulator.bundled import bundled_scenarios_dir
from emulator.cli import main
from emulator.connections import ConnectionLimits, GuardedProtocol
from emulator.server import Server, listen
from emulator.settings import Settings
from tests.reliability.process import running_emulator, subprocess_env
from tests.reliability.raw_http import HEALTH, RawConnection

BUNDLED = sorted(p.stem for p in bundled_scenarios_dir().glob("*.yaml"))
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("RINGOUT_EMULATOR_"):
            monkeypatch.delenv(name)


class Served:
    """Stands in for binding and ``Server.run`` (which would block): records what would have been
    served, on a socket of port 0 whatever address was asked for."""

    def __init__(self) -> None:
        self.addresses: list[tuple[str, int]] = []
        self.servers: list[Server] = []

    def listen(self, host: str, port: int) -> socket.socket:
        self.addresses.append((host, port))
        return listen("127.0.0.1", 0)

    def run(self, server: Server, sockets: list[socket.socket]) -> None:
        self.servers.append(server)
        for sock in sockets:
            sock.close()

    @property
    def app(self) -> Any:
        assert len(self.servers) == 1
        return self.servers[0].config.app

    @property
    def settings(self) -> Settings:
        settings: Settings = self.app.state.settings
        return settings

    @property
    def limits(self) -> ConnectionLimits:
        protocol: type[GuardedProtocol] = self.servers[0].config.http  # type: ignore[assignment]
        return protocol.limits


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Served:
    record = Served()
    monkeypatch.setattr(server_module, "listen", record.listen)
    monkeypatch.setattr(Server, "run", lambda server, sockets: record.run(server, sockets))
    return record


def bad_dir(tmp_path: Path) -> Path:
    (tmp_path / "good.yaml").write_text("description: ok\nsteps: [{at: 0, callee: Busy}]\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("description: x\nsteps: [{at: 0}, {at: 1, caller: Sucess}]\n", encoding="utf-8")
    (tmp_path / "worse.yaml").write_text("steps: [{at: 0, callee: Busy}]\n", encoding="utf-8")
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
    assert served.addresses == [("127.0.0.1", 8080)]
    assert served.settings == Settings()
    assert served.limits == ConnectionLimits()
    assert served.app.state.emulator.config.clock_mode.value == "real"


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
    assert served.addresses == [("0.0.0.0", 9000)]


def test_flags_win_over_env_vars(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGOUT_EMULATOR_PORT", "9000")
    monkeypatch.setenv("RINGOUT_EMULATOR_CLOCK", "poll")
    monkeypatch.setenv("RINGOUT_EMULATOR_DEFAULT_SCENARIO", "busy")
    assert main(["--port", "9001", "--clock", "manual", "--max-calls", "7"]) == 0
    settings = served.settings
    assert (settings.port, settings.clock.value, settings.max_calls) == (9001, "manual", 7)
    assert settings.default_scenario == "busy"  # no flag: the env var still counts
    assert served.addresses == [("127.0.0.1", 9001)]


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
        (["--clock", "sometimes"], "invalid settings:\n  --clock: Input should be 'real', 'manual' or 'poll'\n"),
        (["--port", "99999"], "invalid settings:\n  --port: Input should be less than or equal to 65535\n"),
        (["--port", "http"], "invalid settings:\n  --port: Input should be a valid integer, unable to parse string"),
        (["--speed", "0"], "invalid settings:\n  --speed: Input should be greater than 0\n"),
        (
            ["--log-level", "loud"],
            "invalid settings:\n  --log-level: Value error, must be one of critical, error, warning, ",
        ),
        (["--max-calls", "0"], "invalid settings:\n  --max-calls: Input should be greater than or equal to 1\n"),
        (
            ["--phone-validation", "loose"],
            "invalid settings:\n  --phone-validation: Input should be 'possible' or 'strict'",
        ),
        (
            ["--scenarios-dir", "{tmp}/missing"],
            "invalid settings:\n  --scenarios-dir: Value error, {tmp}/missing is not a directory\n",
        ),
        (
            ["--accounts-file", "{tmp}/missing.yaml"],
            "invalid settings:\n  --accounts-file: Value error, {tmp}/missing.yaml is not a file\n",
        ),
        (
            ["--default-scenario", "nope"],
            "cannot start: --default-scenario: unknown scenario 'nope'; valid names: busy, ",
        ),
        (
            ["--accounts-file", "{tmp}/accounts.yaml"],
            "cannot start: {tmp}/accounts.yaml: accounts.0.mainNumber: String should match pattern",
        ),
        (["--scenarios-dir", "{tmp}/bad"], "cannot start: {tmp}/bad/bad.yaml: step 1, field caller: Input should be"),
        (  # it said "cannot start: a clock's time must be ..., got 253402300799.0"
            ["--manual-start", "9999-12-31T23:59:59Z"],
            "invalid settings:\n  --manual-start: Value error, must be within 1970-01-01T00:00:00Z .. 9000-01-01",
        ),
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
    assert served.servers == []
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("ringout-emulator: " + message.replace("{tmp}", str(tmp_path))), err


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("CLOCK", "sometimes", "RINGOUT_EMULATOR_CLOCK: Input should be 'real', 'manual' or 'poll'"),
        ("PORT", "-1", "RINGOUT_EMULATOR_PORT: Input should be greater than or equal to 0"),
        ("RETENTION_SECONDS", "-5", "RINGOUT_EMULATOR_RETENTION_SECONDS: Input should be greater than or equal to 0"),
        ("IDLE_TIMEOUT", "0", "RINGOUT_EMULATOR_IDLE_TIMEOUT: Input should be greater than 0"),
        ("MAX_HEADER_BYTES", "100", "RINGOUT_EMULATOR_MAX_HEADER_BYTES: Input should be greater than or equal to 1024"),
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
    assert served.servers == []
    assert capsys.readouterr().err.startswith(f"ringout-emulator: invalid settings:\n  {message}")


def test_an_unknown_default_scenario_names_the_env_var_it_came_from(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """It named the field (``default_scenario:``), not what the user set."""
    monkeypatch.setenv("ringout_emulator_default_scenario", "nope")
    assert main([]) == 2
    assert served.servers == []
    err = capsys.readouterr().err
    assert err.startswith("ringout-emulator: cannot start: ringout_emulator_default_scenario: unknown scenario 'nope'")


def test_connection_settings_reach_the_protocol(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGOUT_EMULATOR_IDLE_TIMEOUT", "2.5")
    monkeypatch.setenv("RINGOUT_EMULATOR_MAX_CONNECTIONS", "50")
    argv = ["--header-timeout", "3", "--body-timeout", "4", "--max-header-bytes", "4096", "--max-connections", "60"]
    assert main(argv) == 0
    assert served.limits == ConnectionLimits(
        idle_timeout=2.5, header_timeout=3, body_timeout=4, max_connections=60, max_header_bytes=4096
    )


def test_a_flag_and_an_env_var_both_wrong_name_each(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ringout_emulator_speed", "-1")  # spelled as the user spelled it
    assert main(["--max-calls", "0"]) == 2
    assert capsys.readouterr().err == (
        "ringout-emulator: invalid settings:\n"
        "  ringout_emulator_speed: Input should be greater than 0\n"
        "  --max-calls: Input should be greater than or equal to 1\n"
    )


def test_an_unknown_env_var_is_warned_about_with_the_closest_setting(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RINGOUT_EMULATOR_IDLE_TIMOUT", "1")
    monkeypatch.setenv("RINGOUT_EMULATOR_ZZZ", "1")
    monkeypatch.setenv("RINGOUT_EMULATOR_URL", "http://elsewhere")  # the pytest plugin's: no warning
    assert main([]) == 0
    assert served.limits == ConnectionLimits()  # ignored, as the warning says
    assert capsys.readouterr().err == (
        "ringout-emulator: warning: RINGOUT_EMULATOR_IDLE_TIMOUT is not a setting and is ignored; "
        "did you mean RINGOUT_EMULATOR_IDLE_TIMEOUT?\n"
        "ringout-emulator: warning: RINGOUT_EMULATOR_ZZZ is not a setting and is ignored; "
        "see --help for the settings\n"
    )


def run_emulator(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``python -m emulator ARGS`` to its end (the cases here exit before serving)."""
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=subprocess_env(),
    )


def test_a_busy_port_exits_2_with_one_line_before_uvicorn_starts() -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = run_emulator("--port", str(port))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"ringout-emulator: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_an_address_not_of_this_machine_exits_2_with_one_line() -> None:
    result = run_emulator("--host", "192.0.2.1", "--port", "0")  # TEST-NET-1: never a local address
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "ringout-emulator: cannot listen on 192.0.2.1:0: Cannot assign requested address\n"


def test_a_host_that_does_not_resolve_exits_2_with_one_line() -> None:
    result = run_emulator("--host", "no such host", "--port", "0")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("ringout-emulator: cannot listen on no such host:0: ")
    assert len(result.stderr.splitlines()) == 1


def test_a_bad_env_var_in_a_subprocess_names_the_variable() -> None:
    env = {**subprocess_env(), "RINGOUT_EMULATOR_PORT": "http", "RINGOUT_EMULATOR_PROT": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "emulator"], capture_output=True, text=True, timeout=60, check=False, env=env
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "ringout-emulator: warning: RINGOUT_EMULATOR_PROT is not a setting and is ignored; "
        "did you mean RINGOUT_EMULATOR_PORT?\n"
        "ringout-emulator: invalid settings:\n"
        "  RINGOUT_EMULATOR_PORT: Input should be a valid integer, unable to parse string as an integer\n"
    )


@pytest.mark.parametrize("level", ["critical", "info"])
def test_one_start_up_line_at_every_log_level(level: str) -> None:
    with running_emulator("--log-level", level, "--clock", "manual") as emulator:
        started = (
            f"ringout-emulator {__version__} listening on http://127.0.0.1:{emulator.port} (clock manual, auth strict)"
        )
        assert emulator.started == started
        assert emulator.port != 0
        with RawConnection(emulator.port) as conn:  # the port it names is the one it serves
            conn.send(HEALTH)
            assert conn.response().status_line == "HTTP/1.1 200 OK"
        emulator.proc.send_signal(signal.SIGTERM)
        assert emulator.proc.wait(timeout=5) == 0
        lines = emulator.log().splitlines()
    if level == "critical":
        assert lines == [started]
    else:  # after uvicorn's start-up lines: printed once the server accepts
        assert lines[: lines.index(started) + 1] == [
            f"INFO:     Started server process [{emulator.proc.pid}]",
            "INFO:     Waiting for application startup.",
            "INFO:     Application startup complete.",
            started,
        ]
        assert lines.count(started) == 1


def test_the_open_file_limit_is_raised_for_max_connections() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 400:
        pytest.skip(f"the hard open-file limit is {hard}")

    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))

    with running_emulator("--max-connections", "300", preexec_fn=low_limit) as emulator:
        log = emulator.log()
        limits = Path(f"/proc/{emulator.proc.pid}/limits").read_text()
    assert (
        "ringout-emulator: raised the open-file limit (RLIMIT_NOFILE) from 256 to 364 for max_connections 300\n" in log
    )
    assert re.search(r"Max open files\s+364\s", limits), limits


def test_an_open_file_limit_that_cannot_be_raised_is_warned_about() -> None:
    def low_hard_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 300))

    with running_emulator("--max-connections", "300", preexec_fn=low_hard_limit) as emulator:
        log = emulator.log()
        limits = Path(f"/proc/{emulator.proc.pid}/limits").read_text()
    assert log.startswith(
        "ringout-emulator: warning: the open-file limit (RLIMIT_NOFILE) is 300 and cannot go higher "
        "(hard limit 300): fewer than max_connections 300 connections can be open at once\n"
    )
    assert re.search(r"Max open files\s+300\s+300\s", limits), limits
