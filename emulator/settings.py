"""One settings object, built by the caller (CLI, pytest plugin, tests). Every field can be set
by a CLI flag (``--field-name``) and by the env var ``RINGOUT_EMULATOR_<FIELD>``."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from emulator.core.call import ClockMode
from emulator.core.phone import Validation

DEFAULT_MANUAL_START = datetime(2026, 1, 1, tzinfo=UTC)
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")  # uvicorn's names


class AuthMode(StrEnum):
    STRICT = "strict"  # every /restapi/v1.0 call needs a valid bearer token
    LENIENT = "lenient"  # any bearer token acts as the default extension (curl exploration)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RINGOUT_EMULATOR_", extra="forbid", frozen=True)

    host: str = Field("127.0.0.1", description="address to listen on")
    port: int = Field(8080, ge=0, le=65535, description="port to listen on (0 = any free port)")
    clock: ClockMode = Field(ClockMode.REAL, description="real | manual | poll")
    speed: float = Field(1.0, gt=0, le=10_000, description="real clock: how many times faster than the wall")
    manual_start: datetime = Field(DEFAULT_MANUAL_START, description="manual clock: the time it starts at")
    default_scenario: str = Field("success", description="scenario for calls nothing else chose")
    scenarios_dir: Path | None = Field(None, description="directory of *.yaml scenarios added to the bundled ones")
    accounts_file: Path | None = Field(None, description="accounts file replacing the bundled one")
    seed: int | None = Field(None, description="makes ids and tokens reproducible")
    retention_seconds: float = Field(60.0, ge=0, description="how long an ended call stays readable")
    max_calls: int = Field(10_000, ge=1, le=10_000_000, description="cap on stored calls")
    phone_validation: Validation = Field(Validation.POSSIBLE, description="possible | strict")
    auth: AuthMode = Field(AuthMode.STRICT, description="strict | lenient (any bearer token = default extension)")
    max_sessions: int = Field(10_000, ge=1, le=10_000_000, description="cap on live OAuth sessions")
    journal_size: int = Field(1000, ge=0, le=1_000_000, description="request journal entries kept (0 = off)")
    control_token: str | None = Field(
        None, min_length=1, description="when set, /__emulator calls (but health/ready) need this token"
    )
    log_level: str = Field("info", description="uvicorn log level")
    # --- subscriptions and webhooks (issue 11) ---
    max_subscriptions: int = Field(1000, ge=1, le=1_000_000, description="cap on stored subscriptions (all accounts)")
    blacklist_after_seconds: float = Field(
        600.0, ge=0, le=86_400 * 365, description="emulator seconds of failing deliveries before Blacklisted"
    )
    webhook_timeout: float = Field(3.0, gt=0, le=60, description="seconds a webhook delivery may take")
    handshake_timeout: float = Field(3.0, gt=0, le=60, description="seconds the Validation-Token handshake may take")
    webhook_concurrency: int = Field(4, ge=1, le=1000, description="webhook deliveries in flight at once")
    require_https: bool = Field(False, description="refuse http:// webhook addresses (400 SUB-523)")
    delivery_log_size: int = Field(1000, ge=0, le=1_000_000, description="delivery attempts kept in the log (0 = off)")
    webhook_shuffle: bool = Field(False, description="deliver each call's events out of order (seeded by --seed)")
    webhook_duplicate_rate: float = Field(
        0.0, ge=0, le=1, description="share of webhook deliveries sent twice (seeded by --seed)"
    )
    webhook_delay_seconds: float = Field(0.0, ge=0, le=10, description="wall seconds each webhook delivery waits first")

    @field_validator("scenarios_dir")
    @classmethod
    def _is_dir(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a directory")
        return value

    @field_validator("accounts_file")
    @classmethod
    def _is_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a file")
        return value

    @field_validator("manual_start")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        """Checked here: uvicorn would fail on a bad level with a traceback, after startup began."""
        if value.lower() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.lower()
