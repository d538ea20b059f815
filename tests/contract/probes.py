"""Probes: one real request per (operation, declared status), for the app/file sync test.

A probe names the operation (the file's method and path template), the status it must produce,
how to send it, the settings of the app it runs against, and which other operations it needs
(e.g. the token route, to log in). A probe whose operations are not served yet is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.conftest import SEED_SAMPLE

BASE = "/restapi/v1.0/account/{accountId}/extension/{extensionId}"
CONTROL = "/__emulator"
TOKEN = ("POST", "/restapi/oauth/token")
CLIENT = ("emulator-client-id", "emulator-client-secret")
JWT_GRANT = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "emulator-jwt"}
OWN = "/restapi/v1.0/account/~/extension/~"
OTHER = "/restapi/v1.0/account/~/extension/400131560010"  # another extension of the same account
UNKNOWN_ACCOUNT = "/restapi/v1.0/account/1/extension/~"
STRICT = {"auth": "strict"}
Send = Callable[[TestClient], httpx.Response]


@dataclass(frozen=True)
class Probe:
    method: str
    path: str  # the file's path template
    status: int
    send: Send
    settings: dict[str, Any] = field(default_factory=dict)
    requires: frozenset[tuple[str, str]] = frozenset()  # other operations it needs

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


def login(client: TestClient) -> str:
    """Logs the client in as the default extension (JWT grant) and returns the access token."""
    response = client.post("/restapi/oauth/token", data=JWT_GRANT, auth=CLIENT)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return token


def as_logged_in(send: Send) -> Send:
    def run(client: TestClient) -> httpx.Response:
        login(client)
        return send(client)

    return run


def _strict_probes(method: str, path: str, url: str, other_url: str) -> list[Probe]:
    """401 without a token, and 403 for another extension's path, both in strict auth mode."""
    return [
        Probe(method, path, 401, lambda c: c.request(method, url), STRICT, frozenset({TOKEN})),
        Probe(method, path, 403, as_logged_in(lambda c: c.request(method, other_url)), STRICT, frozenset({TOKEN})),
    ]


def _create(client: TestClient, spelling: str) -> str:
    response = client.post(f"{OWN}/{spelling}", json=SEED_SAMPLE)
    assert response.status_code == 200, response.text
    call_id: str = response.json()["id"]
    return call_id


def ringout_probes(spelling: str) -> list[Probe]:
    collection, item = f"{BASE}/{spelling}", f"{BASE}/{spelling}/{{ringoutId}}"
    url = f"{OWN}/{spelling}"
    bad_to = {"from": {"phoneNumber": "13445554444"}, "to": {"phoneNumber": "not a number"}}
    foreign_caller_id = {**SEED_SAMPLE, "callerId": {"phoneNumber": "+16505550199"}}
    return [
        Probe("POST", collection, 200, lambda c: c.post(url, json=SEED_SAMPLE)),
        Probe("POST", collection, 400, lambda c: c.post(url, json=bad_to)),
        Probe("POST", collection, 401, lambda c: c.post(url, json=SEED_SAMPLE), STRICT, frozenset({TOKEN})),
        Probe("POST", collection, 403, lambda c: c.post(url, json=foreign_caller_id)),
        Probe("POST", collection, 404, lambda c: c.post(f"{UNKNOWN_ACCOUNT}/{spelling}", json=SEED_SAMPLE)),
        Probe("POST", collection, 413, lambda c: c.post(url, json={"to": {"phoneNumber": "1" * 70_000}})),
        Probe("POST", collection, 415, lambda c: c.post(url, content=b"to=1", headers={"Content-Type": "text/plain"})),
        Probe(
            "POST",
            collection,
            503,
            lambda c: (_create(c, spelling), c.post(url, json=SEED_SAMPLE))[1],
            {"max_calls": 1},
        ),
        Probe("GET", item, 200, lambda c: c.get(f"{url}/{_create(c, spelling)}")),
        Probe("GET", item, 404, lambda c: c.get(f"{url}/unknown")),
        Probe("DELETE", item, 204, lambda c: c.delete(f"{url}/{_create(c, spelling)}")),
        Probe("DELETE", item, 404, lambda c: c.delete(f"{url}/unknown")),
        *_strict_probes("GET", item, f"{url}/unknown", f"{OTHER}/{spelling}/unknown"),
        *_strict_probes("DELETE", item, f"{url}/unknown", f"{OTHER}/{spelling}/unknown"),
    ]


def oauth_probes() -> list[Probe]:
    token, revoke, authorize = "/restapi/oauth/token", "/restapi/oauth/revoke", "/restapi/oauth/authorize"
    wrong_jwt = {**JWT_GRANT, "assertion": "not-the-jwt"}
    big = {**JWT_GRANT, "assertion": "x" * 20_000}
    code_request = {"response_type": "code", "client_id": CLIENT[0], "redirect_uri": "http://localhost/callback"}
    unknown_client = {**code_request, "client_id": "unknown-client"}
    return [
        Probe("POST", token, 200, lambda c: c.post(token, data=JWT_GRANT, auth=CLIENT)),
        Probe("POST", token, 400, lambda c: c.post(token, data=wrong_jwt, auth=CLIENT)),
        Probe("POST", token, 413, lambda c: c.post(token, data=big, auth=CLIENT)),
        Probe("POST", token, 415, lambda c: c.post(token, json=JWT_GRANT, auth=CLIENT)),
        Probe(
            "POST", revoke, 200, lambda c: c.post(revoke, data={"token": login(c)}, auth=CLIENT), {}, frozenset({TOKEN})
        ),
        Probe("POST", revoke, 400, lambda c: c.post(revoke, auth=CLIENT)),
        Probe("POST", revoke, 413, lambda c: c.post(revoke, data={"token": "x" * 20_000}, auth=CLIENT)),
        Probe("POST", revoke, 415, lambda c: c.post(revoke, json={"token": "x"}, auth=CLIENT)),
        Probe("GET", authorize, 302, lambda c: c.get(authorize, params=code_request, follow_redirects=False)),
        Probe("GET", authorize, 400, lambda c: c.get(authorize, params=unknown_client, follow_redirects=False)),
    ]


def directory_probes() -> list[Probe]:
    numbers = f"{BASE}/forwarding-number"
    return [
        Probe("GET", numbers, 200, lambda c: c.get(f"{OWN}/forwarding-number")),
        Probe("GET", numbers, 400, lambda c: c.get(f"{OWN}/forwarding-number", params={"perPage": 0})),
        Probe("GET", numbers, 404, lambda c: c.get(f"{UNKNOWN_ACCOUNT}/forwarding-number")),
        *_strict_probes("GET", numbers, f"{OWN}/forwarding-number", f"{OTHER}/forwarding-number"),
        Probe("GET", BASE, 200, lambda c: c.get(OWN)),
        Probe("GET", BASE, 404, lambda c: c.get(UNKNOWN_ACCOUNT)),
        *_strict_probes("GET", BASE, OWN, OTHER),
    ]


NO_CALL_LOG = ("emulator-no-ringout-client-id", "emulator-no-ringout-client-secret")  # an app without ReadCallLog


def _ended_logged_call(client: TestClient) -> str:
    """A call whose record is visible: created, the delay set to 0, the clock past its end."""
    _create(client, "ring-out")
    assert client.put(f"{CONTROL}/call-log/settings", json={"delaySeconds": 0}).status_code == 200
    assert client.post(f"{CONTROL}/clock/advance", json={"seconds": 60}).status_code == 200
    records = client.get(f"{OWN}/call-log").json()["records"]
    record_id: str = records[0]["id"]
    return record_id


def _logged_in_as(url: str, auth: tuple[str, str], scope: str | None = None) -> Send:
    """GET ``url`` with a token of the app ``auth`` (its scope narrowed to ``scope``)."""

    def run(client: TestClient) -> httpx.Response:
        grant = JWT_GRANT if scope is None else {**JWT_GRANT, "scope": scope}
        token: str = client.post("/restapi/oauth/token", data=grant, auth=auth).json()["access_token"]
        response: httpx.Response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        return response

    return run


def call_log_probes() -> list[Probe]:
    log, record, active = f"{BASE}/call-log", f"{BASE}/call-log/{{callRecordId}}", f"{BASE}/active-calls"
    account = "/restapi/v1.0/account/{accountId}"
    settings, advance = ("PUT", f"{CONTROL}/call-log/settings"), ("POST", f"{CONTROL}/clock/advance")
    needs = frozenset({settings, advance, ("POST", f"{BASE}/ring-out")})
    return [
        Probe("GET", log, 200, lambda c: c.get(f"{OWN}/call-log", params={"view": "Detailed"})),
        Probe("GET", log, 400, lambda c: c.get(f"{OWN}/call-log", params={"view": "Full"})),
        Probe("GET", log, 403, _logged_in_as(f"{OWN}/call-log", NO_CALL_LOG), STRICT, frozenset({TOKEN})),
        Probe("GET", log, 404, lambda c: c.get(f"{UNKNOWN_ACCOUNT}/call-log")),
        *_strict_probes("GET", log, f"{OWN}/call-log", f"{OTHER}/call-log"),
        Probe("GET", record, 200, lambda c: c.get(f"{OWN}/call-log/{_ended_logged_call(c)}"), {}, needs),
        Probe("GET", record, 207, lambda c: c.get(f"{OWN}/call-log/{_ended_logged_call(c)},unknown"), {}, needs),
        Probe("GET", record, 400, lambda c: c.get(f"{OWN}/call-log/{','.join(['x'] * 51)}")),
        Probe("GET", record, 404, lambda c: c.get(f"{OWN}/call-log/unknown")),
        *_strict_probes("GET", record, f"{OWN}/call-log/unknown", f"{OTHER}/call-log/unknown"),
        Probe("GET", active, 200, lambda c: (_create(c, "ring-out"), c.get(f"{OWN}/active-calls"))[1]),
        Probe("GET", active, 400, lambda c: c.get(f"{OWN}/active-calls", params={"perPage": "none"})),
        Probe("GET", active, 404, lambda c: c.get(f"{UNKNOWN_ACCOUNT}/active-calls")),
        *_strict_probes("GET", active, f"{OWN}/active-calls", f"{OTHER}/active-calls"),
        Probe("GET", account, 200, lambda c: c.get("/restapi/v1.0/account/~")),
        Probe("GET", account, 401, lambda c: c.get("/restapi/v1.0/account/~"), STRICT, frozenset({TOKEN})),
        Probe(
            "GET", account, 403, _logged_in_as("/restapi/v1.0/account/~", CLIENT, "RingOut"), STRICT, frozenset({TOKEN})
        ),
        Probe("GET", account, 404, lambda c: c.get("/restapi/v1.0/account/1")),
    ]


def control_probes() -> list[Probe]:
    return [
        Probe("GET", f"{CONTROL}/health", 200, lambda c: c.get(f"{CONTROL}/health")),
        Probe("GET", f"{CONTROL}/ready", 200, lambda c: c.get(f"{CONTROL}/ready")),
        Probe("GET", f"{CONTROL}/openapi.yaml", 200, lambda c: c.get(f"{CONTROL}/openapi.yaml")),
        Probe("GET", f"{CONTROL}/docs", 200, lambda c: c.get(f"{CONTROL}/docs")),
    ]


ONE_PER_WINDOW = {"rate_limits": "platform", "rate_limit_heavy": 1, "rate_limit_light": 1, "rate_limit_auth": 1}


def twice(send: Send) -> Send:
    """The second of two requests, with every group's limit at 1: 429."""
    return lambda c: (send(c), send(c))[1]


def throttled_probes() -> list[Probe]:
    token, revoke, authorize = "/restapi/oauth/token", "/restapi/oauth/revoke", "/restapi/oauth/authorize"
    code_request = {"response_type": "code", "client_id": CLIENT[0], "redirect_uri": "http://localhost/callback"}
    probes = [
        Probe("POST", token, 429, twice(lambda c: c.post(token, data=JWT_GRANT, auth=CLIENT)), ONE_PER_WINDOW),
        Probe("POST", revoke, 429, twice(lambda c: c.post(revoke, data={"token": "x"}, auth=CLIENT)), ONE_PER_WINDOW),
        Probe("GET", authorize, 429, twice(lambda c: c.get(authorize, params=code_request)), ONE_PER_WINDOW),
        Probe(
            "GET", f"{BASE}/forwarding-number", 429, twice(lambda c: c.get(f"{OWN}/forwarding-number")), ONE_PER_WINDOW
        ),
        Probe("GET", BASE, 429, twice(lambda c: c.get(OWN)), ONE_PER_WINDOW),
    ]
    for spelling in ("ring-out", "ringout"):
        probes += _throttled_ringout(spelling)
    return probes


def _throttled_ringout(spelling: str) -> list[Probe]:
    url, item = f"{OWN}/{spelling}", f"{BASE}/{spelling}/{{ringoutId}}"
    return [
        Probe("POST", f"{BASE}/{spelling}", 429, twice(lambda c: c.post(url, json=SEED_SAMPLE)), ONE_PER_WINDOW),
        Probe("GET", item, 429, twice(lambda c: c.get(f"{url}/x")), ONE_PER_WINDOW),
        Probe("DELETE", item, 429, twice(lambda c: c.delete(f"{url}/x")), ONE_PER_WINDOW),
    ]


def ws_token_probes() -> list[Probe]:
    """``POST /restapi/oauth/wstoken``: 200, 401 without a token, 403 for an app without
    ``WebSocket``, 429 past the Auth group's limit."""
    wstoken = "/restapi/oauth/wstoken"

    def without_permission(client: TestClient) -> httpx.Response:
        token = client.post("/restapi/oauth/token", data=JWT_GRANT, auth=NO_CALL_LOG).json()["access_token"]
        response: httpx.Response = client.post(wstoken, headers={"Authorization": f"Bearer {token}"})
        return response

    return [
        Probe("POST", wstoken, 200, as_logged_in(lambda c: c.post(wstoken)), STRICT, frozenset({TOKEN})),
        Probe("POST", wstoken, 401, lambda c: c.post(wstoken), STRICT, frozenset({TOKEN})),
        Probe("POST", wstoken, 403, without_permission, STRICT, frozenset({TOKEN})),
        Probe("POST", wstoken, 429, twice(lambda c: c.post(wstoken)), ONE_PER_WINDOW),
    ]


PROBES = [
    *ws_token_probes(),
    *throttled_probes(),
    *ringout_probes("ring-out"),
    *ringout_probes("ringout"),
    *oauth_probes(),
    *directory_probes(),
    *call_log_probes(),
    *control_probes(),
]
