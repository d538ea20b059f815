"""The production-readiness report: an app that polls too fast fails it with the right line, a
well-behaved one passes, and the report says what it covers when the journal has wrapped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from emulator.core.clock import ManualClock
from tests.api.helpers import BASE
from tests.conftest import SEED_SAMPLE
from tests.contract.probes import CLIENT, JWT_GRANT

RATE = f"{BASE}/ring-out"
REPORT = "/__emulator/report"
APP = "emulator-client-id"
POLL_LINE = (
    "emulator-client-id: polled ring-out status 62 times in 60 s: Light limit 50 (user 400131560009, 12 refused "
    "with 429); poll no more often than every 1.2 s per user (or wait for the call to settle between reads)"
)


def logged_in(make_client: Callable[..., TestClient], **settings: Any) -> TestClient:
    client = make_client(clock="manual", auth="strict", rate_limits="platform", **settings)
    token = client.post("/restapi/oauth/token", data=JWT_GRANT, auth=CLIENT).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_an_app_that_polls_too_fast_fails_with_the_line_that_says_what_to_change(
    make_client: Callable[..., TestClient],
) -> None:
    client = logged_in(make_client)
    call_id = client.post(RATE, json=SEED_SAMPLE).json()["id"]
    statuses = [client.get(f"{RATE}/{call_id}").status_code for _ in range(62)]
    assert statuses == [200] * 50 + [429] * 12
    report = client.get(REPORT).json()
    assert report["verdict"] == "not ready"
    assert report["failures"] == [
        POLL_LINE,
        "emulator-client-id: 4xx rate 18.8% (12 of 64), at most 5% is allowed: 12 x 429 on readRingOutCallStatus",
        "emulator-client-id: createRingOutCall: 1 successful call(s), at least 5 are expected per endpoint used",
    ]
    (app,) = report["apps"]
    assert app["endpoints"] == [
        {
            "endpoint": "createRingOutCall",
            "requests": 1,
            "successes": 1,
            "clientErrors": 0,
            "throttled": 0,
            "statuses": {"200": 1},
        },
        {
            "endpoint": "getToken",
            "requests": 1,
            "successes": 1,
            "clientErrors": 0,
            "throttled": 0,
            "statuses": {"200": 1},
        },
        {
            "endpoint": "readRingOutCallStatus",
            "requests": 62,
            "successes": 50,
            "clientErrors": 12,
            "throttled": 12,
            "statuses": {"200": 50, "429": 12},
        },
    ]
    assert app["throttled"][0] == {
        "at": "2026-01-01T00:00:00.000Z",
        "endpoint": "readRingOutCallStatus",
        "user": "400131560009",
        "group": "light",
    }
    assert len(app["throttled"]) == 12
    light = next(b for b in app["buckets"] if b["group"] == "light")
    assert light == {
        "user": "400131560009",
        "group": "light",
        "limit": 50,
        "windowSeconds": 60.0,
        "peak": 50,
        "peakShare": 1.0,
        "peakAttempts": 62,
        "peakAt": "2026-01-01T00:00:00.000Z",
        "refused": 12,
        "refusedEndpoints": ["readRingOutCallStatus"],
    }


def test_a_well_behaved_app_is_ready(make_client: Callable[..., TestClient], manual_clock: ManualClock) -> None:
    client = logged_in(make_client)
    for _ in range(5):
        call_id = client.post(RATE, json=SEED_SAMPLE).json()["id"]
        manual_clock.shift(2)
        assert client.get(f"{RATE}/{call_id}").status_code == 200
        manual_clock.shift(2)
    report = client.get(REPORT).json()
    assert (report["verdict"], report["failures"]) == ("ready", [])
    assert report["coverage"] == {
        "journalSize": 1000,
        "requests": 11,
        "dropped": 0,
        "injected": 0,
        "from": "2026-01-01T00:00:00.000Z",
        "until": "2026-01-01T00:00:20.000Z",
        "note": "every request since the last reset (11)",
    }
    heavy = next(b for b in report["apps"][0]["buckets"] if b["group"] == "heavy")
    assert (heavy["peak"], heavy["peakShare"], heavy["refused"]) == (5, 0.5, 0)


def test_the_markdown_form(make_client: Callable[..., TestClient]) -> None:
    client = logged_in(make_client)
    call_id = client.post(RATE, json=SEED_SAMPLE).json()["id"]
    for _ in range(62):
        client.get(f"{RATE}/{call_id}")
    for response in (
        client.get(REPORT, params={"format": "markdown"}),
        client.get(REPORT, headers={"Accept": "text/markdown"}),
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/markdown; charset=utf-8"
        text = response.text
        assert text.startswith("# Production readiness: not ready\n")
        assert f"- {POLL_LINE}\n" in text
        assert "| `readRingOutCallStatus` | 62 | 50 | 12 | 12 |" in text
        assert "| 400131560009, light | 50 per 60 s | 50 | 100% | 12 |" in text


def test_a_wrapped_journal_says_what_the_report_covers(make_client: Callable[..., TestClient]) -> None:
    client = logged_in(make_client, journal_size=3)
    for _ in range(5):
        client.post(RATE, json=SEED_SAMPLE)
    coverage = client.get(REPORT).json()["coverage"]
    assert (coverage["requests"], coverage["dropped"]) == (3, 3)
    assert coverage["note"] == (
        "the journal keeps the last 3 requests: the 3 before them (since the last reset) are not covered; "
        "raise JOURNAL_SIZE to judge them all"
    )


def test_requests_that_fail_before_the_app_is_known_are_unidentified(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual", auth="strict", rate_limits="platform")
    assert client.post(RATE, json=SEED_SAMPLE).status_code == 401
    report = client.get(REPORT).json()
    assert report["failures"] == [
        "unidentified: 4xx rate 100.0% (1 of 1), at most 5% is allowed: 1 x 401 on createRingOutCall"
    ]


def test_after_a_journal_reset_the_report_starts_again(make_client: Callable[..., TestClient]) -> None:
    client = logged_in(make_client)
    client.post(RATE, json={})
    assert client.post("/__emulator/reset", json={"scopes": ["journal"]}).status_code == 200
    report = client.get(REPORT).json()
    assert (report["verdict"], report["apps"], report["coverage"]["requests"]) == ("ready", [], 0)


def test_an_injected_fault_is_the_tests_doing_not_the_apps(make_client: Callable[..., TestClient]) -> None:
    client = logged_in(make_client)
    faults = [{"effect": "throttle", "times": 1}, {"effect": "error", "status": 503, "when": "after", "times": 1}]
    for rule in faults:
        assert client.post("/__emulator/faults", json={**rule, "operation": "createRingOutCall"}).status_code == 201
    assert [client.post(RATE, json=SEED_SAMPLE).status_code for _ in range(6)] == [429, 503] + [200] * 4
    delayed = client.post(RATE, json=SEED_SAMPLE, headers={"X-Emulator-Fault": "latency;ms=1"})
    assert delayed.status_code == 200  # a delayed answer is whole: judged like any other
    report = client.get(REPORT).json()
    assert (report["verdict"], report["failures"]) == ("ready", [])
    assert (report["coverage"]["requests"], report["coverage"]["injected"]) == (8, 2)
    assert (
        report["coverage"]["note"]
        == "every request since the last reset (8); 2 answered by an injected fault, not judged"
    )
    (app,) = report["apps"]
    create = next(e for e in app["endpoints"] if e["endpoint"] == "createRingOutCall")
    assert (create["requests"], create["statuses"], app["throttled"]) == (5, {"200": 5}, [])
    assert {b["user"] for b in app["buckets"]} == {"400131560009"}  # no bucket made up for the injected 429


def test_a_created_accounts_report_counts_only_its_own_dropped_requests(
    make_client: Callable[..., TestClient],
) -> None:
    """The journal is shared by every account: another namespace's requests before this account's
    (or pushed out instead of its own) are not this account's "dropped" ones. Its report said the
    journal had dropped 4 of its requests when it had dropped none."""
    client = make_client(clock="manual", auth="strict", rate_limits="platform", journal_size=6)
    account = client.post("/__emulator/accounts", json={}).json()
    app, extension = account["apps"][0], account["extensions"][0]
    scoped = {"X-Emulator-Account": account["id"]}
    for _ in range(4):
        client.get("/restapi/v1.0/account/~")  # the global namespace's (401, unidentified)
    grant = {**JWT_GRANT, "assertion": extension["jwt"]}
    token = client.post("/restapi/oauth/token", data=grant, auth=(app["clientId"], app["clientSecret"])).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    client.get("/restapi/v1.0/account/~", headers=bearer)
    coverage = client.get(REPORT, headers=scoped).json()["coverage"]
    assert (coverage["requests"], coverage["dropped"]) == (2, 0)
    assert coverage["note"] == "every request since the last reset (2)"

    for _ in range(3):
        client.get("/restapi/v1.0/account/~", headers=bearer)  # the journal (6) pushes out 3 global ones
    assert client.get(REPORT, headers=scoped).json()["coverage"]["dropped"] == 0
    assert client.get(REPORT).json()["coverage"]["dropped"] == 3
    client.get("/restapi/v1.0/account/~", headers=bearer)  # the last global one goes
    assert client.get(REPORT).json()["coverage"]["dropped"] == 4
    client.get("/restapi/v1.0/account/~", headers=bearer)  # now the account's own login goes
    own = client.get(REPORT, headers=scoped).json()["coverage"]
    assert (own["requests"], own["dropped"]) == (6, 1)
    client.post("/__emulator/reset", json={"scopes": ["journal"]}, headers=scoped)
    assert client.get(REPORT, headers=scoped).json()["coverage"]["dropped"] == 0
