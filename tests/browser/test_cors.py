"""A browser app on its own origin calls the emulator the way it calls the platform: Chromium sends
the preflight (an ``Authorization`` header is not a simple request), then the request, and the page
reads the headers the emulator exposes. The page's origin is a second server on this machine (its
landing page): a page the browser cannot place would need Chromium's local-network permission."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page

from tests.browser.conftest import CALL, RINGOUT, Running

FETCH = """async ([url, token, call]) => {
  const answer = await fetch(url, {
    method: "POST",
    headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    body: JSON.stringify(call),
  });
  const read = (name) => answer.headers.get(name);
  return [answer.status, read("x-rate-limit-group"), read("rcrequestid"), await answer.json()];
}"""


def app_page(browser: Browser, site: Running, messages: list[str]) -> Page:
    page = browser.new_page()
    page.on("console", lambda message: messages.append(message.text) if message.type == "error" else None)
    page.goto(f"{site.url}/")
    return page


def token_of(running: Running) -> str:
    return running.http.headers["Authorization"].removeprefix("Bearer ")


def test_a_page_on_an_allowed_origin_places_a_call(browser: Browser, start_emulator: Callable[..., Running]) -> None:
    site = start_emulator()
    running = start_emulator(cors_origins=site.url, rate_limits="platform")
    messages: list[str] = []
    page = app_page(browser, site, messages)
    status, group, request_id, body = page.evaluate(FETCH, [running.url + RINGOUT, token_of(running), CALL])
    page.close()
    assert (status, group, body["status"]["callStatus"]) == (200, "heavy", "InProgress")
    assert request_id and messages == []
    calls = running.control("GET", "/calls").json()
    assert [c["id"] for c in calls["records"]] == [body["id"]]


def test_a_page_on_another_origin_is_refused_by_the_browser(
    browser: Browser, start_emulator: Callable[..., Running]
) -> None:
    site = start_emulator()
    running = start_emulator(cors_origins="http://crm.example:8443")
    messages: list[str] = []
    page = app_page(browser, site, messages)
    failed = page.evaluate(
        f"async (args) => {{ try {{ await ({FETCH})(args); return null }} catch (e) {{ return String(e) }} }}",
        [running.url + RINGOUT, token_of(running), CALL],
    )
    page.close()
    assert failed is not None and "Failed to fetch" in failed
    assert running.control("GET", "/calls").json()["records"] == []  # the preflight stopped it: nothing placed
