"""The request journal: what is recorded, masking, filters, count, bounds, off, clear."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.api.control_helpers import CALLER, START, error, ringout
from tests.conftest import RINGOUT


def test_an_entry_records_request_response_and_call(client: TestClient) -> None:
    response = ringout(client, "+12025550101", headers={"User-Agent": "my-app/1.0"})
    call_id = response.json()["id"]
    journal = client.get("/__emulator/requests")
    assert journal.status_code == 200
    body = journal.json()
    (entry,) = body["records"]
    assert (body["count"], body["size"]) == (1, 1000)
    assert entry["durationMs"] > 0
    del entry["durationMs"]
    assert entry == {
        "seq": 1,
        "method": "POST",
        "path": RINGOUT,
        "query": {},
        "headers": {
            "host": "testserver",
            "accept": "*/*",
            "accept-encoding": "gzip, deflate",
            "connection": "keep-alive",
            "user-agent": "my-app/1.0",
            "authorization": "Bearer ***",
            "content-length": "37",
            "content-type": "application/json",
        },
        "status": 200,
        "at": START,
        "callId": call_id,
        "scenario": "busy",
        "scenarioSource": "magic-number",
        "to": "+12025550101",
        "from": CALLER,
    }


def test_secrets_are_masked(client: TestClient) -> None:
    query = {"access_token": "a", "password": "b", "client_secret": "c", "assertion": "d", "refresh_token": "e"}
    client.get("/restapi/v1.0/anything", params={**query, "keep": "visible"}, headers={"X-Emulator-Control-Token": "t"})
    (entry,) = client.get("/__emulator/requests").json()["records"]
    assert entry["query"] == {**dict.fromkeys(query, "***"), "keep": "visible"}
    assert entry["headers"]["x-emulator-control-token"] == "***"
    assert entry["headers"]["authorization"] == "Bearer ***"
    assert entry["status"] == 404


def test_filters_and_count(client: TestClient) -> None:
    first = ringout(client, "+16505550177").json()["id"]
    ringout(client, "+16505550178")
    client.get(f"{RINGOUT}/{first}")
    client.get(f"{RINGOUT}/unknown")
    count = client.get("/__emulator/requests/count", params={"method": "post", "to": "+16505550177"})
    assert (count.status_code, count.json()) == (200, {"count": 1})
    assert client.get("/__emulator/requests/count", params={"callId": first}).json() == {"count": 2}
    assert client.get("/__emulator/requests/count", params={"status": 404}).json() == {"count": 1}
    assert client.get("/__emulator/requests/count", params={"scenario": "success"}).json() == {"count": 3}
    assert client.get("/__emulator/requests/count", params={"from": CALLER}).json() == {"count": 3}
    prefix = client.get("/__emulator/requests/count", params={"pathPrefix": f"{RINGOUT}/"}).json()
    assert prefix == {"count": 2}
    latest = client.get("/__emulator/requests", params={"method": "GET", "limit": 1}).json()["records"]
    assert [e["path"] for e in latest] == [f"{RINGOUT}/unknown"]
    exact = client.get("/__emulator/requests", params={"path": RINGOUT}).json()
    assert [e["seq"] for e in exact["records"]] == [1, 2]


def test_bad_filter_is_400(client: TestClient) -> None:
    response = client.get("/__emulator/requests", params={"status": "ok"})
    assert (response.status_code, response.json()) == (
        400,
        error("CMN-101", "Parameter [status] value is invalid.", parameterName="status"),
    )


def test_control_plane_requests_are_not_journaled(client: TestClient) -> None:
    client.get("/__emulator/clock")
    client.post("/__emulator/clock/advance", json={"seconds": 1})
    assert client.get("/__emulator/requests/count").json() == {"count": 0}


def test_journal_is_bounded(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual", journal_size=3)
    for _ in range(5):
        ringout(client)
    body = client.get("/__emulator/requests").json()
    assert ([e["seq"] for e in body["records"]], body["size"]) == ([3, 4, 5], 3)


def test_journal_size_zero_is_off(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual", journal_size=0)
    ringout(client)
    assert client.get("/__emulator/requests").json() == {"records": [], "count": 0, "size": 0}


def test_clear(client: TestClient) -> None:
    ringout(client)
    assert client.delete("/__emulator/requests").status_code == 204
    assert client.get("/__emulator/requests/count").json() == {"count": 0}
    ringout(client)
    assert client.get("/__emulator/requests").json()["records"][0]["seq"] == 1


def test_number_filters_match_however_the_number_is_written(client: TestClient) -> None:
    ringout(client, "+16505550199")
    ringout(client, "+16505550123")
    for written in ("+16505550199", "16505550199", "6505550199", "%2B16505550199", " 16505550199", "+1 (650) 555-0199"):
        query = f"to={written}" if "%" in written else None
        response = client.get(f"/__emulator/requests/count?{query}") if query else None
        response = response or client.get("/__emulator/requests/count", params={"to": written})
        assert (response.status_code, response.json()) == (200, {"count": 1}), written
    raw_plus = client.get("/__emulator/requests/count?to=+16505550199")  # a raw + is a space in a query
    assert raw_plus.json() == {"count": 1}
    assert client.get("/__emulator/requests/count", params={"to": "not a number"}).json() == {"count": 0}
    caller = client.get("/__emulator/requests/count", params={"from": CALLER.lstrip("+")})
    assert caller.json() == {"count": 2}


def test_a_secret_query_parameter_is_masked(client: TestClient) -> None:
    client.get(f"{RINGOUT}/nope", params={"access_token": "s3cret", "token": "t0k3n", "keep": "me"})
    (entry,) = client.get("/__emulator/requests").json()["records"]
    assert entry["query"] == {"access_token": "***", "token": "***", "keep": "me"}


def test_every_oauth_secret_parameter_is_masked(client: TestClient) -> None:
    """A JWT client assertion, a WebSocket token and an id token are secrets like a password."""
    secrets = {"client_assertion": "ey.jwt.sig", "ws_access_token": "ws-tok", "id_token": "ey.id.sig"}
    client.post("/restapi/oauth/token", params={**secrets, "keep": "me"})
    (entry,) = client.get("/__emulator/requests").json()["records"]
    assert entry["query"] == {"client_assertion": "***", "ws_access_token": "***", "id_token": "***", "keep": "me"}
