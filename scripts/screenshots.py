"""Regenerate the dashboard screenshots in ``docs/images/``: a real emulator (manual clock, seeded)
with a few calls in different states, the app's requests in the journal, a queued scenario, and
Debian's Chromium (as the browser tests drive it) taking the pictures.

    scripts/screenshots                 # writes docs/images/dashboard*.png
    scripts/screenshots --out DIR       # somewhere else (the test of this script)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator.app import create_app  # noqa: E402
from emulator.server import EmulatorServer  # noqa: E402
from emulator.settings import Settings  # noqa: E402
from tests.browser.chromium import launch  # noqa: E402

IMAGES = ROOT / "docs" / "images"
SHOTS = ("dashboard.png", "dashboard-dark.png", "dashboard-journal.png")
CLIENT = ("emulator-client-id", "emulator-client-secret")
JWT = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}
RINGOUT = "/restapi/v1.0/account/~/extension/~/ring-out"
CALLER = "+16505550123"


def populate(http: httpx.Client) -> str:
    """Four calls: one ended busy, one connected, one ringing (answered by hand), one just made;
    the busy call's call-log record, a fault rule."""
    login = http.post("/restapi/oauth/token", data=JWT, auth=CLIENT)
    http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"

    def call(to: str, **headers: str) -> str:
        made = http.post(RINGOUT, json={"from": {"phoneNumber": CALLER}, "to": {"phoneNumber": to}}, headers=headers)
        made.raise_for_status()
        call_id: str = made.json()["id"]
        http.get(f"{RINGOUT}/{call_id}")
        return call_id

    call("+12025550101")  # magic number: busy
    talking = call("+16505550142")
    http.post("/__emulator/clock/advance", json={"seconds": 12})
    ringing = call("+442079460958", **{"X-Emulator-Scenario": "no_answer"})
    http.post("/__emulator/clock/advance", json={"seconds": 3})
    http.post(f"/__emulator/calls/{ringing}/legs/caller", json={"action": "answer"})
    http.post("/__emulator/scenarios/queue", json={"scenario": "caller_busy"})
    http.post("/__emulator/rules", json={"scenario": "rejected", "toPrefix": "+33", "times": 3})
    http.post("/__emulator/clock/advance", json={"seconds": 2})
    call("+16505550199")
    http.put("/__emulator/call-log/settings", json={"delaySeconds": 0}).raise_for_status()  # the busy call's record
    fault = {"effect": "error", "status": 503, "retryAfter": 2, "operation": "readUserCallLog", "probability": 0.1}
    http.post("/__emulator/faults", json=fault).raise_for_status()
    return talking


def settle(page: Page, shown: int) -> None:
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    expect(page.locator(".call")).to_have_count(shown)
    expect(page.locator("#journal-rows > tr:not(.detail)").first).to_be_visible()
    expect(page.locator("#call-log-rows tr").first).to_be_visible()
    expect(page.locator("#fault-rows tr").first).to_be_visible()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=IMAGES, help=f"where to write them (default {IMAGES})")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    app = create_app(Settings(clock="manual", seed=7, log_level="warning"))
    with EmulatorServer(app) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        talking = populate(http)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            for scheme, name in (("light", "dashboard.png"), ("dark", "dashboard-dark.png")):
                page = browser.new_page(viewport={"width": 1440, "height": 1000}, color_scheme=scheme)
                page.goto(f"{server.url}/__emulator/ui")
                settle(page, 4)
                page.locator(f'.call[data-call-id="{talking}"] .call-head').click()
                expect(page.locator(f"#timeline-{talking} .steps li").first).to_be_visible()
                page.mouse.move(0, 0)
                page.screenshot(path=out / name, full_page=True, animations="disabled")
                if scheme == "light":
                    page.locator("#journal-rows > tr:not(.detail)").nth(1).get_by_role(
                        "button", name=re.compile("^Details")
                    ).click()
                    page.locator("#journal").screenshot(path=out / "dashboard-journal.png", animations="disabled")
                page.close()
            browser.close()
    for name in SHOTS:
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
