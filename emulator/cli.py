"""``ringout-emulator``: serve (the default), or ``check-scenarios PATH`` (a scenario file or a directory).

Every setting is a flag (``--clock manual``) and an env var (``RINGOUT_EMULATOR_CLOCK``); flags
win, and an error names the one the user set. Bad settings or data files exit with status 2 and a
message before any port is bound; an address that cannot be listened on exits 2 before uvicorn
starts. Once serving, one line on stderr (at every log level) says where, with which clock and
auth mode."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pydantic import ValidationError

from emulator import __version__
from emulator.core.errors import EmulatorError
from emulator.settings import SettingError, Settings, env_var, unknown_env_vars

PROG = "ringout-emulator"
GC_YOUNG_THRESHOLD = 20_000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="A local emulator of RingCentral's RingOut API.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    for name, field in Settings.model_fields.items():
        env = env_var(name)
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            dest=name,
            default=None,
            metavar=name.upper(),
            help=f"{field.description} (env {env}; default {field.default})",
        )
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("check-scenarios", help="validate a scenario file, or a directory of them, and exit")
    check.add_argument("path", type=Path, help="a .yaml / .yml scenario file, or a directory of them")
    return parser


def load_settings(args: argparse.Namespace) -> Settings:
    overrides = {name: getattr(args, name) for name in Settings.model_fields if getattr(args, name, None) is not None}
    return Settings(**overrides)


def setting_source(field: str, args: argparse.Namespace, environ: Mapping[str, str]) -> str:
    """What the user set a field with: its flag (flags win) or its env var, spelled as set. Every
    default is valid, so a field that fails was set one way or the other."""
    if getattr(args, field, None) is not None:
        return f"--{field.replace('_', '-')}"
    wanted = env_var(field)
    return next((name for name in environ if name.upper() == wanted), wanted)


def settings_problems(exc: ValidationError, args: argparse.Namespace, environ: Mapping[str, str]) -> str:
    lines = [f"  {setting_source(str(err['loc'][0]), args, environ)}: {err['msg']}" for err in exc.errors()]
    return "invalid settings:\n" + "\n".join(lines)


def _say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    _say(message)
    return 2


def check_scenarios(path: Path) -> int:
    """Exit 0 naming every scenario that passed, or 2 listing every problem (none found is one)."""
    from emulator.scenario_files import ScenarioFileError, load_scenario_path

    try:
        found = load_scenario_path(path)
        if not found:
            raise ScenarioFileError([f"{path}: no scenario found (no *.yaml or *.yml file)"])
    except ScenarioFileError as exc:
        return _fail(f"{len(exc.problems)} problem(s) in {path}:\n" + "\n".join(f"  {p}" for p in exc.problems))
    print(f"{path}: {len(found)} scenario(s) OK: {', '.join(sorted(found))}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The GC is off until ``serve`` has built the app (see emulator/__main__.py; this covers the
    ``ringout-emulator`` script too) and on again however main ends."""
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "check-scenarios":
        return check_scenarios(args.path)
    for warning in unknown_env_vars(os.environ):
        _say(f"warning: {warning}")
    try:
        settings = load_settings(args)
    except ValidationError as exc:
        return _fail(settings_problems(exc, args, os.environ))
    return serve(settings, lambda field: setting_source(field, args, os.environ))


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve(settings: Settings, source: Callable[[str], str] = str) -> int:
    """Build the app, bind the socket, and serve until SIGTERM or SIGINT: uvicorn finishes the
    requests in flight (at most 1 s) and the process exits 0. The app and uvicorn are imported only here."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _exit_cleanly)  # before uvicorn's handlers, and what it re-raises into
    from emulator.app import create_app

    try:
        app = create_app(settings)
    except SettingError as exc:  # named as the user set it (``source``: its flag or env var)
        return _fail(f"cannot start: {source(exc.field)}: {exc.message}")
    except (ValueError, EmulatorError) as exc:
        return _fail(f"cannot start: {exc}")
    from emulator.connections import ConnectionLimits, raise_open_file_limit
    from emulator.server import ListenError, listen, make_server, url_of

    try:
        sock = listen(settings.host, settings.port)
    except ListenError as exc:
        return _fail(str(exc))
    if notice := raise_open_file_limit(settings.max_connections):
        _say(notice)
    started = f"{PROG} {__version__} listening on {url_of(sock)} (clock {settings.clock}, auth {settings.auth})"
    server = make_server(
        app,
        ConnectionLimits.from_settings(settings),
        log_level=settings.log_level,
        on_started=lambda: print(started, file=sys.stderr, flush=True),  # at every log level
    )
    gc.freeze()  # the objects built at start-up live forever: keep them out of every GC pass
    gc.enable()  # off while starting (see ``main``)
    # Young collections every 20,000 allocations, not 700: each request allocates a few hundred
    # short-lived objects, and at 700 the collector ran several times per request burst (measured:
    # ~6% more POSTs/s and a lower p99 under wrk).
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    server.run(sockets=[sock])
    return 0
