"""``create_app``: the one place that wires settings, data files, the clock and the routes.

The route table is assembled here from the lists the ``api`` modules export, in order; the
control plane is one ``Mount`` at ``/__emulator`` with its token check bound now."""

from __future__ import annotations

import inspect
from dataclasses import fields, replace
from typing import Any
from weakref import WeakKeyDictionary

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from emulator import __version__
from emulator.accounts_file import load_accounts_file
from emulator.api import (
    account,
    call_log,
    contract,
    control,
    control_accounts,
    control_call_log,
    control_calls,
    control_clock,
    control_deliveries,
    control_faults,
    control_journal,
    control_rate_limits,
    control_report,
    control_rules,
    control_scenarios,
    dashboard,
    directory,
    events,
    oauth,
    ringout,
    scheduler,
    subscriptions,
    telephony_sessions,
    websocket,
)
from emulator.api.cors import CorsLayer
from emulator.api.delivery import DeliveryEngine
from emulator.api.errors import install_error_handlers
from emulator.api.faults import Delays, FaultLayer
from emulator.api.journal import Journal
from emulator.api.journal_middleware import JournalMiddleware
from emulator.api.rendered_records import RenderedRecords
from emulator.api.routing import allowed_methods, control_mount, served_routes
from emulator.api.webhooks import TRANSPORT, WebhookSink
from emulator.api.ws_gateway import Gateway
from emulator.bundled import bundled_accounts_file, bundled_scenarios_dir
from emulator.core.call import ClockMode
from emulator.core.clock import Clock, ManualClock, SystemClock
from emulator.core.directory import Directory
from emulator.core.emulator import Emulator, EmulatorConfig
from emulator.core.namespaces import Namespaces
from emulator.core.oauth import GRANTS
from emulator.core.rate_limits import Group, RateLimitConfig
from emulator.core.subscribing import WEBSOCKET
from emulator.scenario_files import load_catalogue
from emulator.settings import AuthMode, SettingError, Settings, cors_origin_list


def build_clock(settings: Settings) -> Clock:
    if settings.clock is ClockMode.REAL:
        return SystemClock(settings.speed)
    return ManualClock(settings.manual_start.timestamp())


def emulator_config(settings: Settings) -> EmulatorConfig:
    """``EmulatorConfig`` from ``Settings``: same names, except the two the domain words its own way."""
    renamed: dict[str, Any] = {
        "clock_mode": settings.clock,
        "lenient_auth": settings.auth is AuthMode.LENIENT,
        "rate_limits": rate_limit_config(settings),
    }
    same: dict[str, Any] = {f.name: getattr(settings, f.name) for f in fields(EmulatorConfig) if f.name not in renamed}
    return EmulatorConfig(**same, **renamed)


def rate_limit_config(settings: Settings) -> RateLimitConfig:
    limits = {group: getattr(settings, f"rate_limit_{group.value.lower()}") for group in Group}
    return RateLimitConfig(settings.rate_limits, limits, settings.rate_limit_window, settings.rate_limit_penalty)


def build_emulator(settings: Settings, *, clock: Clock | None = None) -> Emulator:
    """Load the data files and make the ``Emulator``; raises on any bad file or setting."""
    return build_namespaces(settings, clock=clock).global_


def build_namespaces(settings: Settings, *, clock: Clock | None = None) -> Namespaces:
    """The global ``Emulator`` (the data files) and room for the accounts created on demand, whose
    default template is the bundled file's first account and an app with every permission and grant."""
    scenarios = load_catalogue(bundled_scenarios_dir(), settings.scenarios_dir)
    if settings.default_scenario not in scenarios:
        valid = ", ".join(sorted(scenarios))
        raise SettingError("default_scenario", f"unknown scenario {settings.default_scenario!r}; valid names: {valid}")
    directory = load_accounts_file(settings.accounts_file or bundled_accounts_file())
    emulator = Emulator(emulator_config(settings), clock or build_clock(settings), directory, scenarios)
    return Namespaces(emulator, scenarios, default_template(), settings.max_accounts)


def default_template() -> Directory:
    """The bundled default account, and one app holding every permission and grant of the bundled apps."""
    bundled = load_accounts_file(bundled_accounts_file())
    first = bundled.apps[0]
    permissions = tuple(dict.fromkeys(p for app in bundled.apps for p in app.permissions))
    app = replace(first, name="Emulator App (created account)", permissions=permissions, grants=GRANTS)
    return Directory(bundled.accounts[:1], (app,))


def route_table(settings: Settings) -> list[BaseRoute]:
    """Every route the app serves, in matching order (the hot RingOut routes first)."""
    control_routes = [
        *control.routes,
        *control_accounts.routes,
        *control_clock.routes,
        *control_rules.routes,  # before control_scenarios: it owns /scenarios/queue
        *control_scenarios.routes,
        *control_calls.routes,
        *control_journal.routes,
        *control_rate_limits.routes,
        *control_report.routes,
        *control_call_log.routes,
        *control_deliveries.routes,
        *control_faults.routes,
        *contract.routes,
        *dashboard.routes,
        *events.routes,
    ]
    return [
        *ringout.routes,
        *call_log.routes,  # apps poll their call log too
        *ringout.legacy_routes,
        *directory.routes,
        *account.routes,
        *subscriptions.routes,
        *telephony_sessions.routes,
        *oauth.routes,
        *websocket.routes,  # POST /restapi/oauth/wstoken
        *websocket.websocket_routes,  # the socket itself (/ws)
        control_mount(control_routes, settings.control_token),
        *contract.root_routes,
    ]


def framework_options() -> dict[str, Any]:
    """FastAPI >= 0.16x ships OpenTelemetry hooks that look for providers on every request (and log
    exception messages); the emulator exports no telemetry, so they are off where they exist."""
    if "telemetry" in inspect.signature(FastAPI.__init__).parameters:
        return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
    return {}


class EmulatorApp(FastAPI):
    """The FastAPI app, with Starlette's own middleware stack (errors outermost, the emulator's
    middleware, the exception handlers; no body-size middleware: the input pipeline bounds bodies).
    FastAPI's additions to it serve what the emulator does not use, on every request's path: an
    ``AsyncExitStack`` for FastAPI dependencies and uploads (every route here is a Starlette
    ``Route``), its telemetry (off, see ``framework_options``) and its app-wide body limit."""

    # What every request (or every RingOut request) reads is a plain attribute: ``app.state`` is a
    # lookup through ``State.__getattr__`` per read. The rest of the app-wide objects are in ``app.state``.
    namespaces: Namespaces  # the account namespaces
    deliveries: DeliveryEngine  # webhook and WebSocket deliveries (``deliver_due`` after RingOut requests)

    def build_middleware_stack(self) -> ASGIApp:
        return Starlette.build_middleware_stack(self)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> EmulatorApp:
    settings = settings or Settings()
    namespaces = build_namespaces(settings, clock=clock)
    emulator = namespaces.global_
    journal = Journal(settings.journal_size)
    routes = route_table(settings)
    app = EmulatorApp(
        title="ringout-emulator",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,  # a trailing slash is an unknown route (404 CMN-102), not a 307
        routes=routes,
        lifespan=scheduler.lifespan,
        **framework_options(),
    )
    app.state.settings = settings
    app.state.emulator = emulator  # the global namespace
    app.namespaces = namespaces
    app.state.journal = journal
    app.state.rendered_records = RenderedRecords()  # the global namespace's
    app.state.account_records = WeakKeyDictionary()  # each created account's (api/call_log.rendered_of)
    app.state.webhooks = WebhookSink(settings)  # the webhook transport (``mount``: in-process delivery)
    app.state.ws_gateway = Gateway(settings)  # WebSocket sessions, tokens and their sink
    sinks = {TRANSPORT: app.state.webhooks, WEBSOCKET: app.state.ws_gateway}
    app.deliveries = DeliveryEngine(settings, sinks)
    app.state.events = events.EventHub()
    install_error_handlers(app, lambda scope: allowed_methods(routes, scope))
    app.state.fault_delays = delays = Delays()  # ended when the server shuts down (emulator.server)
    app.add_middleware(FaultLayer, namespaces=namespaces, routes=routes, delays=delays)  # inside the journal
    app.add_middleware(JournalMiddleware, journal=journal, clock=emulator.clock, request_id=emulator.ids.request_id)
    if origins := cors_origin_list(settings.cors_origins):  # outermost: preflights are neither journaled nor counted
        app.add_middleware(CorsLayer, origins=origins)
    return app


def app_routes(app: FastAPI) -> dict[tuple[str, str], Route]:
    """(method, full path) -> route for every route ``app`` serves."""
    return served_routes(app.router.routes)
