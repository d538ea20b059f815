"""Probes for the ``/__emulator`` control plane (see ``probes.py``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
from fastapi.testclient import TestClient

from emulator.core.faults import MAX_FAULTS
from tests.conftest import SEED_SAMPLE
from tests.contract.openapi_doc import OPENAPI_FILE, load, operations
from tests.contract.probes import CONTROL, Probe, Send

SCENARIOS, QUEUE, RULES = f"{CONTROL}/scenarios", f"{CONTROL}/scenarios/queue", f"{CONTROL}/rules"
CLOCK, ADVANCE, CALLS, REQUESTS = (
    f"{CONTROL}/clock",
    f"{CONTROL}/clock/advance",
    f"{CONTROL}/calls",
    f"{CONTROL}/requests",
)
NAMED, RULE, CALL, LEG = (
    f"{SCENARIOS}/{{name}}",
    f"{RULES}/{{ruleId}}",
    f"{CALLS}/{{callId}}",
    f"{CALLS}/{{callId}}/legs/{{leg}}",
)
UPLOAD = {"description": "Callee busy at once.", "steps": [{"at": 0, "caller": "Success", "callee": "Busy"}]}
REAL = {"clock": "real"}
LOCKED = {"control_token": "secret"}
LIMITS, REPORT = f"{CONTROL}/rate-limits", f"{CONTROL}/report"
FAULTS = f"{CONTROL}/faults"
ACCOUNTS = f"{CONTROL}/accounts"
RINGOUT_POST = ("POST", "/restapi/v1.0/account/{accountId}/extension/{extensionId}/ring-out")


def _send(method: str, url: str, **kwargs: Any) -> Send:
    return lambda c: c.request(method, url, **kwargs)


def _call(client: TestClient) -> str:
    response = client.post("/restapi/v1.0/account/~/extension/~/ring-out", json=SEED_SAMPLE)
    assert response.status_code == 200, response.text
    call_id: str = response.json()["id"]
    return call_id


def _uploaded(then: Send) -> Send:
    def run(client: TestClient) -> httpx.Response:
        assert client.put(f"{SCENARIOS}/mine", json=UPLOAD).status_code == 201
        return then(client)

    return run


def _rule_id(client: TestClient) -> str:
    response = client.post(RULES, json={"scenario": "busy", "to": "+16505550123"})
    assert response.status_code == 201, response.text
    rule_id: str = response.json()["id"]
    return rule_id


def _ended_call(client: TestClient) -> str:
    call_id = _call(client)
    assert client.post(ADVANCE, json={"seconds": 45}).status_code == 200  # ended, still readable
    return call_id


def _locked(method: str, path: str, url: str) -> Probe:
    """401: the emulator was started with a control token and the request lacks it."""
    return Probe(method, path, 401, _send(method, url), LOCKED)


def control_plane_probes() -> list[Probe]:
    calls_need = frozenset({RINGOUT_POST})
    return [
        Probe("POST", f"{CONTROL}/reset", 200, _send("POST", f"{CONTROL}/reset", json={})),
        Probe("POST", f"{CONTROL}/reset", 400, _send("POST", f"{CONTROL}/reset", json={"scopes": ["nope"]})),
        _locked("POST", f"{CONTROL}/reset", f"{CONTROL}/reset"),
        Probe("POST", f"{CONTROL}/seed", 200, _send("POST", f"{CONTROL}/seed", json={"seed": 7})),
        Probe("POST", f"{CONTROL}/seed", 400, _send("POST", f"{CONTROL}/seed", json={"seed": "seven"})),
        _locked("POST", f"{CONTROL}/seed", f"{CONTROL}/seed"),
        Probe("GET", CLOCK, 200, _send("GET", CLOCK)),
        _locked("GET", CLOCK, CLOCK),
        Probe("PUT", CLOCK, 200, _send("PUT", CLOCK, json={"mode": "poll"})),
        Probe("PUT", CLOCK, 400, _send("PUT", CLOCK, json={"mode": "sundial"})),
        Probe("PUT", CLOCK, 409, _send("PUT", CLOCK, json={"now": "2026-02-01T00:00:00Z"}), REAL),
        _locked("PUT", CLOCK, CLOCK),
        Probe("POST", ADVANCE, 200, _send("POST", ADVANCE, json={"seconds": 5})),
        Probe("POST", ADVANCE, 400, _send("POST", ADVANCE, json={"seconds": -1})),
        Probe("POST", ADVANCE, 409, _send("POST", ADVANCE, json={"seconds": 5}), REAL),
        _locked("POST", ADVANCE, ADVANCE),
        Probe("GET", SCENARIOS, 200, _send("GET", SCENARIOS)),
        _locked("GET", SCENARIOS, SCENARIOS),
        Probe("GET", QUEUE, 200, _send("GET", QUEUE)),
        _locked("GET", QUEUE, QUEUE),
        Probe("POST", QUEUE, 201, _send("POST", QUEUE, json={"scenario": "busy"})),
        Probe("POST", QUEUE, 400, _send("POST", QUEUE, json={"scenario": "nope"})),
        _locked("POST", QUEUE, QUEUE),
        Probe("DELETE", QUEUE, 204, _send("DELETE", QUEUE)),
        _locked("DELETE", QUEUE, QUEUE),
        Probe("GET", NAMED, 200, _send("GET", f"{SCENARIOS}/success")),
        Probe("GET", NAMED, 404, _send("GET", f"{SCENARIOS}/nope")),
        _locked("GET", NAMED, f"{SCENARIOS}/success"),
        Probe("PUT", NAMED, 201, _send("PUT", f"{SCENARIOS}/mine", json=UPLOAD)),
        Probe("PUT", NAMED, 200, _uploaded(_send("PUT", f"{SCENARIOS}/mine", json=UPLOAD))),
        Probe("PUT", NAMED, 400, _send("PUT", f"{SCENARIOS}/mine", json={"description": "x", "steps": []})),
        Probe("PUT", NAMED, 409, _send("PUT", f"{SCENARIOS}/queue", json=UPLOAD)),
        Probe("PUT", NAMED, 413, _send("PUT", f"{SCENARIOS}/mine", json={**UPLOAD, "description": "x" * 70_000})),
        _locked("PUT", NAMED, f"{SCENARIOS}/mine"),
        Probe("DELETE", NAMED, 204, _uploaded(_send("DELETE", f"{SCENARIOS}/mine"))),
        Probe("DELETE", NAMED, 404, _send("DELETE", f"{SCENARIOS}/nope")),
        Probe("DELETE", NAMED, 409, _send("DELETE", f"{SCENARIOS}/busy")),
        _locked("DELETE", NAMED, f"{SCENARIOS}/mine"),
        Probe("GET", f"{CONTROL}/default-scenario", 200, _send("GET", f"{CONTROL}/default-scenario")),
        _locked("GET", f"{CONTROL}/default-scenario", f"{CONTROL}/default-scenario"),
        Probe(
            "PUT",
            f"{CONTROL}/default-scenario",
            200,
            _send("PUT", f"{CONTROL}/default-scenario", json={"scenario": "busy"}),
        ),
        Probe(
            "PUT",
            f"{CONTROL}/default-scenario",
            400,
            _send("PUT", f"{CONTROL}/default-scenario", json={"scenario": "x"}),
        ),
        _locked("PUT", f"{CONTROL}/default-scenario", f"{CONTROL}/default-scenario"),
        Probe("GET", RULES, 200, _send("GET", RULES)),
        _locked("GET", RULES, RULES),
        Probe("POST", RULES, 201, _send("POST", RULES, json={"scenario": "busy", "toPrefix": "+44", "times": 2})),
        Probe("POST", RULES, 400, _send("POST", RULES, json={"scenario": "busy", "toPrefix": "44"})),
        _locked("POST", RULES, RULES),
        Probe("DELETE", RULES, 204, _send("DELETE", RULES)),
        _locked("DELETE", RULES, RULES),
        Probe("DELETE", RULE, 204, lambda c: c.delete(f"{RULES}/{_rule_id(c)}"), {}, frozenset({("POST", RULES)})),
        Probe("DELETE", RULE, 404, _send("DELETE", f"{RULES}/nope")),
        _locked("DELETE", RULE, f"{RULES}/nope"),
        Probe("GET", f"{CONTROL}/magic-numbers", 200, _send("GET", f"{CONTROL}/magic-numbers")),
        _locked("GET", f"{CONTROL}/magic-numbers", f"{CONTROL}/magic-numbers"),
        Probe("GET", CALLS, 200, lambda c: (_call(c), c.get(CALLS))[1], {}, calls_need),
        Probe("GET", CALLS, 400, _send("GET", CALLS, params={"status": "Ringing"})),
        _locked("GET", CALLS, CALLS),
        Probe("GET", CALL, 200, lambda c: c.get(f"{CALLS}/{_call(c)}"), {}, calls_need),
        Probe("GET", CALL, 404, _send("GET", f"{CALLS}/nope")),
        _locked("GET", CALL, f"{CALLS}/nope"),
        Probe("POST", LEG, 200, lambda c: c.post(f"{CALLS}/{_call(c)}/legs/caller", json={"action": "answer"})),
        Probe("POST", LEG, 400, lambda c: c.post(f"{CALLS}/{_call(c)}/legs/caller", json={})),
        Probe("POST", LEG, 404, _send("POST", f"{CALLS}/nope/legs/caller", json={"action": "answer"})),
        Probe(
            "POST",
            LEG,
            409,
            lambda c: c.post(f"{CALLS}/{_ended_call(c)}/legs/callee", json={"action": "answer"}),
            {},
            frozenset({("POST", ADVANCE)}),
        ),
        _locked("POST", LEG, f"{CALLS}/nope/legs/caller"),
        Probe("GET", REQUESTS, 200, _send("GET", REQUESTS, params={"method": "GET", "limit": 5})),
        Probe("GET", REQUESTS, 400, _send("GET", REQUESTS, params={"limit": -1})),
        _locked("GET", REQUESTS, REQUESTS),
        Probe("DELETE", REQUESTS, 204, _send("DELETE", REQUESTS)),
        _locked("DELETE", REQUESTS, REQUESTS),
        Probe("GET", f"{REQUESTS}/count", 200, _send("GET", f"{REQUESTS}/count", params={"status": 200})),
        Probe("GET", f"{REQUESTS}/count", 400, _send("GET", f"{REQUESTS}/count", params={"status": "ok"})),
        _locked("GET", f"{REQUESTS}/count", f"{REQUESTS}/count"),
        Probe("GET", LIMITS, 200, _send("GET", LIMITS)),
        _locked("GET", LIMITS, LIMITS),
        Probe("PUT", LIMITS, 200, _send("PUT", LIMITS, json={"limits": {"light": 5}, "penaltySeconds": 1})),
        Probe("PUT", LIMITS, 400, _send("PUT", LIMITS, json={"limits": {"light": 0}})),
        _locked("PUT", LIMITS, LIMITS),
        Probe("GET", REPORT, 200, lambda c: (_call(c), c.get(REPORT))[1], {}, calls_need),
        Probe("GET", REPORT, 400, _send("GET", REPORT, params={"format": "pdf"})),
        _locked("GET", REPORT, REPORT),
        *docs_probes(),
        *dashboard_probes(),
        *call_log_settings_probes(),
        *fault_probes(),
        *account_probes(),
        *account_scope_probes(),
    ]


def call_log_settings_probes() -> list[Probe]:
    settings = f"{CONTROL}/call-log/settings"
    records = f"{CONTROL}/call-log"
    return [
        Probe("GET", records, 200, _send("GET", records)),
        Probe("GET", records, 400, _send("GET", f"{records}?limit=-1")),
        Probe("GET", records, 404, _send("GET", f"{records}?extensionId=404")),
        _locked("GET", records, records),
        Probe("GET", settings, 200, _send("GET", settings)),
        _locked("GET", settings, settings),
        Probe("PUT", settings, 200, _send("PUT", settings, json={"delaySeconds": 0})),
        Probe("PUT", settings, 400, _send("PUT", settings, json={"delaySeconds": -1})),
        _locked("PUT", settings, settings),
    ]


def docs_probes() -> list[Probe]:
    """The landing page (HTML and JSON) and the Swagger UI assets: never behind the control token."""
    asset = f"{CONTROL}/docs/assets/{{asset}}"
    return [
        Probe("GET", "/", 200, _send("GET", "/", headers={"Accept": "text/html"}), LOCKED),
        Probe("GET", "/", 200, _send("GET", "/", headers={"Accept": "application/json"}), LOCKED),
        *(
            Probe("GET", asset, 200, _send("GET", f"{CONTROL}/docs/assets/{name}"), LOCKED)
            for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
        ),
        Probe("GET", asset, 404, _send("GET", f"{CONTROL}/docs/assets/index.html"), LOCKED),
    ]


def _closed_hub(client: TestClient) -> httpx.Response:
    """A hub told to close (as at shutdown): the stream sends its first event and ends."""
    client.app.state.events.close()  # type: ignore[attr-defined]
    response: httpx.Response = client.get(f"{CONTROL}/events")
    return response


def _full_hub(client: TestClient) -> httpx.Response:
    client.app.state.events.limit = 0  # type: ignore[attr-defined]
    response: httpx.Response = client.get(f"{CONTROL}/events")
    return response


def dashboard_probes() -> list[Probe]:
    """The dashboard page and its assets (never behind the control token) and its event stream (behind it)."""
    asset = f"{CONTROL}/ui/assets/{{asset}}"
    return [
        Probe("GET", f"{CONTROL}/ui", 200, _send("GET", f"{CONTROL}/ui"), LOCKED),
        *(
            Probe("GET", asset, 200, _send("GET", f"{CONTROL}/ui/assets/{name}"), LOCKED)
            for name in ("dashboard.js", "dashboard.css", "icon.svg")
        ),
        Probe("GET", asset, 404, _send("GET", f"{CONTROL}/ui/assets/index.html"), LOCKED),
        Probe("GET", f"{CONTROL}/events", 200, _closed_hub),
        Probe("GET", f"{CONTROL}/events", 503, _full_hub),
        _locked("GET", f"{CONTROL}/events", f"{CONTROL}/events"),
    ]


def _fill_faults(client: TestClient) -> httpx.Response:
    """``MAX_FAULTS`` rules, then one more: 409."""
    for _ in range(MAX_FAULTS):
        assert client.post(FAULTS, json={"effect": "empty", "pathPrefix": "/nowhere"}).status_code == 201
    response: httpx.Response = client.post(FAULTS, json={"effect": "empty"})
    return response


def fault_probes() -> list[Probe]:
    one = f"{FAULTS}/{{faultId}}"
    return [
        Probe("GET", FAULTS, 200, _send("GET", FAULTS)),
        _locked("GET", FAULTS, FAULTS),
        Probe("POST", FAULTS, 201, _send("POST", FAULTS, json={"effect": "error", "status": 503, "times": 1})),
        Probe("POST", FAULTS, 400, _send("POST", FAULTS, json={"effect": "error", "status": 418})),
        Probe("POST", FAULTS, 409, _fill_faults),
        _locked("POST", FAULTS, FAULTS),
        Probe("DELETE", FAULTS, 204, _send("DELETE", FAULTS)),
        _locked("DELETE", FAULTS, FAULTS),
        Probe(
            "DELETE", one, 204, lambda c: c.delete(f"{FAULTS}/{c.post(FAULTS, json={'effect': 'reset'}).json()['id']}")
        ),
        Probe("DELETE", one, 404, _send("DELETE", f"{FAULTS}/nope")),
        _locked("DELETE", one, f"{FAULTS}/1"),
    ]


def _created(then: Callable[[TestClient, str], httpx.Response]) -> Send:
    """Create an account, then ``then(client, its id)``."""

    def run(client: TestClient) -> httpx.Response:
        response = client.post(ACCOUNTS)
        assert response.status_code == 201, response.text
        return then(client, response.json()["id"])

    return run


def account_probes() -> list[Probe]:
    one = f"{ACCOUNTS}/{{accountId}}"
    file_account = f"{ACCOUNTS}/400131560008"
    return [
        Probe("POST", ACCOUNTS, 201, _send("POST", ACCOUNTS, json={"name": "worker gw0"})),
        Probe("POST", ACCOUNTS, 400, _send("POST", ACCOUNTS, json={"template": {"accounts": []}})),
        Probe("POST", ACCOUNTS, 409, _send("POST", ACCOUNTS), {"max_accounts": 0}),
        _locked("POST", ACCOUNTS, ACCOUNTS),
        Probe("GET", ACCOUNTS, 200, _created(lambda c, _: c.get(ACCOUNTS))),
        _locked("GET", ACCOUNTS, ACCOUNTS),
        Probe("GET", one, 200, _created(lambda c, made: c.get(f"{ACCOUNTS}/{made}"))),
        Probe("GET", one, 404, _send("GET", f"{ACCOUNTS}/404")),
        _locked("GET", one, file_account),
        Probe("DELETE", one, 204, _created(lambda c, made: c.delete(f"{ACCOUNTS}/{made}"))),
        Probe("DELETE", one, 404, _send("DELETE", f"{ACCOUNTS}/404")),
        Probe("DELETE", one, 409, _send("DELETE", file_account)),
        _locked("DELETE", one, file_account),
    ]


ACCOUNT_PARAMETERS = ("#/components/parameters/EmulatorAccount", "#/components/parameters/EmulatorAccountQuery")


def declares_account(parameters: list[dict[str, Any]]) -> bool:
    """Whether an operation's parameters reference both account parameters (header and query)."""
    refs = {p.get("$ref") for p in parameters}
    return all(ref in refs for ref in ACCOUNT_PARAMETERS)


def account_scope_probes() -> list[Probe]:
    """For every operation declaring the account parameters: an unknown account named by the
    header -> 404 CMN-102, an over-long one in the query -> 400 CMN-101 (the path's own
    parameters need no real value: the account is checked before the route runs)."""
    found = []
    for op in operations(load(OPENAPI_FILE)):
        if declares_account(op.spec["parameters"]):
            url = re.sub(r"\{[^}]+\}", "x", op.path)
            found += [
                Probe(op.method, op.path, 404, _send(op.method, url, headers={"X-Emulator-Account": "404404"})),
                Probe(op.method, op.path, 400, _send(op.method, url, params={"account": "9" * 65})),
            ]
    return found
