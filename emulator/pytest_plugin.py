"""The pytest plugin (entry point ``pytest11``): ``ringout_*`` fixtures and the ``ringout`` marker.

Cheap when unused: this module imports only the standard library and pytest; the app, FastAPI,
uvicorn and httpx are imported the first time a fixture needs them.

- ``ringout_settings`` (session): the emulator's settings as a dict; override it in a conftest.
- ``ringout`` (function): resets the emulator, applies the test's ``@pytest.mark.ringout(...)``,
  and offers helpers (queue a scenario, advance the clock, a call's timeline, the journal).
- ``ringout_client`` (function): an httpx client on the emulator (in-process, or the external URL).
- ``ringout_url`` (function): the URL of a real server (uvicorn in a thread, port 0, started once
  per session), for SDKs that need one.

- ``ringout_webhook`` (function): a recording webhook receiver (in-process, or on 127.0.0.1 port 0
  with ``--ringout-url``) and helpers: subscribe to it, read a call's events, advance the manual
  clock until a call's session has ended.
- ``Ringout.deliver_to(prefix, app)``: webhooks to addresses starting with ``prefix`` go to your
  ASGI (or WSGI) app in-process, handshake included: no server, no port, no tunnel.

``--ringout-url URL`` (or ``RINGOUT_EMULATOR_URL``) points every fixture at an emulator that is
already running (e.g. the container) instead; the control token, if it has one, comes from
``RINGOUT_EMULATOR_CONTROL_TOKEN``.

Rate limits are on (``platform``) by default, as on RingCentral: a test that would be throttled
in production is throttled here (each test starts with fresh buckets). Turn them off or lower
them in ``ringout_settings`` (``{"rate_limits": "off"}``, ``{"rate_limit_light": 10}``).

``--ringout-readiness`` judges the whole session with ``GET /__emulator/report`` and fails it
unless the verdict is "ready" (the report is printed in the summary; under xdist one per worker).
The journal then spans the session: each test still starts with fresh calls, tokens, clock and
buckets, and ``requests()`` / ``count()`` see only the test's own requests.

- ``ringout_autoclock`` (function): the app's ``time.sleep`` / ``asyncio.sleep`` move the manual
  clock and return at once (``emulator.plugin.autoclock``).

Under pytest-xdist against a shared server each worker gets its own account
(``emulator.plugin.accounts``, ``--ringout-account``); ``ringout.client_id`` / ``client_secret`` /
``jwt`` are the credentials to log in with, in either case."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from emulator.core.scopes import RESET_SCOPES
from emulator.plugin import accounts, readiness
from emulator.plugin.autoclock import Autoclock, autoclock
from emulator.plugin.control import ACCOUNT_HEADER, CONTROL, Ringout, RingoutError
from emulator.plugin.webhook import RingoutWebhook

if TYPE_CHECKING:
    import httpx

    from emulator.server import EmulatorServer

URL_ENV = "RINGOUT_EMULATOR_URL"
TOKEN_ENV = "RINGOUT_EMULATOR_CONTROL_TOKEN"
MARKER_ARGS = ("scenario", "clock", "seed", "faults")
READINESS = readiness.OPTION
ACCOUNT_KEY = pytest.StashKey[dict[str, Any] | None]()
IN_PROCESS_RECEIVER = "http://ringout-webhook.test"
__all__ = ["Autoclock", "Ringout", "RingoutError", "RingoutWebhook"]  # importable from here, as they always were


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ringout", "ringout-emulator")
    group.addoption(
        "--ringout-url",
        default=None,
        help=f"use the RingOut emulator already running at this URL (env {URL_ENV})",
    )
    group.addoption(
        READINESS,
        action="store_true",
        default=False,
        help="fail the session unless the emulator's production-readiness report says 'ready' "
        "(no 429, under 5%% 4xx, at least 5 successful calls per endpoint used)",
    )
    group.addoption(
        accounts.OPTION,
        choices=accounts.MODES,
        default="auto",
        help="when the session creates its own account on the emulator: auto (each pytest-xdist worker "
        "against --ringout-url), new (every session) or global (never: the global namespace)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ringout(scenario=None, clock=None, seed=None, faults=None): the RingOut emulator's default scenario, "
        "clock mode (real|manual|poll), id seed and fault rules (a list of rule bodies) for this test",
    )


def external_url(config: pytest.Config) -> str | None:
    url = config.getoption("--ringout-url") or os.environ.get(URL_ENV)
    return url.rstrip("/") if url else None


@pytest.fixture(scope="session")
def ringout_settings() -> dict[str, Any]:
    """Settings for the in-process emulator (fields of ``emulator.settings.Settings``).
    Override this fixture in your conftest to change them; ignored with ``--ringout-url``."""
    return {"clock": "manual"}


@pytest.fixture(scope="session")
def _ringout_app(request: pytest.FixtureRequest, ringout_settings: dict[str, Any]) -> Any:
    if external_url(request.config):
        return None
    from emulator.app import create_app
    from emulator.settings import Settings

    return create_app(Settings(**ringout_settings))


@pytest.fixture(scope="session")
def _ringout_http(request: pytest.FixtureRequest, _ringout_app: Any) -> Iterator[httpx.Client]:
    """One HTTP client for the session: in-process (the app) or on the external URL; it names the
    session's own account, when it has one, on every request."""
    config = request.config
    url = external_url(config)
    token = os.environ.get(TOKEN_ENV) if url else _ringout_app.state.settings.control_token
    headers = {"X-Emulator-Control-Token": token} if token else {}
    if url:
        import httpx

        client: httpx.Client = httpx.Client(base_url=url, headers=headers)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # starlette's note about its httpx-based test client
            from fastapi.testclient import TestClient
        client = TestClient(_ringout_app, headers=headers, raise_server_exceptions=False)
    with client:
        account = None
        if accounts.wants_account(config, url is not None):
            account = accounts.create_account(client, f"pytest {accounts.worker_id(config) or 'session'}")
            client.headers[ACCOUNT_HEADER] = account["id"]
        config.stash[ACCOUNT_KEY] = account
        try:
            if config.getoption(READINESS):
                client.post(f"{CONTROL}/reset", json={"scopes": ["journal"]}).raise_for_status()
            yield client
            if config.getoption(READINESS):
                readiness.judge(config, Ringout(client, url, account))
        finally:
            if account is not None:
                del client.headers[ACCOUNT_HEADER]
                accounts.delete_account(client, account["id"])


def pytest_sessionfinish(session: pytest.Session) -> None:
    if readiness.failed(session.config) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    readiness.summarize(terminalreporter, config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist's controller: a worker ended; keep its readiness report."""
    readiness.gather(node.config, node)


@pytest.fixture
def ringout(request: pytest.FixtureRequest, _ringout_http: httpx.Client) -> Ringout:
    """A reset emulator with the test's marker applied, and helpers to steer and inspect it."""
    emulator = Ringout(_ringout_http, external_url(request.config), request.config.stash[ACCOUNT_KEY])
    if request.config.getoption(READINESS):
        emulator.reset(*RESET_SCOPES)  # the domain's: not the journal
        latest = emulator.control("GET", "/requests", params={"limit": 1})["records"]
        emulator.since = latest[0]["seq"] if latest else 0
    else:
        emulator.reset()
    marker = request.node.get_closest_marker("ringout")
    if marker is not None:
        _apply_marker(emulator, marker)
    return emulator


def _apply_marker(emulator: Ringout, marker: pytest.Mark) -> None:
    unknown = set(marker.kwargs) - set(MARKER_ARGS)
    if marker.args or unknown:
        raise pytest.UsageError(f"@pytest.mark.ringout takes keyword arguments {MARKER_ARGS}, got {marker}")
    if "seed" in marker.kwargs:
        emulator.seed(marker.kwargs["seed"])
    if marker.kwargs.get("clock"):
        emulator.set_clock(mode=marker.kwargs["clock"])
    if marker.kwargs.get("scenario"):
        emulator.set_default_scenario(marker.kwargs["scenario"])
    for rule in marker.kwargs.get("faults") or ():
        emulator.fault(**rule)


@pytest.fixture
def ringout_client(ringout: Ringout, _ringout_http: httpx.Client) -> httpx.Client:
    """An httpx client on the (reset) emulator: ``ringout_client.post("/restapi/...")``."""
    return _ringout_http


@pytest.fixture(scope="session")
def _ringout_server(request: pytest.FixtureRequest, _ringout_app: Any) -> Iterator[EmulatorServer | None]:
    if _ringout_app is None:
        yield None
        return
    from emulator.connections import ConnectionLimits
    from emulator.server import EmulatorServer

    limits = ConnectionLimits.from_settings(_ringout_app.state.settings)
    with EmulatorServer(_ringout_app, limits=limits) as server:
        yield server


@pytest.fixture
def ringout_url(ringout: Ringout, _ringout_server: EmulatorServer | None) -> str:
    """The base URL of a real emulator server (started once per session), for SDKs."""
    return ringout.url or (_ringout_server.url if _ringout_server else "")


@pytest.fixture(scope="session")
def _ringout_receiver_address(request: pytest.FixtureRequest, _ringout_http: httpx.Client) -> Iterator[tuple[Any, str]]:
    """The session's receiver: mounted in-process, or served on 127.0.0.1 port 0 for an
    external emulator (which must be able to reach this machine's loopback)."""
    from emulator.receiver import WebhookReceiver, as_app

    receiver = WebhookReceiver()
    if external_url(request.config) is None:
        import httpx

        _ringout_http.app.state.webhooks.mount(IN_PROCESS_RECEIVER, httpx.ASGITransport(app=receiver))  # type: ignore[attr-defined]
        yield receiver, f"{IN_PROCESS_RECEIVER}/webhook"
        return
    from emulator.server import EmulatorServer

    with EmulatorServer(as_app(receiver)) as server:
        yield receiver, f"{server.url}/webhook"


@pytest.fixture
def ringout_webhook(ringout: Ringout, _ringout_receiver_address: tuple[Any, str]) -> RingoutWebhook:
    """A recording webhook receiver (emptied for each test): ``ringout_webhook.subscribe(client)``,
    then ``ringout_webhook.until_disconnected(call_id)``."""
    receiver, address = _ringout_receiver_address
    receiver.clear()
    return RingoutWebhook(ringout, receiver, address)


@pytest.fixture
def ringout_autoclock(ringout: Ringout) -> Iterator[Autoclock]:
    """The app's ``time.sleep`` / ``asyncio.sleep`` move the emulator's manual clock and return at
    once; its ``time.time()`` reads the emulator's time (time-machine); the emulator follows the
    test's own time-machine or freezegun moves. See ``emulator.plugin.autoclock``."""
    with autoclock(ringout) as clocked:
        yield clocked
