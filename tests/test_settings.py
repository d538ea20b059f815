"""Settings: defaults, env vars ``RINGOUT_EMULATOR_<FIELD>``, validation; the accounts file."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from emulator.accounts_file import AccountsFileError, load_accounts_file, parse_accounts
from emulator.app import build_clock, create_app
from emulator.bundled import bundled_accounts_file, bundled_scenarios_dir
from emulator.connections import ConnectionLimits
from emulator.core.call import ClockMode
from emulator.core.clock import ManualClock, SystemClock
from emulator.core.phone import Validation
from emulator.settings import DEFAULT_MANUAL_START, AuthMode, Settings, unknown_env_vars


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("RINGOUT_EMULATOR_"):
            monkeypatch.delenv(name)


def test_defaults() -> None:
    """The defaults issue 2 fixes (later issues add fields of their own)."""
    expected = {
        "host": "127.0.0.1",
        "port": 8080,
        "clock": ClockMode.REAL,
        "speed": 1.0,
        "manual_start": DEFAULT_MANUAL_START,
        "default_scenario": "success",
        "scenarios_dir": None,
        "accounts_file": None,
        "seed": None,
        "retention_seconds": 60.0,
        "max_calls": 10_000,
        "phone_validation": Validation.POSSIBLE,
        "auth": AuthMode.STRICT,
        "log_level": "info",
        "idle_timeout": 5.0,
        "header_timeout": 10.0,
        "body_timeout": 30.0,
        "max_connections": 2_000,
        "max_header_bytes": 32_768,
    }
    dumped = Settings().model_dump()
    assert {field: dumped[field] for field in expected} == expected


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        ("host", "0.0.0.0", "0.0.0.0"),
        ("port", "0", 0),
        ("clock", "manual", ClockMode.MANUAL),
        ("clock", "poll", ClockMode.POLL),
        ("speed", "60", 60.0),
        ("manual_start", "2030-05-01T12:00:00Z", datetime(2030, 5, 1, 12, tzinfo=UTC)),
        ("manual_start", "2030-05-01T12:00:00", datetime(2030, 5, 1, 12, tzinfo=UTC)),  # naive = UTC
        ("default_scenario", "busy", "busy"),
        ("scenarios_dir", str(bundled_scenarios_dir()), bundled_scenarios_dir()),
        ("accounts_file", str(bundled_accounts_file()), bundled_accounts_file()),
        ("seed", "42", 42),
        ("retention_seconds", "0", 0.0),
        ("max_calls", "1", 1),
        ("phone_validation", "strict", Validation.STRICT),
        ("auth", "lenient", AuthMode.LENIENT),
        ("log_level", "debug", "debug"),
        ("log_level", "WARNING", "warning"),
        ("idle_timeout", "0.5", 0.5),
        ("header_timeout", "2", 2.0),
        ("body_timeout", "60", 60.0),
        ("max_connections", "10", 10),
        ("max_header_bytes", "65536", 65_536),
    ],
)
def test_every_field_from_its_env_var(monkeypatch: pytest.MonkeyPatch, field: str, raw: str, expected: Any) -> None:
    monkeypatch.setenv(f"RINGOUT_EMULATOR_{field.upper()}", raw)
    assert getattr(Settings(), field) == expected


def test_arguments_win_over_env_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGOUT_EMULATOR_PORT", "9000")
    assert Settings(port=9001).port == 9001


def test_env_var_names_are_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ringout_emulator_clock", "poll")
    assert Settings().clock is ClockMode.POLL


@pytest.mark.parametrize(
    ("values", "location", "message"),
    [
        ({"port": 99999}, "port", "Input should be less than or equal to 65535"),
        ({"port": -1}, "port", "Input should be greater than or equal to 0"),
        ({"clock": "sometimes"}, "clock", "Input should be 'real', 'manual' or 'poll'"),
        ({"speed": 0}, "speed", "Input should be greater than 0"),
        ({"speed": 20_000}, "speed", "Input should be less than or equal to 10000"),
        ({"retention_seconds": -1}, "retention_seconds", "Input should be greater than or equal to 0"),
        ({"max_calls": 0}, "max_calls", "Input should be greater than or equal to 1"),
        ({"phone_validation": "valid"}, "phone_validation", "Input should be 'possible' or 'strict'"),
        ({"scenarios_dir": "/no/such/dir"}, "scenarios_dir", "Value error, /no/such/dir is not a directory"),
        ({"accounts_file": "/no/such/file.yaml"}, "accounts_file", "Value error, /no/such/file.yaml is not a file"),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
        ({"idle_timeout": 0}, "idle_timeout", "Input should be greater than 0"),
        ({"header_timeout": -1}, "header_timeout", "Input should be greater than 0"),
        ({"body_timeout": 3601}, "body_timeout", "Input should be less than or equal to 3600"),
        ({"max_connections": 0}, "max_connections", "Input should be greater than or equal to 1"),
        ({"max_header_bytes": 1023}, "max_header_bytes", "Input should be greater than or equal to 1024"),
        ({"max_header_bytes": 2**20 + 1}, "max_header_bytes", "Input should be less than or equal to 1048576"),
        (
            {"log_level": "loud"},
            "log_level",
            "Value error, must be one of critical, error, warning, info, debug, trace",
        ),
    ],
)
def test_bad_values_name_the_field(values: dict[str, Any], location: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(**values)
    errors = caught.value.errors()
    assert [(e["loc"], e["msg"]) for e in errors] == [((location,), message)]


def test_a_file_is_not_a_scenarios_dir() -> None:
    with pytest.raises(ValidationError, match="is not a directory"):
        Settings(scenarios_dir=bundled_accounts_file())


def test_settings_are_frozen() -> None:
    with pytest.raises(ValidationError):
        Settings().port = 1  # type: ignore[misc]


def test_the_clock_each_mode_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    real = build_clock(Settings(clock="real", speed=3))
    assert isinstance(real, SystemClock)
    assert real.speed == 3
    for mode in ("manual", "poll"):
        clock = build_clock(Settings(clock=mode, manual_start=datetime(2030, 1, 1, tzinfo=UTC)))
        assert isinstance(clock, ManualClock)
        assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC).timestamp()


def test_the_app_carries_its_settings() -> None:
    settings = Settings(clock="manual", retention_seconds=5, max_calls=9, seed=3, phone_validation="strict")
    emulator = create_app(settings).state.emulator
    config = emulator.config
    assert (config.clock_mode, config.retention_seconds, config.max_calls, config.seed) == (ClockMode.MANUAL, 5, 9, 3)
    assert config.phone_validation is Validation.STRICT
    assert (emulator.calls.max_calls, emulator.calls.retention) == (9, 5)


# The accounts file ------------------------------------------------------------------------


def test_the_bundled_accounts_file() -> None:
    directory = load_accounts_file(bundled_accounts_file())
    ext = directory.default_extension
    assert (ext.account_id, ext.id) == ("400131560008", "400131560009")
    assert directory.account("400131560008").home_country == "US"
    default = ext.default_forwarding_number()
    assert default is not None
    assert (default.id, default.phone_number) == ("400131570001", "+16505550111")
    assert ext.caller_ids == ("+16505550100", "+16505550101")
    assert ext.calling.international is True
    assert directory.extension("400131560010").calling.international is False


def test_caller_ids_and_direct_numbers_are_stored_as_e164() -> None:
    data = _accounts(callerIds=["+1 650 555 0101", "(650) 555-0102"], directNumbers=["+1 650-555-0101"])
    ext = parse_accounts(data, "accounts.yaml").default_extension
    assert ext.caller_ids == ("+16505550101", "+16505550102")
    assert ext.direct_numbers == ("+16505550101",)


def _forwarding(id: str, number: str = "+16505550111", **more: Any) -> dict[str, Any]:
    return {"id": id, "phoneNumber": number, "label": "Mobile", **more}


def _accounts(**extension: Any) -> dict[str, Any]:
    ext = {"id": "2", "extensionNumber": "101", "name": "A", **extension}
    return {"accounts": [{"id": "1", "mainNumber": "+16505550100", "homeCountry": "US", "extensions": [ext]}]}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_accounts(callerIds=["nope"]), "accounts.0.extensions.0.callerIds: Value error, 'nope' is not an E.164"),
        (
            _accounts(forwardingNumbers=[{"id": "3", "phoneNumber": "6505550111", "label": "M"}]),
            "accounts.0.extensions.0.forwardingNumbers.0.phoneNumber: String should match pattern",
        ),
        (_accounts(calling={"international": "sometimes"}), "accounts.0.extensions.0.calling.international: Input"),
        (_accounts(colour="red"), "accounts.0.extensions.0.colour: Extra inputs are not permitted"),
        (_accounts(id="x2"), "accounts.0.extensions.0.id: String should match pattern"),
        ({"accounts": []}, "accounts: List should have at least 1 item"),
        ({}, "accounts: Field required"),
        (_accounts(id="1"), "document: Value error, id '1' is used twice"),
        (
            {"accounts": [{**_accounts()["accounts"][0], "homeCountry": "XX"}]},
            "accounts.0.homeCountry: Value error, 'XX' is not a country with a dialing plan",
        ),
        (
            _accounts(forwardingNumbers=[_forwarding("3"), _forwarding("3", "+16505550112")]),
            "document: Value error, forwarding number id '3' is used twice",
        ),
        (
            _accounts(forwardingNumbers=[_forwarding("3", ringoutDefault=True), _forwarding("4", ringoutDefault=True)]),
            "accounts.0.extensions.0.forwardingNumbers: Value error, at most one forwarding number may be the "
            "ringoutDefault, got 3, 4",
        ),
    ],
)
def test_an_invalid_accounts_file_names_the_field(data: dict[str, Any], expected: str) -> None:
    with pytest.raises(AccountsFileError) as caught:
        parse_accounts(data, "accounts.yaml")
    assert str(caught.value).startswith(f"accounts.yaml: {expected}"), str(caught.value)


def test_an_accounts_file_that_is_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text("accounts: [unclosed\n", encoding="utf-8")
    with pytest.raises(
        AccountsFileError, match=f"^{path}: YAML error at line 2, column 1: while parsing a flow sequence"
    ):
        load_accounts_file(path)


def test_an_accounts_file_nested_too_deep_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text("accounts: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    with pytest.raises(AccountsFileError, match=f"^{path}: YAML error: nested deeper than 16 levels"):
        load_accounts_file(path)


def test_create_app_refuses_a_bad_accounts_file(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text("accounts:\n  - id: '1'\n    mainNumber: '+16505550100'\n    homeCountry: usa\n", encoding="utf-8")
    with pytest.raises(AccountsFileError) as caught:
        create_app(Settings(accounts_file=path))
    message = str(caught.value)
    assert f"{path}: accounts.0.homeCountry: String should match pattern '^[A-Z]{{2}}$'" in message
    assert f"{path}: accounts.0.extensions: Field required" in message


def test_the_connection_limits_default_to_the_settings_defaults() -> None:
    """``EmulatorServer`` (no settings) and the CLI (settings) serve with the same defaults."""
    assert ConnectionLimits() == ConnectionLimits.from_settings(Settings())
    assert ConnectionLimits.from_settings(Settings(idle_timeout=1, max_header_bytes=2048)) == ConnectionLimits(
        idle_timeout=1, max_header_bytes=2048
    )


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"RINGOUT_EMULATOR_PORT": "1", "PATH": "/bin", "RINGOUT_EMULATOR_URL": "x"}, []),
        ({"ringout_emulator_clock": "poll"}, []),  # env var names are case-insensitive
        (
            {"RINGOUT_EMULATOR_MAX_CONECTIONS": "5"},
            [
                "RINGOUT_EMULATOR_MAX_CONECTIONS is not a setting and is ignored; "
                "did you mean RINGOUT_EMULATOR_MAX_CONNECTIONS?"
            ],
        ),
        (
            {"ringout_emulator_header_timout": "5"},
            [
                "ringout_emulator_header_timout is not a setting and is ignored; "
                "did you mean RINGOUT_EMULATOR_HEADER_TIMEOUT?"
            ],
        ),
        (
            {"RINGOUT_EMULATOR_": "x", "RINGOUT_EMULATOR_QQQQ": "y"},
            [
                "RINGOUT_EMULATOR_ is not a setting and is ignored; see --help for the settings",
                "RINGOUT_EMULATOR_QQQQ is not a setting and is ignored; see --help for the settings",
            ],
        ),
    ],
)
def test_unknown_env_vars_are_named_with_the_closest_setting(environ: dict[str, str], expected: list[str]) -> None:
    assert unknown_env_vars(environ) == expected
