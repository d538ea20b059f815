"""The dashboard in headless Chromium against a real emulator: what the page shows comes from the
API, and what the page does is what the API then answers."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from emulator.api.control import SCOPES
from tests.browser.conftest import RINGOUT, Running, open_dashboard


def call_item(page: Page, call_id: str) -> object:
    return page.locator(f'.call[data-call-id="{call_id}"]')


def test_the_page_loads_live_with_every_panel_filled_and_no_console_error(page: Page, emulator: Running) -> None:
    expect(page).to_have_title("Dashboard · ringout-emulator")
    expect(page.locator("#live-text")).to_have_text("Live")
    expect(page.locator("#default-scenario")).to_have_text("success")
    expect(page.locator("#clock-mode")).to_have_text("manual")
    expect(page.locator("#clock-now")).to_have_text("2026-01-01 00:00:00")
    expect(page.locator("#calls-empty")).to_be_visible()
    expect(page.locator("#scenario option")).to_have_count(len(emulator.control("GET", "/scenarios").json()["records"]))
    expect(page.locator("#problem")).to_be_hidden()
    assert emulator.messages == []


def test_a_call_created_through_the_api_appears_with_its_legs_scenario_and_source(
    page: Page, emulator: Running
) -> None:
    call_id = emulator.create_call().json()["id"]
    item = page.locator(f'.call[data-call-id="{call_id}"]')
    expect(item).to_be_visible()
    expect(item.locator(".call-numbers")).to_have_text("+16505550123 → +16505550199")
    expect(item.locator(".chip")).to_have_text("success · default")
    expect(item.locator('[data-leg="caller"] [data-role="leg-status"]')).to_have_text("InProgress")
    expect(item.locator('[data-leg="callee"] [data-role="leg-status"]')).to_have_text("InProgress")
    expect(page.locator("#calls-count")).to_have_text("1 live · 1 stored")
    expect(page).to_have_title("(1) Dashboard · ringout-emulator")
    expect(page.locator("#announcer")).to_have_text("New call from +16505550123 to +16505550199")
    assert emulator.messages == []


def test_clicking_answer_on_the_callee_leg_changes_what_the_api_returns(page: Page, emulator: Running) -> None:
    call_id = emulator.create_call().json()["id"]
    callee = page.locator(f'.call[data-call-id="{call_id}"] [data-leg="callee"]')
    callee.get_by_role("button", name=re.compile("^Answer")).click()
    expect(callee.locator('[data-role="leg-status"]')).to_have_text("Success")
    expect(callee.get_by_role("button", name=re.compile("^Hang up"))).to_be_visible()
    status = emulator.http.get(f"{RINGOUT}/{call_id}").json()["status"]
    assert (status["callerStatus"], status["calleeStatus"]) == ("InProgress", "Success")
    forced = emulator.control("GET", f"/calls/{call_id}").json()["timeline"][-1]
    assert (forced["cause"], forced["leg"], forced["action"]) == ("forced", "callee", "answer")
    assert emulator.messages == []


def test_a_leg_can_be_driven_from_the_keyboard_alone(page: Page, emulator: Running) -> None:
    call_id = emulator.create_call().json()["id"]
    caller = page.locator(f'.call[data-call-id="{call_id}"] [data-leg="caller"]')
    caller.get_by_role("button", name=re.compile("^Busy")).focus()
    page.keyboard.press("Enter")
    expect(caller.locator('[data-role="leg-status"]')).to_have_text("Busy")
    expect(page.locator(f'.call[data-call-id="{call_id}"] .call-head')).to_be_focused()  # focus stays on the call
    status = emulator.http.get(f"{RINGOUT}/{call_id}").json()["status"]
    assert (status["callerStatus"], status["callStatus"]) == ("Busy", "CannotReach")


def test_the_scenario_queued_in_the_page_is_what_the_next_api_call_gets(page: Page, emulator: Running) -> None:
    page.get_by_label("Scenario", exact=True).select_option("busy")
    expect(page.locator("#scenario-description")).not_to_be_empty()
    page.get_by_role("button", name="Queue for the next call").click()
    expect(page.locator("#queue-list li")).to_have_text(["busy"])
    created = emulator.create_call()
    assert (created.headers["x-emulator-scenario"], created.headers["x-emulator-scenario-source"]) == ("busy", "queue")
    expect(page.locator("#queue-list li")).to_have_text(["nothing queued"])
    expect(page.locator(f'.call[data-call-id="{created.json()["id"]}"] .chip')).to_have_text("busy · queue")


def test_the_default_set_in_the_page_is_what_api_calls_get(page: Page, emulator: Running) -> None:
    page.get_by_label("Scenario", exact=True).select_option("no_answer")
    page.get_by_role("button", name="Make it the default").click()
    expect(page.locator("#default-scenario")).to_have_text("no_answer")
    assert emulator.control("GET", "/default-scenario").json() == {"scenario": "no_answer"}
    created = emulator.create_call()
    assert (created.headers["x-emulator-scenario"], created.headers["x-emulator-scenario-source"]) == (
        "no_answer",
        "default",
    )


def test_the_clock_advanced_in_the_page_moves_a_manual_clock_call(page: Page, emulator: Running) -> None:
    call_id = emulator.create_call().json()["id"]  # success: the caller answers at 4 s
    caller = page.locator(f'.call[data-call-id="{call_id}"] [data-leg="caller"] [data-role="leg-status"]')
    expect(caller).to_have_text("InProgress")
    page.get_by_role("button", name="+5 s").click()
    expect(page.locator("#clock-now")).to_have_text("2026-01-01 00:00:05")
    expect(caller).to_have_text("Success")
    assert emulator.http.get(f"{RINGOUT}/{call_id}").json()["status"]["callerStatus"] == "Success"
    assert emulator.control("GET", "/clock").json()["now"] == "2026-01-01T00:00:05.000Z"


def test_the_clock_set_and_switched_in_the_page(page: Page, emulator: Running) -> None:
    page.get_by_label(re.compile("^Set to")).fill("2026-01-01T01:30:00Z")
    page.get_by_role("button", name="Set", exact=True).click()
    expect(page.locator("#clock-now")).to_have_text("2026-01-01 01:30:00")
    page.get_by_label("Mode").select_option("real")
    page.get_by_label("Speed").fill("2")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("#clock-mode")).to_have_text("real")
    expect(page.get_by_role("button", name="+5 s")).to_be_disabled()
    reading = emulator.control("GET", "/clock").json()
    assert (reading["mode"], reading["speed"]) == ("real", 2.0)


def test_the_timeline_opens_on_click(page: Page, emulator: Running) -> None:
    call_id = emulator.create_call().json()["id"]
    assert emulator.control("POST", "/clock/advance", json={"seconds": 10}).status_code == 200
    head = page.locator(f'.call[data-call-id="{call_id}"] .call-head')
    expect(head).to_have_attribute("aria-expanded", "false")
    head.click()
    expect(head).to_have_attribute("aria-expanded", "true")
    steps = page.locator(f"#timeline-{call_id} .steps li")
    expect(steps).to_have_count(3)  # at 0, 4 and 9 s
    expect(steps.nth(1)).to_contain_text("00:00:04step 2caller Success callee InProgress call InProgress")
    hung_up = emulator.control("POST", f"/calls/{call_id}/legs/caller", json={"action": "hang_up"})
    assert hung_up.status_code == 200
    expect(steps).to_have_count(4)  # an open timeline follows the call live
    expect(steps.last).to_contain_text("caller: hang up (forced)caller Finished callee Finished call Success")


def test_the_journal_shows_the_apps_request_newest_first_with_masked_headers(page: Page, emulator: Running) -> None:
    call_id = emulator.create_call().json()["id"]
    row = page.locator("#journal-rows > tr:not(.detail)").first
    expect(row).to_contain_text(f"POST{RINGOUT}200success · default{call_id[:10]}…")
    row.get_by_role("button", name=re.compile("^Details")).click()
    headers = page.locator("#journal-rows > tr.detail").first
    expect(headers).to_be_visible()
    expect(headers.locator("tr", has_text="authorization")).to_have_text("authorizationBearer ***")
    expect(page.locator("#journal-rows > tr:not(.detail)")).to_have_count(2)  # and the login before it
    expect(page.locator("#journal-rows > tr:not(.detail)").last).to_contain_text("/restapi/oauth/token")


def test_the_journal_filters(page: Page, emulator: Running) -> None:
    emulator.create_call()
    expect(page.locator("#journal-rows > tr:not(.detail)")).to_have_count(2)
    page.get_by_label("Method").select_option("POST")
    page.get_by_label("Path starts with").fill("/restapi/oauth")
    expect(page.locator("#journal-rows > tr:not(.detail)")).to_have_count(1)
    expect(page.locator("#journal-rows")).to_contain_text("/restapi/oauth/token")
    page.get_by_label("Status").fill("404")
    expect(page.locator("#journal-empty")).to_be_visible()


def test_a_call_id_in_the_journal_filters_the_journal_to_that_call(page: Page, emulator: Running) -> None:
    first = emulator.create_call().json()["id"]
    second = emulator.create_call().json()["id"]
    assert emulator.http.get(f"{RINGOUT}/{first}").status_code == 200
    rows = page.locator("#journal-rows > tr:not(.detail)")
    expect(rows).to_have_count(4)
    rows.first.get_by_role(
        "button", name=re.compile(f"^{re.escape(first[:10])}….*show only this call's requests$")
    ).click()
    expect(page.get_by_label("Call id")).to_have_value(first)
    expect(rows).to_have_count(2)  # its create and its read
    expect(page.locator("#journal-rows")).not_to_contain_text(second[:10])


def test_reset_from_the_dialog_forgets_the_calls(page: Page, emulator: Running) -> None:
    call_id = emulator.create_call().json()["id"]
    expect(page.locator(f'.call[data-call-id="{call_id}"]')).to_be_visible()
    page.get_by_role("button", name="Reset…").click()
    dialog = page.get_by_role("dialog", name="Reset the emulator")
    expect(dialog).to_be_visible()
    dialog.get_by_label("tokens").uncheck()  # keep the app logged in
    dialog.get_by_role("button", name="Reset", exact=True).click()
    expect(page.locator("#calls-empty")).to_be_visible()
    assert emulator.control("GET", "/calls").json() == {"records": []}
    assert emulator.http.post(RINGOUT, json={"from": {"phoneNumber": "+16505550123"}}).status_code == 400  # token kept


def test_with_a_control_token_the_page_asks_for_it_then_works(
    browser: Browser, start_emulator: Callable[..., Running]
) -> None:
    locked = start_emulator(control_token="s3cret")
    call_id = locked.create_call().json()["id"]
    page = open_dashboard(browser, locked)
    expect(page.locator("#live")).to_have_attribute("data-state", "locked")
    expect(page.locator("#token")).to_be_focused()
    expect(page.locator("#problem")).to_contain_text("control token")
    page.locator("#token").fill("s3cret")
    page.keyboard.press("Enter")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    expect(page.locator(f'.call[data-call-id="{call_id}"]')).to_be_visible()
    expect(page.locator("#problem")).to_be_hidden()
    page.close()


def test_the_token_can_come_in_the_address_fragment_once(
    browser: Browser, start_emulator: Callable[..., Running]
) -> None:
    locked = start_emulator(control_token="s3cret")
    page = open_dashboard(browser, locked, "#token=s3cret")
    expect(page.locator("#live")).to_have_attribute("data-state", "live")
    assert page.url == f"{locked.url}/__emulator/ui"  # the fragment is gone from the address bar
    assert page.evaluate("sessionStorage.getItem('ringout-emulator.control-token')") == "s3cret"
    assert locked.messages == []
    page.close()


def test_rules_and_the_magic_numbers_are_shown(page: Page, emulator: Running) -> None:
    rule = emulator.control("POST", "/rules", json={"scenario": "busy", "toPrefix": "+44", "times": 2})
    assert rule.status_code == 201
    expect(page.locator("#rule-list li")).to_have_text(["busy to +44… · 2 left"])
    page.get_by_text("Magic numbers").click()
    first = emulator.control("GET", "/magic-numbers").json()["records"][0]
    expect(page.locator("#magic-rows tr").first).to_have_text(
        f"{first['numbers'][0]}{first['side']}{first['scenario']}"
    )
    assert emulator.messages == []


def test_only_the_newest_50_calls_are_drawn(page: Page, emulator: Running) -> None:
    made = [emulator.create_call().json()["id"] for _ in range(51)]
    expect(page.locator("#calls-more")).to_have_text("Showing the newest 50 of 51 calls.")
    expect(page.locator(".call")).to_have_count(50)
    expect(page.locator(".call").first).to_have_attribute("data-call-id", made[-1])
    expect(page.locator(f'.call[data-call-id="{made[0]}"]')).to_have_count(0)


def test_on_a_real_clock_a_call_moves_on_the_page_by_itself(
    browser: Browser, start_emulator: Callable[..., Running]
) -> None:
    fast = start_emulator(clock="real", speed=100, retention_seconds=3600)  # 39 s of scenario in 0.39 s
    page = open_dashboard(browser, fast)
    expect(page.locator("#clock-mode")).to_have_text("real")
    call_id = fast.create_call().json()["id"]
    item = page.locator(f'.call[data-call-id="{call_id}"]')
    expect(item.locator('[data-leg="caller"] [data-role="leg-status"]')).to_have_text("Finished")
    expect(item.locator('[data-leg="callee"] [data-role="leg-status"]')).to_have_text("Finished")
    expect(item.locator('[data-role="call-status"]')).to_have_text("Success")
    expect(item.locator(".actions").first).to_have_text("ended")
    assert fast.messages == []
    page.close()


def test_the_reset_dialog_offers_every_scope_the_control_plane_has(page: Page) -> None:
    page.get_by_role("button", name="Reset…").click()
    boxes = page.locator("#reset-scopes input")
    expect(boxes).to_have_count(len(SCOPES))
    assert [boxes.nth(i).get_attribute("value") for i in range(len(SCOPES))] == list(SCOPES)


def test_rate_limit_buckets_and_the_readiness_verdict_follow_the_app(
    browser: Browser, start_emulator: Callable[..., Running]
) -> None:
    limited = start_emulator(rate_limits="platform")
    page = open_dashboard(browser, limited)
    expect(page.locator("#limits-mode")).to_have_text("platform")
    expect(page.locator("#limits-table")).to_have_text(
        "Per 60 s: heavy 10 · medium 40 · light 50 · auth 5; past a limit, 429 for 60 s."
    )
    for _ in range(11):
        created = limited.http.post(RINGOUT, json={"to": {"phoneNumber": "+16505550199"}})
    assert created.status_code == 429  # the 11th in the window
    heavy = page.locator("#bucket-rows tr", has_text="heavy")
    expect(heavy.locator("td").nth(4)).to_have_text("1")  # refused once
    expect(heavy.locator("td").nth(5)).to_have_text("00:01:00")  # in its penalty for 60 s
    expect(page.locator("#report-verdict")).to_have_text("not ready")
    expect(page.locator("#report-failures")).to_contain_text("429")
    page.get_by_role("button", name="Reset…").click()
    page.get_by_role("dialog").get_by_role("button", name="Reset", exact=True).click()
    expect(page.locator("#buckets-empty")).to_be_visible()
    assert limited.messages == []
    page.close()


def test_a_narrow_window_gets_one_column_and_no_sideways_scrolling(page: Page, emulator: Running) -> None:
    call_id = emulator.create_call().json()["id"]
    page.set_viewport_size({"width": 640, "height": 900})
    expect(page.locator(f'.call[data-call-id="{call_id}"]')).to_be_visible()
    expect(page.locator("#journal-rows > tr")).not_to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") == 640


class Hook(http.server.BaseHTTPRequestHandler):
    """A webhook receiver: echoes the handshake's Validation-Token, answers 200 to everything."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        if token := self.headers.get("Validation-Token"):
            self.send_header("Validation-Token", token)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_webhook_deliveries_appear_newest_first(page: Page, emulator: Running) -> None:
    receiver = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        hook = f"http://127.0.0.1:{receiver.server_port}/hook"
        subscribed = emulator.http.post(
            "/restapi/v1.0/subscription",
            json={
                "eventFilters": ["/restapi/v1.0/account/~/extension/~/telephony/sessions"],
                "deliveryMode": {"transportType": "WebHook", "address": hook},
            },
        )
        assert subscribed.status_code == 200, subscribed.text
        emulator.create_call()
        rows = page.locator("#delivery-rows tr")
        expect(rows).to_have_count(2)  # the handshake, then the caller's phone ringing
        expect(rows.first).to_contain_text("notification/restapi/v1.0/account/")
        expect(rows.first).to_contain_text(f"{subscribed.json()['id']}{hook}200")
        expect(rows.last).to_contain_text(f"handshake{hook}200")  # before the subscription had an id
    finally:
        receiver.shutdown()
        receiver.server_close()
    page.get_by_role("button", name="Clear the delivery log").click()
    expect(page.locator("#deliveries-empty")).to_be_visible()
    assert emulator.messages == []


def test_a_fault_rule_shows_its_hits_live_and_is_deleted_from_the_page(page: Page, emulator: Running) -> None:
    rule = {"effect": "error", "status": 503, "method": "GET", "pathPrefix": "/restapi/v1.0/account/"}
    created = emulator.control("POST", "/faults", json=rule)
    assert created.status_code == 201, created.text
    fault_id = created.json()["id"]
    row = page.locator(f'#fault-rows tr[data-fault-id="{fault_id}"]')
    expect(row.locator('[data-role="hits"]')).to_have_text("0")
    expect(row).to_contain_text("method GET · pathPrefix /restapi/v1.0/account/")
    expect(page.locator("#faults-count")).to_have_text("1 rule")
    assert emulator.http.get("/restapi/v1.0/account/~").status_code == 503
    expect(row.locator('[data-role="hits"]')).to_have_text("1")
    expect(row.locator('[data-role="seen"]')).to_have_text("1")
    row.get_by_role("button", name=f"Delete fault rule {fault_id}").click()
    expect(page.locator("#faults-empty")).to_be_visible()
    assert emulator.control("GET", "/faults").json() == {"records": []}
    assert emulator.messages == []


def test_the_journal_marks_a_request_a_fault_was_injected_into(page: Page, emulator: Running) -> None:
    rule = {"effect": "error", "status": 502, "operation": "readAccountInfo"}
    assert emulator.control("POST", "/faults", json=rule).status_code == 201
    assert emulator.http.get("/restapi/v1.0/account/~").status_code == 502
    delayed = {"X-Emulator-Fault": "latency;ms=1"}
    assert emulator.http.get("/restapi/v1.0/account/~/extension/~", headers=delayed).status_code == 200
    marks = page.locator("#journal-rows .chip.fault")  # the app's login before them has none
    expect(marks).to_have_count(2)
    header, by_rule = marks.nth(0), marks.nth(1)  # newest first
    expect(by_rule).to_have_text("fault: error, injected by fault rule 1, before the operation")
    expect(by_rule).to_have_attribute("title", "Injected by fault rule 1 (before the operation)")
    expect(header).to_have_attribute("title", "Injected by the X-Emulator-Fault header (before the operation)")
    assert emulator.messages == []


def test_every_fault_rule_is_deleted_from_the_keyboard(page: Page, emulator: Running) -> None:
    for effect in ("empty", "reset"):
        assert emulator.control("POST", "/faults", json={"effect": effect}).status_code == 201
    expect(page.locator("#fault-rows tr")).to_have_count(2)
    expect(page.locator("#fault-rows tr").first).to_contain_text("empty")  # the order they are tried in
    page.get_by_role("button", name="Delete every fault rule").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#faults-empty")).to_be_visible()
    expect(page.locator("#announcer")).to_have_text("Every fault rule deleted.")
    assert emulator.control("GET", "/faults").json() == {"records": []}


def test_a_call_that_ends_appears_in_the_call_log_with_its_result(
    browser: Browser, start_emulator: Callable[..., Running]
) -> None:
    running = start_emulator(call_log_delay_seconds=0)
    page = open_dashboard(browser, running)
    expect(page.locator("#call-log-empty")).to_be_visible()
    running.create_call()
    advanced = running.control("POST", "/clock/advance", json={"seconds": 60})  # success: ends by itself
    assert advanced.status_code == 200, advanced.text
    rows = page.locator("#call-log-rows tr")
    expect(rows).to_have_count(1)
    record = running.control("GET", "/call-log").json()["records"][0]
    assert record["result"] == "Call connected"
    expect(rows.first.locator('[data-role="result"]')).to_have_text("Call connected")
    expect(rows.first).to_contain_text("+16505550123+16505550199")
    expect(rows.first).to_contain_text(record["telephonySessionId"])
    expect(page.locator("#call-log-delay")).to_have_text("0 s")
    assert running.control("PUT", "/call-log/settings", json={"delaySeconds": 120}).status_code == 200
    expect(page.locator("#call-log-empty")).to_be_visible()  # the delay moved the record out of sight again
    expect(page.locator("#call-log-delay")).to_have_text("120 s")
    assert running.messages == []
    page.close()
