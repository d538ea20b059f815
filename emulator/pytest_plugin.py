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
unless the verdict is "ready" (the report is printed in the summary). The journal then spans the
session: each test still starts with fresh calls, tokens, clock and buckets, and ``requests()`` /
``count()`` see only the test's own requests."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from emulator.core.scopes import RESET_SCOPES

if TYPE_CHECKING:
    import httpx

    from emulator.server import EmulatorServer

URL_ENV = "RINGOUT_EMULATOR_URL"
TOKEN_ENV = "RINGOUT_EMULATOR_CONTROL_TOKEN"
MARKER_ARGS = ("scenario", "clock", "seed", "faults")
CONTROL = "/__emulator"
READINESS = "--ringout-readiness"
REPORT_KEY = pytest.StashKey[dict[str, Any]]()
IN_PROCESS_RECEIVER = "http://ringout-webhook.test"


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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ringout(scenario=None, clock=None, seed=None, faults=None): the RingOut emulator's default scenario, "
        "clock mode (real|manual|poll), id seed and fault rules (a list of rule bodies) for this test",
    )


def external_url(config: pytest.Config) -> str | None:
    url = config.getoption("--ringout-url") or os.environ.get(URL_ENV)
    return url.rstrip("/") if url else None


class RingoutError(AssertionError):
    """A control-plane request failed (the message carries the emulator's error body)."""


class Ringout:
    """The emulator as a test sees it: each method is one control-plane call."""

    def __init__(self, client: httpx.Client, url: str | None) -> None:
        self.client = client
        self.url = url  # the external emulator's URL, or None in-process
        self.since: int | None = None  # readiness mode: the journal's last seq before this test

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.request(method, f"{CONTROL}{path}", **kwargs)
        if response.status_code >= 400:
            raise RingoutError(f"{method} {CONTROL}{path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def reset(self, *scopes: str) -> None:
        self.control("POST", "/reset", json={"scopes": list(scopes)} if scopes else None)

    def seed(self, seed: int | None) -> None:
        self.control("POST", "/seed", json={"seed": seed})

    def clock(self) -> dict[str, Any]:
        result: dict[str, Any] = self.control("GET", "/clock")
        return result

    def set_clock(self, mode: str | None = None, now: str | None = None) -> dict[str, Any]:
        body = {k: v for k, v in (("mode", mode), ("now", now)) if v is not None}
        result: dict[str, Any] = self.control("PUT", "/clock", json=body)
        return result

    def advance(self, seconds: float) -> None:
        """Move the manual clock on (pass it where your app would sleep: no real waiting)."""
        self.control("POST", "/clock/advance", json={"seconds": seconds})

    def set_default_scenario(self, name: str) -> None:
        self.control("PUT", "/default-scenario", json={"scenario": name})

    def queue(self, scenario: str, *, to: str | None = None, from_: str | None = None) -> dict[str, Any]:
        """The next call (to ``to`` / from ``from_`` if given) plays ``scenario``."""
        body = {k: v for k, v in (("scenario", scenario), ("to", to), ("from", from_)) if v is not None}
        result: dict[str, Any] = self.control("POST", "/scenarios/queue", json=body)
        return result

    def rule(self, scenario: str, *, times: int | None = None, **match: str) -> dict[str, Any]:
        """Calls matching ``to`` / ``from_`` / ``toPrefix`` / ``fromPrefix`` play ``scenario``."""
        body: dict[str, Any] = {"scenario": scenario, **{k.rstrip("_"): v for k, v in match.items()}}
        if times is not None:
            body["times"] = times
        result: dict[str, Any] = self.control("POST", "/rules", json=body)
        return result

    def upload_scenario(self, name: str, scenario: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self.control("PUT", f"/scenarios/{name}", json=scenario)
        return result

    def calls(self, **filters: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.control("GET", "/calls", params=filters)["records"]
        return result

    def call(self, call_id: str) -> dict[str, Any]:
        """The call as the control plane sees it, with its ``timeline`` (never counts as a poll)."""
        result: dict[str, Any] = self.control("GET", f"/calls/{call_id}")
        return result

    def timeline(self, call_id: str) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.call(call_id)["timeline"]
        return result

    def force(self, call_id: str, leg: str, action: str) -> dict[str, Any]:
        """Force ``leg`` (caller|callee) to ``action`` (answer|busy|no_answer|reject|hang_up) now."""
        result: dict[str, Any] = self.control("POST", f"/calls/{call_id}/legs/{leg}", json={"action": action})
        return result

    def deliver_to(self, prefix: str, app: Any, *, wsgi: bool = False) -> None:
        """Deliver webhooks for addresses starting with ``prefix`` (``http://myapp.test``) to
        ``app`` in-process: an ASGI app (FastAPI, Starlette, Django's ASGI handler), or a WSGI
        one (Flask, Django) with ``wsgi=True``. In-process emulators only."""
        if self.url is not None:
            raise RingoutError("deliver_to needs the in-process emulator (not --ringout-url)")
        import httpx

        transport = _async_wsgi_transport(app) if wsgi else httpx.ASGITransport(app=app)
        self.client.app.state.webhooks.mount(prefix, transport)  # type: ignore[attr-defined]

    def deliveries(self, **filters: Any) -> list[dict[str, Any]]:
        """The delivery log: every handshake and notification attempt (``subscriptionId``, ``limit``)."""
        result: list[dict[str, Any]] = self.control("GET", "/deliveries", params=_params(filters))["records"]
        return result

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """Journal entries; filters: method, path, pathPrefix, status, callId, scenario, to, from_, limit."""
        if self.since is None:
            result: list[dict[str, Any]] = self.control("GET", "/requests", params=_params(filters))["records"]
            return result
        limit = filters.pop("limit", None)
        own = [e for e in self.control("GET", "/requests", params=_params(filters))["records"] if e["seq"] > self.since]
        return own if limit is None else own[-limit:] if limit else []

    def count(self, **filters: Any) -> int:
        if self.since is not None:
            return len(self.requests(**filters))
        result: int = self.control("GET", "/requests/count", params=_params(filters))["count"]
        return result

    def report(self, markdown: bool = False) -> Any:
        """The production-readiness report (``GET /__emulator/report``), as JSON or Markdown text."""
        if not markdown:
            return self.control("GET", "/report")
        response = self.client.get(f"{CONTROL}/report", params={"format": "markdown"})
        if response.status_code >= 400:
            raise RingoutError(f"GET {CONTROL}/report: {response.status_code} {response.text}")
        return response.text

    def assert_requests(self, expected: int, **filters: Any) -> list[dict[str, Any]]:
        """Assert the journal holds exactly ``expected`` matching requests; returns them."""
        found = self.requests(**filters)
        if len(found) != expected:
            lines = "\n".join(f"  {e['method']} {e['path']} -> {e['status']}" for e in found)
            raise AssertionError(f"expected {expected} request(s) matching {filters}, found {len(found)}:\n{lines}")
        return found

    def fault(self, effect: str, **rule: Any) -> dict[str, Any]:
        """Add a fault rule (the body's fields, e.g. ``status=503, operation="createRingOutCall",
        times=1``; see the README's "Fault injection"); the rule as the emulator lists it."""
        result: dict[str, Any] = self.control("POST", "/faults", json={"effect": effect, **rule})
        return result

    def faults(self) -> list[dict[str, Any]]:
        """Every fault rule, with its ``hits``."""
        records: list[dict[str, Any]] = self.control("GET", "/faults")["records"]
        return records

    def set_call_log_delay(self, seconds: float) -> dict[str, Any]:
        """How long after a call ends its call-log record appears (0: at once; reset restores it)."""
        result: dict[str, Any] = self.control("PUT", "/call-log/settings", json={"delaySeconds": seconds})
        return result


class RingoutWebhook:
    """A recording receiver the emulator delivers to, and what a test reads from it."""

    FILTER = "/restapi/v1.0/account/~/extension/~/telephony/sessions"

    def __init__(self, ringout: Ringout, receiver: Any, address: str) -> None:
        self.ringout = ringout
        self.receiver = receiver
        self.address = address

    def subscribe(self, client: httpx.Client, *filters: str, **delivery: Any) -> dict[str, Any]:
        """Create a webhook subscription to this receiver (telephony sessions unless told)."""
        body = {
            "eventFilters": list(filters or (self.FILTER,)),
            "deliveryMode": {"transportType": "WebHook", "address": self.address, **delivery},
        }
        response = client.post("/restapi/v1.0/subscription", json=body)
        if response.status_code != 200:
            raise RingoutError(f"POST /restapi/v1.0/subscription: {response.status_code} {response.text}")
        created: dict[str, Any] = response.json()
        return created

    @property
    def notifications(self) -> list[Any]:
        return list(self.receiver.notifications)

    def events(self, call_id: str) -> list[dict[str, Any]]:
        """The telephony-session notification bodies of a RingOut call, in arrival order."""
        from emulator.core.sessions import telephony_session_id

        found: list[dict[str, Any]] = self.receiver.bodies(telephony_session_id(call_id))
        return found

    def statuses(self, call_id: str) -> list[tuple[int, str, str, str | None]]:
        """(sequence, party "1"/"2", status code, reason) of each of the call's events."""
        from emulator.core.sessions import telephony_session_id

        found: list[tuple[int, str, str, str | None]] = self.receiver.statuses(telephony_session_id(call_id))
        return found

    def until_disconnected(self, call_id: str, *, limit: float = 3600.0) -> list[dict[str, Any]]:
        """Advance the manual clock (1 s, 2 s, 4 s ...) until the call's every party sent its
        ``Disconnected`` event; its events. Fails past ``limit`` emulator seconds."""
        from emulator.core.sessions import telephony_session_id

        session = telephony_session_id(call_id)
        step, moved = 1.0, 0.0
        while not self.receiver.disconnected(session):
            if moved >= limit:
                raise AssertionError(
                    f"call {call_id}: no Disconnected event within {limit:g} s; got {self.statuses(call_id)}"
                )
            self.ringout.advance(step)
            moved, step = moved + step, step * 2
        return self.events(call_id)


def _params(filters: dict[str, Any]) -> dict[str, Any]:
    return {k.rstrip("_"): v for k, v in filters.items() if v is not None}


def _async_wsgi_transport(app: Any) -> Any:
    """A transport to a WSGI app for the emulator's async client (httpx is imported late)."""
    import anyio
    import httpx

    class AsyncWSGITransport(httpx.AsyncBaseTransport):
        """httpx's WSGI transport run in a worker thread, for the emulator's async client."""

        def __init__(self) -> None:
            self._wsgi = httpx.WSGITransport(app=app)

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            content = await request.aread()
            sync = httpx.Request(request.method, request.url, headers=request.headers, content=content)
            response = await anyio.to_thread.run_sync(self._wsgi.handle_request, sync)
            return httpx.Response(
                response.status_code, headers=response.headers, stream=httpx.ByteStream(response.read())
            )

    return AsyncWSGITransport()


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
    """One HTTP client for the session: in-process (the app) or on the external URL."""
    url = external_url(request.config)
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
        readiness = request.config.getoption(READINESS)
        if readiness:
            client.post(f"{CONTROL}/reset", json={"scopes": ["journal"]}).raise_for_status()
        yield client
        if readiness:
            judged = Ringout(client, url)
            request.config.stash[REPORT_KEY] = {"json": judged.report(), "markdown": judged.report(markdown=True)}


def pytest_sessionfinish(session: pytest.Session) -> None:
    report = session.config.stash.get(REPORT_KEY, None)
    if report is not None and report["json"]["verdict"] != "ready" and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    report = config.stash.get(REPORT_KEY, None)
    if report is not None:
        verdict = report["json"]["verdict"]
        terminalreporter.section(f"RingOut emulator: production readiness: {verdict}")
        terminalreporter.write_line(report["markdown"])


@pytest.fixture
def ringout(request: pytest.FixtureRequest, _ringout_http: httpx.Client) -> Ringout:
    """A reset emulator with the test's marker applied, and helpers to steer and inspect it."""
    emulator = Ringout(_ringout_http, external_url(request.config))
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
