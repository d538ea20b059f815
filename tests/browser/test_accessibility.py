"""axe-core (from tests/js, installed by scripts/install-js-sdks as CI does) finds no accessibility
violation on the dashboard: empty, with calls and an open timeline, with a request opened, and
with the reset dialog open."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Running, watch
from tests.readme import ROOT

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run scripts/install-js-sdks")


@pytest.fixture
def audited(browser: Browser, emulator: Running) -> Iterator[Page]:
    """The dashboard in a page that may inject axe's script (the dashboard's own policy forbids it)."""
    page = browser.new_page(viewport={"width": 1360, "height": 900}, bypass_csp=True)
    watch(page, emulator.messages)
    page.goto(f"{emulator.url}/__emulator/ui")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    page.add_script_tag(path=str(AXE))
    yield page
    page.close()


def violations(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return found


def test_the_empty_dashboard_has_no_violation(audited: Page) -> None:
    assert violations(audited) == []


def test_calls_a_timeline_a_request_and_the_reset_dialog_have_no_violation(audited: Page, emulator: Running) -> None:
    call_id = emulator.create_call().json()["id"]
    assert emulator.control("POST", "/clock/advance", json={"seconds": 5}).status_code == 200
    audited.locator(f'.call[data-call-id="{call_id}"] .call-head').click()
    expect(audited.locator(f"#timeline-{call_id} .steps li")).to_have_count(2)
    audited.locator("#journal-rows > tr:not(.detail)").first.get_by_role("button", name=re.compile("^Details")).click()
    audited.get_by_text("Magic numbers").click()
    expect(audited.locator("#magic-rows tr").first).to_be_visible()
    assert violations(audited) == []
    audited.get_by_role("button", name="Reset…").click()
    expect(audited.get_by_role("dialog")).to_be_visible()
    assert violations(audited) == []
    assert emulator.messages == []
