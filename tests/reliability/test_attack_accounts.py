"""Hostile input against ``/__emulator/accounts`` on a served ``python -m emulator``: oversize,
garbage and deeply nested bodies and templates, huge or odd account ids in the header, the query
and the path, and 10,000 creates against the cap. Every answer is a RingCentral-shaped 4xx and
nothing already stored is lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.reliability.attack import Emulator, assert_error, client_for, served

ACCOUNTS = "/__emulator/accounts"
CAP = 20

emulator = served("--clock", "manual", "--auth", "lenient", "--max-accounts", str(CAP))


@pytest.fixture
def http(emulator: Emulator) -> Iterator[httpx.Client]:
    """A client on the served emulator with no created account left by another test."""
    with client_for(emulator) as client:
        for record in client.get(ACCOUNTS).json()["records"]:
            if record["origin"] == "created":
                assert client.delete(f"{ACCOUNTS}/{record['id']}").status_code == 204
        yield client


def _stored(http: httpx.Client) -> tuple[dict[str, Any], list[Any]]:
    """An account holding a rule: what every attack below must leave as it is."""
    created = http.post(ACCOUNTS, json={"name": "kept"})
    assert created.status_code == 201, created.text
    account: dict[str, Any] = created.json()
    rule = http.post("/__emulator/rules", json={"scenario": "busy"}, params={"account": account["id"]})
    assert rule.status_code == 201, rule.text
    return account, [rule.json()]


def _still_there(http: httpx.Client, account: dict[str, Any], rules: list[Any]) -> None:
    listed = [r for r in http.get(ACCOUNTS).json()["records"] if r["origin"] == "created"]
    assert [r["id"] for r in listed] == [account["id"]]
    assert http.get(f"{ACCOUNTS}/{account['id']}").json()["extensions"] == account["extensions"]
    assert http.get("/__emulator/rules", params={"account": account["id"]}).json()["records"] == rules


def _nested(depth: int) -> bytes:
    return b'{"template": ' + b'{"accounts": [' * depth + b"1" + b"]}" * depth + b"}"


BODIES = [
    pytest.param(b"x" * (64 * 1024 + 1), "application/json", 413, "CMN-413", id="oversize"),
    pytest.param(b"{not json", "application/json", 400, "CMN-103", id="garbage"),
    pytest.param(b"[1, 2]", "application/json", 400, "CMN-104", id="not-an-object"),
    pytest.param(b'{"name": "a"}', "text/plain", 415, "CMN-415", id="media-type"),
    pytest.param(b'{"name": "' + b"n" * 50_000 + b'"}', "application/json", 400, "CMN-101", id="long-name"),
    pytest.param(b'{"template": "accounts.yaml"}', "application/json", 400, "CMN-101", id="template-text"),
    pytest.param(_nested(20), "application/json", 400, "CMN-101", id="template-nested"),
    pytest.param(_nested(3_000), "application/json", 400, "CMN-103", id="template-too-deep"),
    pytest.param(b'{"template": {"accounts": [{"id": "1"}]}}', "application/json", 400, "CMN-101", id="template-bad"),
    pytest.param(b'{"name": "\\ud800"}', "application/json", 400, "CMN-103", id="lone-surrogate"),
]


@pytest.mark.parametrize(("body", "media", "status", "code"), BODIES)
def test_bad_bodies_answer_4xx_and_lose_nothing(
    http: httpx.Client, body: bytes, media: str, status: int, code: str
) -> None:
    account, rules = _stored(http)
    response = http.post(ACCOUNTS, content=body, headers={"Content-Type": media})
    assert_error(response, status, code)
    _still_there(http, account, rules)


@pytest.mark.parametrize(
    ("where", "value", "status"),
    [
        ("header", "9" * 10_000, 400),
        ("query", "9" * 10_000, 400),
        ("header", "", 400),
        ("query", "\u200b", 404),
        ("query", "../400131560008", 404),
        ("header", "400131560008", 200),
    ],
)
def test_hostile_account_ids_on_the_control_plane(http: httpx.Client, where: str, value: str, status: int) -> None:
    account, rules = _stored(http)
    kwargs: dict[str, Any] = (
        {"headers": {"X-Emulator-Account": value}} if where == "header" else {"params": {"account": value}}
    )
    response = http.post("/__emulator/rules", json={"scenario": "no_answer"}, **kwargs)
    if status == 200:
        assert response.status_code == 201, response.text  # the global namespace (a file account)
        assert http.delete("/__emulator/rules").status_code == 204
    else:
        body = assert_error(response, status, "CMN-101" if status == 400 else "CMN-102")
        assert body["errors"][0]["parameterName"] == "account"
    _still_there(http, account, rules)


@pytest.mark.parametrize("account_id", ["9" * 8_000, "%00", "%2e%2e", "400131560008%0A"])
def test_hostile_ids_in_the_path_are_404(http: httpx.Client, account_id: str) -> None:
    account, rules = _stored(http)
    for method in ("GET", "DELETE"):
        assert_error(http.request(method, f"{ACCOUNTS}/{account_id}"), 404, "CMN-102")
    _still_there(http, account, rules)


def test_ten_thousand_creates_against_the_cap(http: httpx.Client) -> None:
    account, rules = _stored(http)
    statuses: dict[int, int] = {}
    refusal = None
    for _ in range(10_000):
        response = http.post(ACCOUNTS)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code == 409:
            refusal = response
    assert statuses == {201: CAP - 1, 409: 10_000 - CAP + 1}
    assert refusal is not None
    body = assert_error(refusal, 409, "EMU-409")
    assert body["message"] == f"At most {CAP} accounts may be created (max_accounts): delete some first"
    created = [r for r in http.get(ACCOUNTS).json()["records"] if r["origin"] == "created"]
    assert len(created) == CAP and created[0]["id"] == account["id"]
    assert http.get("/__emulator/rules", params={"account": account["id"]}).json()["records"] == rules
