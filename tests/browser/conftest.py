"""A real emulator (uvicorn on port 0, manual clock) and a real browser page on its dashboard.

Every wait is on a DOM condition or an API answer, bounded by ``WAIT_MS``; nothing sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.browser.chromium import launch

WAIT_MS = 10_000
expect.set_options(timeout=WAIT_MS)
CREDENTIALS = ("emulator-client-id", "emulator-client-secret")
JWT = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}
RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
CALL = {"from": {"phoneNumber": "+16505550123"}, "to": {"phoneNumber": "+16505550199"}}


@dataclass
class Running:
    """The server, an httpx client logged in as the app under test, and the control-plane calls."""

    server: EmulatorServer
    http: httpx.Client
    control_token: str | None = None
    messages: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def control(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-Emulator-Control-Token": self.control_token} if self.control_token else {}
        return self.http.request(method, f"/__emulator{path}", headers=headers, **kwargs)

    def create_call(self, **body: Any) -> httpx.Response:
        response = self.http.post(RINGOUT, json={**CALL, **body})
        assert response.status_code == 200, response.text
        return response


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One browser per module: Playwright's sync API holds an event loop in this thread while it runs,
    so it must be stopped before other tests (``asyncio.run``) use the thread."""
    with sync_playwright() as playwright:
        opened = launch(playwright)
        yield opened
        opened.close()


@pytest.fixture
def start_emulator() -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def start(**settings: Any) -> Running:
        # rate limits off unless asked for, as in the API tests: these tests make calls quickly on purpose
        server = EmulatorServer(create_app(Settings(**{"clock": "manual", "rate_limits": "off", **settings}))).start()
        http = httpx.Client(base_url=server.url, timeout=10)
        login = http.post("/restapi/oauth/token", data=JWT, auth=CREDENTIALS)
        assert login.status_code == 200, login.text
        http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        running = Running(server, http, settings.get("control_token"))
        started.append(running)
        return running

    yield start
    for running in started:
        running.http.close()
        running.server.stop()


@pytest.fixture
def emulator(start_emulator: Callable[..., Running]) -> Running:
    return start_emulator()


def watch(page: Page, into: list[str]) -> None:
    """Console errors and failed requests of the page go to ``into`` (a test asserts it empty)."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            into.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: into.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: into.append(f"request failed: {request.url} {request.failure}"))


def open_dashboard(browser: Browser, running: Running, suffix: str = "") -> Page:
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    watch(page, running.messages)
    page.goto(f"{running.url}/__emulator/ui{suffix}")
    return page


@pytest.fixture
def page(browser: Browser, emulator: Running) -> Iterator[Page]:
    opened = open_dashboard(browser, emulator)
    expect(opened.locator("#live")).to_have_attribute("data-state", "live")
    yield opened
    opened.close()
