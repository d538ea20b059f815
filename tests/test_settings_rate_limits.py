"""The rate-limit settings: defaults, env vars, CLI flags, bounds, and the table they build."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from emulator.app import rate_limit_config
from emulator.cli import _parser, load_settings
from emulator.core.rate_limits import Group, RateLimitMode
from emulator.settings import Settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import os

    for name in list(os.environ):
        if name.startswith("RINGOUT_EMULATOR_"):
            monkeypatch.delenv(name)
    yield


def test_the_platforms_defaults() -> None:
    config = rate_limit_config(Settings())
    assert config.mode is RateLimitMode.PLATFORM
    assert dict(config.limits) == {Group.HEAVY: 10, Group.MEDIUM: 40, Group.LIGHT: 50, Group.AUTH: 5}
    assert (config.window, config.penalty) == (60.0, 60.0)


def test_env_vars_and_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RINGOUT_EMULATOR_RATE_LIMITS", "off")
    monkeypatch.setenv("RINGOUT_EMULATOR_RATE_LIMIT_HEAVY", "20")
    monkeypatch.setenv("RINGOUT_EMULATOR_RATE_LIMIT_PENALTY", "1.5")
    config = rate_limit_config(Settings())
    assert (config.mode, config.limits[Group.HEAVY], config.penalty) == (RateLimitMode.OFF, 20, 1.5)
    args = _parser().parse_args(["--rate-limits", "platform", "--rate-limit-light", "7", "--rate-limit-window", "10"])
    config = rate_limit_config(load_settings(args))
    assert (config.mode, config.limits[Group.LIGHT], config.window) == (RateLimitMode.PLATFORM, 7, 10.0)


@pytest.mark.parametrize(
    "values",
    [{"rate_limits": "on"}, {"rate_limit_auth": 0}, {"rate_limit_window": 0}, {"rate_limit_penalty": -1}],
)
def test_bad_values_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(**values)  # type: ignore[arg-type]
    assert raised.value.errors()[0]["loc"] == (next(iter(values)),)
