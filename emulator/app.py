"""``create_app``: the one place that wires settings, data files, the clock and the routers."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from starlette.routing import BaseRoute, Route

from emulator import __version__
from emulator.accounts_file import load_accounts_file
from emulator.api import (
    contract,
    control,
    control_calls,
    control_clock,
    control_journal,
    control_rules,
    control_scenarios,
    directory,
    oauth,
    ringout,
)
from emulator.api.errors import install_error_handlers
from emulator.api.journal_middleware import JournalMiddleware
from emulator.bundled import bundled_accounts_file, bundled_scenarios_dir
from emulator.core.call import ClockMode
from emulator.core.clock import Clock, ManualClock, SystemClock
from emulator.core.emulator import Emulator, EmulatorConfig
from emulator.scenario_files import load_catalogue
from emulator.settings import AuthMode, Settings


def build_clock(settings: Settings) -> Clock:
    if settings.clock is ClockMode.REAL:
        return SystemClock(settings.speed)
    return ManualClock(settings.manual_start.timestamp())


def build_emulator(settings: Settings, *, clock: Clock | None = None) -> Emulator:
    """Load the data files and make the ``Emulator``; raises on any bad file or setting."""
    scenarios = load_catalogue(bundled_scenarios_dir(), settings.scenarios_dir)
    if settings.default_scenario not in scenarios:
        valid = ", ".join(sorted(scenarios))
        raise ValueError(f"default_scenario: unknown scenario {settings.default_scenario!r}; valid names: {valid}")
    directory = load_accounts_file(settings.accounts_file or bundled_accounts_file())
    config = EmulatorConfig(
        clock_mode=settings.clock,
        default_scenario=settings.default_scenario,
        retention_seconds=settings.retention_seconds,
        max_calls=settings.max_calls,
        phone_validation=settings.phone_validation,
        seed=settings.seed,
        lenient_auth=settings.auth is AuthMode.LENIENT,
        max_sessions=settings.max_sessions,
        journal_size=settings.journal_size,
        speed=settings.speed,
    )
    return Emulator(config, clock or build_clock(settings), directory, scenarios)


def framework_options() -> dict[str, Any]:
    """FastAPI >= 0.16x ships OpenTelemetry hooks that look for providers on every request (and log
    exception messages); the emulator exports no telemetry, so they are off where they exist."""
    if "telemetry" in inspect.signature(FastAPI.__init__).parameters:
        return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
    return {}


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    emulator = build_emulator(settings, clock=clock)
    app = FastAPI(
        title="ringout-emulator",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,  # a trailing slash is an unknown route (404 CMN-102), not FastAPI's 307
        **framework_options(),
    )
    app.state.settings = settings
    app.state.emulator = emulator
    install_error_handlers(app)
    ringout.install(app)
    app.include_router(oauth.router)
    directory.install(app)
    control.router.install(app)
    control.protected.install(app)
    for module in (control_clock, control_rules, control_scenarios, control_calls, control_journal):
        module.router.install(app)  # control_rules first: it owns /scenarios/queue
    app.router.routes.extend(contract.full_path_routes())  # shim until the route table mounts contract.routes
    app.add_middleware(JournalMiddleware, journal=emulator.journal, clock=emulator.clock)
    return app


def served_routes(app: FastAPI) -> dict[tuple[str, str], Route]:
    """(method, full path) -> route for every route the app serves (HEAD and OPTIONS aside), through
    included routers: what the contract test and the fuzzer compare with ``openapi.yaml``."""
    served: dict[tuple[str, str], Route] = {}
    for path, route in _walk(app.routes, ""):
        for method in (route.methods or set()) - {"HEAD", "OPTIONS"}:
            served[(method, path)] = route
    return served


def _walk(routes: list[BaseRoute], prefix: str) -> Iterator[tuple[str, Route]]:
    """FastAPI >= 0.160 keeps included routers as objects holding the original router; older
    versions flatten them."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _walk(included.routes, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
        elif isinstance(route, Route):
            yield prefix + route.path, route
        else:
            raise TypeError(f"a route served_routes cannot read: {route!r}")
