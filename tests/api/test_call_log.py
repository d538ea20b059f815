"""The call-log routes through HTTP: every query parameter and error, the 207 batch, active
calls. Every answer is also validated against the official schemas (rc-official-subset-2) by the
clients' response hook (``tests/api/call_log_checks.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from emulator.core.call_results import leg_outcome
from emulator.core.clock import ManualClock
from emulator.core.statuses import CallingStatus
from tests.api.call_log_checks import batch_parts
from tests.api.helpers import ABSOLUTE, expect_error, expect_not_found
from tests.api.oauth_helpers import APP, NO_RINGOUT_APP, api_error, bearer, jwt_login
from tests.spec import assert_matches_spec2, spec2

OWN = "/restapi/v1.0/account/~/extension/~"
LOG = f"{OWN}/call-log"
ACTIVE = f"{OWN}/active-calls"
SETTINGS = "/__emulator/call-log/settings"
CALL = {"from": {"phoneNumber": "+16505550111"}, "to": {"phoneNumber": "+16505550199"}}


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    made = make_client(clock="manual", call_log_delay_seconds=0)
    return made


def call(client: TestClient, scenario: str = "success") -> str:
    response = client.post(f"{OWN}/ring-out", json=CALL, headers={"X-Emulator-Scenario": scenario})
    assert response.status_code == 200, response.text
    call_id: str = response.json()["id"]
    return call_id


def log(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(LOG, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert_matches_spec2("CallLogResponse", body)
    for record in body["records"]:
        assert_matches_spec2("CallLogRecord", record)
        for leg in record.get("legs", []):
            assert_matches_spec2("CallLogRecordLegInfo", leg)
    return body


def invalid(parameter: str, detail: str = "") -> dict[str, Any]:
    message = f"Parameter [{parameter}] value is invalid.{detail}"
    return api_error("CMN-101", message, parameterName=parameter)


def test_a_finished_call_in_both_views(client: TestClient, manual_clock: ManualClock) -> None:
    call(client, "busy")
    manual_clock.shift(10)
    simple = log(client)["records"]
    assert len(simple) == 1
    record = simple[0]
    assert record == {
        "uri": f"{ABSOLUTE}/call-log/{record['id']}?view=Simple",
        "id": record["id"],
        "sessionId": record["sessionId"],
        "telephonySessionId": record["telephonySessionId"],
        "partyId": f"p-{record['telephonySessionId'][2:]}-1",
        "startTime": "2026-01-01T00:00:00.000Z",
        "duration": 6,
        "durationMs": 6000,
        "type": "Voice",
        "direction": "Outbound",
        "action": "RingOut Web",
        "transport": "PSTN",
        "internalType": "RingOut",
        "result": "Busy",
        "reason": "Line Busy",
        "from": {"phoneNumber": "+16505550111", "name": "Alice Emulator"},
        "to": {"phoneNumber": "+16505550199"},
        "extension": {"id": 400131560009, "uri": ABSOLUTE},
    }
    assert len(record["id"]) == 15 and record["sessionId"].isdigit()
    detailed = log(client, view="Detailed")["records"][0]
    assert detailed["uri"].endswith("?view=Detailed")
    assert (detailed["billing"], detailed["lastModifiedTime"]) == (
        {"costIncluded": 0.0, "costPurchased": 0.0},
        "2026-01-01T00:00:06.000Z",
    )
    caller, callee = detailed["legs"]
    assert (caller["legType"], caller["master"], caller["result"], caller["duration"]) == (
        "RingOutWebToCaller",
        True,
        "Call connected",
        6,
    )
    assert (callee["legType"], callee["master"], callee["result"], callee["reason"], callee["startTime"]) == (
        "RingOutWebToSubscriber",
        False,
        "Busy",
        "Line Busy",
        "2026-01-01T00:00:04.000Z",
    )
    assert (callee["from"], callee["to"]) == ({"phoneNumber": "+16505550111"}, {"phoneNumber": "+16505550199"})


def test_one_leg_when_the_caller_never_answered(client: TestClient, manual_clock: ManualClock) -> None:
    call(client, "caller_busy")
    manual_clock.shift(10)
    legs = log(client, view="Detailed")["records"][0]["legs"]
    assert [(leg["legType"], leg["result"]) for leg in legs] == [("RingOutWebToCaller", "Busy")]


def test_the_record_links_to_the_session_ids(client: TestClient, manual_clock: ManualClock) -> None:
    from emulator.core.sessions import session_id, telephony_session_id

    call_id = call(client, "busy")
    manual_clock.shift(10)
    record = log(client)["records"][0]
    assert (record["sessionId"], record["telephonySessionId"]) == (session_id(call_id), telephony_session_id(call_id))
    assert log(client, telephonySessionId=record["telephonySessionId"])["records"] == [record]
    assert log(client, sessionId=record["sessionId"])["records"] == [record]
    assert log(client, sessionId="1")["records"] == []
    both = {"sessionId": record["sessionId"], "telephonySessionId": record["telephonySessionId"]}
    assert log(client, **both)["records"] == [record]
    assert log(client, sessionId=record["sessionId"], telephonySessionId="s-other")["records"] == []


def test_the_default_delay_is_20_seconds(make_client: Callable[..., TestClient], manual_clock: ManualClock) -> None:
    client = make_client(clock="manual")
    call(client, "busy")
    manual_clock.shift(25.999)
    assert log(client)["records"] == []
    manual_clock.shift(0.001)
    assert len(log(client)["records"]) == 1


def test_the_delay_changes_at_run_time(make_client: Callable[..., TestClient], manual_clock: ManualClock) -> None:
    client = make_client(clock="manual")
    assert client.get(SETTINGS).json() == {"delaySeconds": 20.0, "maxRecords": 20_000, "records": 0}
    call(client, "busy")
    manual_clock.shift(10)
    assert log(client)["records"] == []
    response = client.put(SETTINGS, json={"delaySeconds": 0})
    assert (response.status_code, response.json()) == (200, {"delaySeconds": 0.0, "maxRecords": 20_000, "records": 1})
    assert len(log(client)["records"]) == 1
    assert client.post("/__emulator/reset", json={"scopes": ["call-log"]}).status_code == 200
    assert client.get(SETTINGS).json() == {"delaySeconds": 20.0, "maxRecords": 20_000, "records": 0}
    assert log(client)["records"] == []


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({"delaySeconds": -1}, "delaySeconds"),
        ({"delaySeconds": 86_401}, "delaySeconds"),
        ({"delay": 1}, "delaySeconds"),
    ],
)
def test_bad_settings_are_400(client: TestClient, body: dict[str, Any], parameter: str) -> None:
    expect_error(
        client.put(SETTINGS, json=body),
        400,
        "CMN-101",
        f"Parameter [{parameter}] value is invalid.",
        parameterName=parameter,
    )


def test_a_record_outlives_the_ringout(client: TestClient, manual_clock: ManualClock) -> None:
    call_id = call(client, "busy")
    manual_clock.shift(3600)
    expect_not_found(client.get(f"{OWN}/ring-out/{call_id}"))
    assert log(client, dateFrom="2026-01-01T00:00:00Z")["records"][0]["result"] == "Busy"


def test_an_undated_list_shows_the_last_24_hours(client: TestClient, manual_clock: ManualClock) -> None:
    call(client, "busy")
    manual_clock.shift(86_400 + 60)
    assert log(client)["records"] == []
    assert len(log(client, dateFrom="2026-01-01T00:00:00Z")["records"]) == 1
    assert len(log(client, dateFrom="2026-01-01T00:00:00")["records"]) == 1  # no zone: UTC
    assert log(client, dateFrom="2025-12-31T00:00:00Z", dateTo="2025-12-31T23:59:59Z")["records"] == []


def test_paging_and_navigation(client: TestClient, manual_clock: ManualClock) -> None:
    for _ in range(5):
        call(client, "busy")
        manual_clock.shift(10)
    first = log(client, perPage=2)
    assert first["paging"] == {
        "page": 1,
        "totalPages": 3,
        "perPage": 2,
        "totalElements": 5,
        "pageStart": 0,
        "pageEnd": 1,
    }
    assert first["navigation"] == {
        "firstPage": {"uri": f"{ABSOLUTE}/call-log?page=1&perPage=2"},
        "lastPage": {"uri": f"{ABSOLUTE}/call-log?page=3&perPage=2"},
        "nextPage": {"uri": f"{ABSOLUTE}/call-log?page=2&perPage=2"},
    }
    assert first["uri"] == f"{ABSOLUTE}/call-log?perPage=2"
    last = log(client, perPage=2, page=3, view="Detailed")
    assert (len(last["records"]), last["paging"]["pageStart"], last["paging"]["pageEnd"]) == (1, 4, 4)
    assert last["navigation"]["previousPage"] == {"uri": f"{ABSOLUTE}/call-log?view=Detailed&page=2&perPage=2"}
    assert "nextPage" not in last["navigation"]
    beyond = log(client, perPage=2, page=4)
    assert (beyond["records"], beyond["paging"]) == ([], {"page": 4, "totalPages": 3, "perPage": 2, "totalElements": 5})
    starts = [r["startTime"] for r in log(client)["records"]]
    assert starts == sorted(starts, reverse=True)  # newest first


@pytest.mark.parametrize(("given", "used"), [("max", 1000), ("1000", 1000), ("5000", 1000), ("1", 1)])
def test_per_page_max_and_clamping(client: TestClient, given: str, used: int) -> None:
    assert log(client, perPage=given)["paging"]["perPage"] == used


def test_filters(client: TestClient, manual_clock: ManualClock) -> None:
    call(client, "busy")
    manual_clock.shift(10)
    assert len(log(client, direction="Outbound")["records"]) == 1
    assert log(client, direction="Inbound")["records"] == []
    response = client.get(LOG, params=[("direction", "Inbound"), ("direction", "Outbound")])
    assert len(response.json()["records"]) == 1
    assert len(log(client, type="Voice")["records"]) == 1
    assert log(client, type="Fax")["records"] == []
    assert len(log(client, phoneNumber="16505550199")["records"]) == 1
    assert len(log(client, phoneNumber="+16505550199")["records"]) == 1
    assert log(client, phoneNumber="16505550000")["records"] == []


def test_transport_and_recording_filters(client: TestClient, manual_clock: ManualClock) -> None:
    """A RingOut record is PSTN and has no recording: ``transport=VoIP``, ``withRecording=true``
    and ``recordingType`` find none of them (they were ignored: every record came back)."""
    call(client, "busy")
    manual_clock.shift(10)
    assert len(log(client, transport="PSTN")["records"]) == 1
    assert len(client.get(LOG, params=[("transport", "VoIP"), ("transport", "PSTN")]).json()["records"]) == 1
    assert len(log(client, withRecording="false", showBlocked="true", showDeleted="false")["records"]) == 1
    for empty in ({"transport": "VoIP"}, {"withRecording": "true"}, {"recordingType": "All"}):
        found = log(client, **empty)
        assert (found["records"], found["paging"]["totalElements"]) == ([], 0)


VIEW = " Valid values: 'Simple' or 'Detailed'."
BAD = [
    ("view", "Full", VIEW),
    ("perPage", "0", ""),
    ("perPage", "-1", ""),
    ("perPage", "many", ""),
    ("perPage", "1_0", ""),
    ("page", "0", ""),
    ("page", "1001", ""),
    ("page", "x", ""),
    ("dateFrom", "yesterday", ""),
    ("dateTo", "2026-13-01T00:00:00Z", ""),
    ("direction", "Sideways", " Valid values: 'Inbound' or 'Outbound'."),
    ("type", "SMS", " Valid values: 'Voice' or 'Fax'."),
    ("phoneNumber", "call-me", ""),
    ("sessionId", "1" * 65, ""),
    ("telephonySessionId", "s" * 65, ""),
    ("transport", "Carrier", " Valid values: 'PSTN' or 'VoIP'."),
    ("recordingType", "Some", " Valid values: 'Automatic', 'OnDemand' or 'All'."),
    ("withRecording", "maybe", ""),
    ("showBlocked", "maybe", ""),
    ("showDeleted", "maybe", ""),
]


@pytest.mark.parametrize(("parameter", "value", "detail"), BAD)
def test_bad_query_values_are_400_naming_the_parameter(
    client: TestClient, parameter: str, value: str, detail: str
) -> None:
    response = client.get(LOG, params={parameter: value})
    assert (response.status_code, response.json()) == (400, invalid(parameter, detail))


@pytest.mark.parametrize(("parameter", "value", "detail"), [b for b in BAD if b[0] in ("view", "perPage", "page")])
def test_bad_active_calls_query_values_are_400(client: TestClient, parameter: str, value: str, detail: str) -> None:
    response = client.get(ACTIVE, params={parameter: value})
    assert (response.status_code, response.json()) == (400, invalid(parameter, detail))


def test_one_record_by_id(client: TestClient, manual_clock: ManualClock) -> None:
    call(client, "busy")
    manual_clock.shift(10)
    listed = log(client, view="Detailed")["records"][0]
    response = client.get(f"{LOG}/{listed['id']}", params={"view": "Detailed"})
    assert response.status_code == 200
    assert_matches_spec2("CallLogRecord", response.json())
    assert response.json() == listed
    simple = client.get(f"{LOG}/{listed['id']}").json()
    assert "legs" not in simple and simple["uri"].endswith("?view=Simple")
    expect_not_found(client.get(f"{LOG}/unknown"), "callRecordId")
    expect_error(
        client.get(f"{LOG}/{listed['id']}", params={"view": "x"}),
        400,
        "CMN-101",
        f"Parameter [view] value is invalid.{VIEW}",
        parameterName="view",
    )


def test_a_record_not_yet_visible_is_not_found(
    make_client: Callable[..., TestClient], manual_clock: ManualClock
) -> None:
    client = make_client(clock="manual")
    call(client, "busy")
    manual_clock.shift(10)
    client.put(SETTINGS, json={"delaySeconds": 0})
    record_id = log(client)["records"][0]["id"]
    client.put(SETTINGS, json={"delaySeconds": 20})
    expect_not_found(client.get(f"{LOG}/{record_id}"), "callRecordId")


def test_a_comma_list_is_a_207_multipart_batch(client: TestClient, manual_clock: ManualClock) -> None:
    call(client, "busy")
    call(client, "rejected")
    manual_clock.shift(10)
    first, second = (r["id"] for r in log(client)["records"])
    response = client.get(f"{LOG}/{first},unknown,{second}")
    assert response.status_code == 207
    assert response.headers["content-type"].startswith("multipart/mixed; boundary=")
    statuses, *bodies = batch_parts(response)
    assert statuses == {
        "response": [
            {"href": f"{ABSOLUTE}/call-log/{first}", "status": 200, "responseDescription": "OK"},
            {"href": f"{ABSOLUTE}/call-log/unknown", "status": 404, "responseDescription": "Error"},
            {"href": f"{ABSOLUTE}/call-log/{second}", "status": 200, "responseDescription": "OK"},
        ]
    }
    assert [b.get("id") for b in bodies] == [first, None, second]
    for body in (bodies[0], bodies[2]):
        assert_matches_spec2("CallLogRecord", body)
    assert bodies[1] == api_error(
        "CMN-102", "Resource for parameter [callRecordId] is not found", parameterName="callRecordId"
    )


@pytest.mark.parametrize("ids", [",".join(["x"] * 51), "a,,b", ","])
def test_a_bad_batch_is_400(client: TestClient, ids: str) -> None:
    detail = " Give 1 to 50 comma-separated ids."
    response = client.get(f"{LOG}/{ids}")
    assert (response.status_code, response.json()) == (400, invalid("callRecordId", detail))


def test_active_calls(client: TestClient, manual_clock: ManualClock) -> None:
    call(client, "success")
    manual_clock.shift(5)
    response = client.get(ACTIVE, params={"view": "Detailed"})
    assert response.status_code == 200
    body = response.json()
    assert_matches_spec2("CallLogResponse", body)
    (record,) = body["records"]
    assert_matches_spec2("CallLogRecord", record)
    assert (record["result"], record["duration"], "reason" in record) == ("In Progress", 5, False)
    assert [(leg["legType"], leg["result"]) for leg in record["legs"]] == [
        ("RingOutWebToCaller", "Call connected"),
        ("RingOutWebToSubscriber", "In Progress"),
    ]
    assert body["uri"] == f"{ABSOLUTE}/active-calls?view=Detailed"
    assert client.get(ACTIVE, params={"direction": "Inbound"}).json()["records"] == []
    assert client.get(ACTIVE, params={"type": "Fax"}).json()["records"] == []
    manual_clock.shift(60)
    assert client.get(ACTIVE).json()["records"] == []


@pytest.fixture
def strict(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(clock="manual", auth="strict")


NO_READ_CALL_LOG = api_error(
    "CMN-401",
    "In order to call this API endpoint, application needs to have [ReadCallLog] permission",
    "InsufficientPermissions",
    permissionName="ReadCallLog",
)


@pytest.mark.parametrize("path", ["call-log", "call-log/x", "active-calls"])
def test_permission_and_ownership(strict: TestClient, path: str) -> None:
    assert strict.get(f"{OWN}/{path}").status_code == 401
    without = jwt_login(strict, app=NO_RINGOUT_APP)
    response = strict.get(f"{OWN}/{path}", headers=bearer(without))
    assert (response.status_code, response.json()) == (403, NO_READ_CALL_LOG)
    token = jwt_login(strict, app=APP)
    other = strict.get(f"/restapi/v1.0/account/~/extension/400131560010/{path}", headers=bearer(token))
    message = (
        "In order to call this API endpoint for another extension, "
        "user needs to have [ReadCallLog] permission granted with extended scope"
    )
    assert (other.status_code, other.json()) == (403, api_error("CMN-419", message, permissionsName="ReadCallLog"))
    foreign = strict.get(f"/restapi/v1.0/account/400131580008/extension/400131580009/{path}", headers=bearer(token))
    assert (foreign.status_code, foreign.json()) == (
        404,
        api_error("CMN-102", "Resource for parameter [accountId] is not found", parameterName="accountId"),
    )
    numeric = strict.get(f"/restapi/v1.0/account/400131560008/extension/400131560009/{path}", headers=bearer(token))
    assert numeric.status_code == (404 if path == "call-log/x" else 200)


def test_an_extension_sees_only_its_own_records(strict: TestClient, manual_clock: ManualClock) -> None:
    alice = bearer(jwt_login(strict))
    bob = bearer(jwt_login(strict, jwt="emulator-jwt-102"))
    strict.put(SETTINGS, json={"delaySeconds": 0})
    assert (
        strict.post(f"{OWN}/ring-out", json=CALL, headers={**alice, "X-Emulator-Scenario": "busy"}).status_code == 200
    )
    manual_clock.shift(10)
    record_id = strict.get(LOG, headers=alice).json()["records"][0]["id"]
    assert strict.get(LOG, headers=bob).json()["records"] == []
    expect_not_found(strict.get(f"{LOG}/{record_id}", headers=bob), "callRecordId")


@pytest.mark.parametrize("leg", ["caller", "callee"])
@pytest.mark.parametrize("status", list(CallingStatus))
def test_every_leg_outcome_is_in_the_spec_enums(status: CallingStatus, leg: str) -> None:
    schemas = spec2()["components"]["schemas"]
    outcome = leg_outcome(status, leg)
    assert outcome.result in schemas["CallResultEnum"]["enum"]
    assert outcome.reason is None or outcome.reason in schemas["CallResultReasonEnum"]["enum"]
