"""Hostile heads against a served ``python -m emulator``: past 32 KiB a 431 CMN-431 (the server may
close right after it) with its memory flat under 16 MiB heads; journal entries capped, with a
``truncated`` marker; no secret in the journal or the log; an ``RCRequestId`` on every response."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import RINGOUT, SEED_SAMPLE
from tests.contract.openapi_doc import OPENAPI_FILE, Operation, load, operations
from tests.reliability.attack import (
    APP_BASIC,
    APP_SECRET,
    AUTH,
    KIB,
    MIB,
    OAUTH_PREFIX,
    RSS_BUDGET,
    Emulator,
    assert_answered,
    assert_error,
    exchange,
    fill,
    flood,
    report,
    request_head,
    rss,
    sent,
    served,
)

JOURNAL_SIZE = 100
ENTRY_CAP = 16 * KIB
HEAD_LIMIT = 32 * KIB
HEALTH = "/__emulator/health"
PASSWORD = "emulator-password"
OPERATIONS = list(operations(load(OPENAPI_FILE)))

emulator = served("--clock", "manual", "--auth", "lenient", "--journal-size", str(JOURNAL_SIZE), "--log-level", "info")


def head_of(size: int, shape: str) -> bytes:
    """A GET of health whose head is ``size`` bytes or a few more, grown in one of three ways."""
    if shape == "one header":
        return request_head("GET", HEALTH, {"X-Pad": "a" * size})
    if shape == "many headers":
        return request_head("GET", HEALTH, {f"X-Pad-{n}": "a" * 40 for n in range(size // 50 + 1)})
    return request_head("GET", f"{HEALTH}?pad={'a' * size}")


SHAPES = ["one header", "many headers", "long query"]


# --- 32 KiB -------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_a_head_over_32_kib_is_431(emulator: Emulator, shape: str) -> None:
    head = head_of(HEAD_LIMIT + KIB, shape)
    assert len(head) > HEAD_LIMIT
    response = exchange(emulator.port, head)
    assert response is not None, "closed without a 431"
    assert_error(response, 431, "CMN-431")


@pytest.mark.parametrize("shape", SHAPES)
def test_a_head_just_under_32_kib_is_served(emulator: Emulator, shape: str) -> None:
    head = head_of(HEAD_LIMIT - 2 * KIB, shape)
    assert len(head) < HEAD_LIMIT
    response = exchange(emulator.port, head)
    assert response is not None and response.status_code == 200, response


def test_64_heads_of_16_mib_leave_the_server_memory_flat(emulator: Emulator, http: httpx.Client) -> None:
    assert http.get(HEALTH).status_code == 200
    before = rss(emulator)
    start = f"GET {HEALTH} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Flood: ".encode()
    refused: dict[str, str] = {}
    for n in range(64):
        result = flood(emulator, start, b"a" * (256 * KIB), 16 * MIB, method="GET")
        status = result.response.status_code if result.response is not None else None
        if result.growth >= RSS_BUDGET or result.stalled or status not in (431, None):
            refused[f"head {n}"] = f"RSS +{result.growth // KIB} KiB, {result.sent // MIB} MiB sent, answer {status}"
            break  # one is enough to tell, and the rest would take long
    assert not refused, report(refused)
    assert rss(emulator) - before < RSS_BUDGET
    assert http.get(HEALTH).status_code == 200


# --- the journal keeps little of a large head ---------------------------------------------


def test_journal_entries_are_capped_with_a_truncated_marker(http: httpx.Client) -> None:
    """A full journal of requests with large heads (just under the 32 KiB limit) stays small."""
    big = {"X-Big-1": "b" * 7 * KIB, "X-Big-2": "c" * 7 * KIB}
    for _ in range(JOURNAL_SIZE):
        response = http.get(f"{RINGOUT}/no-such-call", params={"pad": "q" * 15 * KIB}, headers=big)
        assert response.status_code == 404, response.text
    journal = http.get("/__emulator/requests")
    body = journal.json()
    assert (body["size"], body["count"]) == (JOURNAL_SIZE, JOURNAL_SIZE)
    assert len(journal.content) < body["size"] * ENTRY_CAP
    for record in body["records"]:
        assert len(json.dumps(record)) < ENTRY_CAP
        assert "truncated" in json.dumps(record["headers"]) + json.dumps(record["query"])


def test_a_small_journal_entry_is_kept_whole(http: httpx.Client) -> None:
    http.get(f"{RINGOUT}/no-such-call", params={"page": "2"}, headers={"X-Small": "s" * 100})
    (record,) = http.get("/__emulator/requests").json()["records"]
    assert record["query"] == {"page": "2"}
    assert record["headers"]["x-small"] == "s" * 100
    assert "truncated" not in json.dumps(record)


# --- secrets ------------------------------------------------------------------------------


def token_form(http: httpx.Client, form: dict[str, str]) -> dict[str, Any]:
    response = http.post("/restapi/oauth/token", data=form, headers={"Authorization": APP_BASIC})
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def test_no_secret_reaches_the_journal_or_the_log(emulator: Emulator, http: httpx.Client) -> None:
    first = token_form(
        http, {"grant_type": "password", "username": "+16505550100", "extension": "101", "password": PASSWORD}
    )
    with httpx.Client(base_url=emulator.url, timeout=10) as anonymous:  # no Authorization header
        created = anonymous.post(RINGOUT, params={"access_token": first["access_token"]}, json=SEED_SAMPLE)
        assert created.status_code == 200, created.text
        second = token_form(http, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
        for revoke in (
            anonymous.post(
                "/restapi/oauth/revoke", data={"token": second["access_token"]}, headers={"Authorization": APP_BASIC}
            ),
            anonymous.post(
                "/restapi/oauth/revoke", params={"token": second["refresh_token"]}, headers={"Authorization": APP_BASIC}
            ),
        ):
            assert revoke.status_code == 200, revoke.text
    http.get(HEALTH, params={"marker": "end-of-secrets"})
    emulator.wait_for("end-of-secrets", timeout=5)  # every line logged before it has been read
    secrets = {
        "password": PASSWORD,
        "client secret": APP_SECRET,
        "basic credentials": APP_BASIC.split()[1],
        "bearer token": AUTH["Authorization"].split()[1],
        **{f"first {k}": first[k] for k in ("access_token", "refresh_token")},
        **{f"second {k}": second[k] for k in ("access_token", "refresh_token")},
    }
    journal = http.get("/__emulator/requests").text
    log = emulator.log()
    leaked = {
        name: where
        for name, value in secrets.items()
        for where, text in (("journal", journal), ("log", log))
        if value in text
    }
    assert not leaked, report(leaked)


# --- RCRequestId --------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_every_operation_answers_with_an_rcrequestid(http: httpx.Client, call_id: str, op: Operation) -> None:
    """Each operation as a client would first try it (no body, no query): success or error."""
    response = sent(http, op.method, fill(op.path, call_id))
    assert isinstance(response, httpx.Response), response
    assert response.headers.get("rcrequestid"), f"no RCRequestId on a {response.status_code}"
    assert_answered(response, op.path)


@pytest.mark.parametrize("path", sorted({op.path for op in OPERATIONS}))
def test_a_method_a_path_does_not_serve_is_405_with_an_rcrequestid(http: httpx.Client, call_id: str, path: str) -> None:
    response = http.request("PATCH", fill(path, call_id))
    assert_error(response, 405, "CMN-105", oauth=path.startswith(OAUTH_PREFIX))


def test_an_unknown_route_is_404_with_an_rcrequestid(http: httpx.Client) -> None:
    assert_error(http.get("/restapi/v1.0/no-such-thing"), 404, "CMN-102")
    assert_error(http.get("/__emulator/no-such-thing"), 404, "CMN-102")
