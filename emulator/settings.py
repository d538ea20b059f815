"""One settings object, built by the caller (CLI, pytest plugin, tests). Every field can be set
by a CLI flag (``--field-name``) and by the env var ``RINGOUT_EMULATOR_<FIELD>``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from emulator.core.call import ClockMode
from emulator.core.clock import TIME_RANGE, in_range
from emulator.core.phone import Validation
from emulator.core.rate_limits import RateLimitMode

ENV_PREFIX = "RINGOUT_EMULATOR_"
NOT_SETTINGS = frozenset({"URL"})  # RINGOUT_EMULATOR_URL: the pytest plugin's, not the server's
DEFAULT_MANUAL_START = datetime(2026, 1, 1, tzinfo=UTC)
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")  # uvicorn's names
# Connection limits (emulator.connections enforces them; EmulatorServer takes the same defaults).
IDLE_TIMEOUT = 5.0
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 30.0
MAX_CONNECTIONS = 2_000
MAX_HEADER_BYTES = 32 * 1024
ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+")  # what a browser sends as Origin: scheme://host[:port]


class SettingError(ValueError):
    """A setting that passed its own check but not the data it names (a default scenario no
    scenario file defines): ``field`` says which, so the CLI can name the flag or variable used."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class AuthMode(StrEnum):
    STRICT = "strict"  # every /restapi/v1.0 call needs a valid bearer token
    LENIENT = "lenient"  # any bearer token acts as the default extension (curl exploration)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

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
    max_accounts: int = Field(
        32, ge=0, le=10_000, description="cap on accounts created with POST /__emulator/accounts (0 = none)"
    )
    journal_size: int = Field(1000, ge=0, le=1_000_000, description="request journal entries kept (0 = off)")
    control_token: str | None = Field(
        None, min_length=1, description="when set, /__emulator calls (but health/ready) need this token"
    )
    log_level: str = Field("info", description="uvicorn log level")
    idle_timeout: float = Field(
        IDLE_TIMEOUT, gt=0, le=3600, description="seconds a connection may sit with no request in progress"
    )
    header_timeout: float = Field(
        HEADER_TIMEOUT, gt=0, le=3600, description="seconds from a request's first byte to the end of its head"
    )
    body_timeout: float = Field(
        BODY_TIMEOUT, gt=0, le=3600, description="seconds to receive a whole body once the head is in"
    )
    max_connections: int = Field(
        MAX_CONNECTIONS, ge=1, le=1_000_000, description="open connections; past it new ones get 503 CMN-211"
    )
    max_header_bytes: int = Field(
        MAX_HEADER_BYTES,
        ge=1024,
        le=1024 * 1024,
        description="request line + headers; past it 431 CMN-431 and the connection closes",
    )
    call_log_delay_seconds: float = Field(
        20.0, ge=0, le=86_400, description="how long after a call ends its call-log record appears (0 = at once)"
    )
    max_call_records: int = Field(20_000, ge=1, le=10_000_000, description="cap on call-log records (oldest go first)")
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
    cors_origins: str = Field(
        "",
        max_length=4096,
        description="origins a browser app may call from, comma-separated, or * (empty: no CORS headers)",
    )

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
        """A time without a zone is UTC; it must be one a clock can show (else the server failed
        at start with a message naming neither the setting nor the time given)."""
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        if not in_range(aware.timestamp()):
            raise ValueError(f"must be within {TIME_RANGE}")
        return aware

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in cors_origin_list(value):
            if origin != "*" and not ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin (scheme://host[:port], no path) or *")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        """Checked here: uvicorn would fail on a bad level with a traceback, after startup began."""
        if value.lower() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.lower()

    # --- rate limits (usage-plan groups; README "Rate limits") ---
    rate_limits: RateLimitMode = Field(RateLimitMode.PLATFORM, description="platform | off")
    rate_limit_heavy: int = Field(10, ge=1, le=1_000_000, description="Heavy group: requests per window")
    rate_limit_medium: int = Field(40, ge=1, le=1_000_000, description="Medium group: requests per window")
    rate_limit_light: int = Field(50, ge=1, le=1_000_000, description="Light group: requests per window")
    rate_limit_auth: int = Field(5, ge=1, le=1_000_000, description="Auth group: requests per window")
    rate_limit_window: float = Field(60.0, gt=0, le=86_400, description="rate-limit window, seconds")
    rate_limit_penalty: float = Field(60.0, gt=0, le=86_400, description="rate-limit penalty, seconds")

    # --- WebSocket subscriptions (README "WebSocket subscriptions") ---
    ws_token_ttl: int = Field(600, ge=1, le=86_400, description="ws_access_token lifetime, seconds (reusable)")
    ws_max_connections: int = Field(1000, ge=1, le=100_000, description="cap on open WebSocket connections")
    ws_max_connections_per_extension: int = Field(
        50, ge=1, le=10_000, description="cap on open WebSocket connections per extension"
    )
    ws_recovery_buffer_size: int = Field(
        100, ge=0, le=10_000, description="notifications kept per disconnected WebSocket session"
    )
    ws_recovery_timeout: float = Field(
        180.0, ge=0, le=86_400, description="seconds a disconnected WebSocket session can be recovered"
    )


def env_var(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"


def unknown_env_vars(environ: Mapping[str, str]) -> list[str]:
    """A warning for each ``RINGOUT_EMULATOR_*`` variable that is no setting (pydantic-settings
    ignores them), naming the closest setting's variable when there is one."""
    fields = [field.upper() for field in Settings.model_fields]
    warnings = []
    for name in sorted(environ):
        upper = name.upper()
        suffix = upper.removeprefix(ENV_PREFIX)
        if suffix == upper or suffix in fields or suffix in NOT_SETTINGS:
            continue
        import difflib  # only for a variable that is not a setting: not at every start-up

        close = difflib.get_close_matches(suffix, fields, n=1)
        hint = f"did you mean {ENV_PREFIX}{close[0]}?" if close else "see --help for the settings"
        warnings.append(f"{name} is not a setting and is ignored; {hint}")
    return warnings


def cors_origin_list(value: str) -> list[str]:
    """``cors_origins`` as a list (empty: CORS off)."""
    return [origin.strip() for origin in value.split(",") if origin.strip()]
