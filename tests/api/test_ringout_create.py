"""POST ring-out / ringout: the seed's sample, both spellings, numeric ids, scenario headers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from emulator.core.ids import IdSource
from tests.api.helpers import (
    BASE,
    IN_PROGRESS,
    NUMERIC_BASE,
    SPELLINGS,
    expect_not_found,
    expect_ringout,
    ringout_body,
)
from tests.conftest import SEED_SAMPLE

MakeClient = Callable[..., TestClient]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_seed_sample(make_client: MakeClient, spelling: str) -> None:
    client = make_client(clock="manual", seed=42)
    response = client.post(f"{BASE}/{spelling}", json=SEED_SAMPLE)
    call_id = IdSource(42).ringout_id()
    expect_ringout(response, call_id, IN_PROGRESS, spelling)
    assert response.headers["x-emulator-scenario"] == "success"
    assert response.headers["x-emulator-scenario-source"] == "default"


NUMERIC_BASES = [
    NUMERIC_BASE,
    "/restapi/v1.0/account/~/extension/400131560009",
    "/restapi/v1.0/account/400131560008/extension/~",
]
OTHERS = [
    ("/restapi/v1.0/account/1/extension/~", "accountId"),
    ("/restapi/v1.0/account/400131560009/extension/~", "accountId"),  # an extension id is no account id
    ("/restapi/v1.0/account/~/extension/1", "extensionId"),
    ("/restapi/v1.0/account/~/extension/400131580009", "extensionId"),  # another account's extension
    ("/restapi/v1.0/account/400131580008/extension/~", "extensionId"),
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_numeric_ids_in_the_path(client: TestClient, spelling: str) -> None:
    for base in NUMERIC_BASES:
        response = client.post(f"{base}/{spelling}", json=SEED_SAMPLE)
        call_id = response.json()["id"]
        expect_ringout(response, call_id, IN_PROGRESS, spelling)
        expect_ringout(client.get(f"{base}/{spelling}/{call_id}"), call_id, IN_PROGRESS, spelling)
        expect_ringout(client.get(f"{BASE}/{spelling}/{call_id}"), call_id, IN_PROGRESS, spelling)
        other = NUMERIC_BASES[(NUMERIC_BASES.index(base) + 1) % len(NUMERIC_BASES)]
        delete = client.delete(f"{other}/{spelling}/{call_id}")
        assert (delete.status_code, delete.content) == (204, b"")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_other_accounts_and_extensions_are_not_found(client: TestClient, spelling: str) -> None:
    call_id = client.post(f"{BASE}/{spelling}", json=SEED_SAMPLE).json()["id"]
    for path, parameter in OTHERS:
        expect_not_found(client.post(f"{path}/{spelling}", json=SEED_SAMPLE), parameter)
        expect_not_found(client.get(f"{path}/{spelling}/{call_id}"), parameter)
        expect_not_found(client.delete(f"{path}/{spelling}/{call_id}"), parameter)
    expect_ringout(client.get(f"{BASE}/{spelling}/{call_id}"), call_id, IN_PROGRESS, spelling)  # untouched


def test_ids_differ_per_call(client: TestClient) -> None:
    ids = {client.post(f"{BASE}/ring-out", json=SEED_SAMPLE).json()["id"] for _ in range(5)}
    assert len(ids) == 5


def test_the_same_seed_gives_the_same_ids(make_client: MakeClient) -> None:
    first, second = make_client(clock="manual", seed=7), make_client(clock="manual", seed=7)
    ids = [[c.post(f"{BASE}/ring-out", json=SEED_SAMPLE).json()["id"] for _ in range(3)] for c in (first, second)]
    assert ids[0] == ids[1]


def test_the_uri_follows_the_host_header(client: TestClient) -> None:
    response = client.post(f"{BASE}/ring-out", json=SEED_SAMPLE, headers={"Host": "emulator.local:9999"})
    body = response.json()
    assert body["uri"] == (
        f"http://emulator.local:9999/restapi/v1.0/account/400131560008/extension/400131560009/ring-out/{body['id']}"
    )


def test_from_omitted_and_prompt_default(client: TestClient) -> None:
    response = client.post(f"{BASE}/ring-out", json={"to": {"phoneNumber": "+13455553434"}})
    expect_ringout(response, response.json()["id"], IN_PROGRESS)


@pytest.mark.parametrize(
    "body",
    [
        {"from": {"forwardingNumberId": "400131570002"}, "to": {"phoneNumber": "13455553434"}},
        {
            "from": {"phoneNumber": "+16505550111"},
            "to": {"phoneNumber": "13455553434"},
            "callerId": {"phoneNumber": "+16505550101"},
        },
        {"from": None, "to": {"phoneNumber": "13455553434"}, "country": {"id": "1"}, "unknownField": [1, 2]},
        {"to": {"phoneNumber": "01 42 68 53 00"}, "country": {"id": "75"}},
    ],
)
def test_other_valid_bodies(client: TestClient, body: dict[str, object]) -> None:
    response = client.post(f"{BASE}/ring-out", json=body)
    expect_ringout(response, response.json()["id"], IN_PROGRESS)


def test_content_type_with_charset_is_json(client: TestClient) -> None:
    response = client.post(
        f"{BASE}/ring-out",
        content=b'{"to": {"phoneNumber": "13455553434"}}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    expect_ringout(response, response.json()["id"], IN_PROGRESS)


FORMATTED_CALLER_IDS = """
accounts:
  - id: "500"
    mainNumber: "+16505550300"
    homeCountry: US
    extensions:
      - id: "501"
        extensionNumber: "101"
        name: Formatted
        callerIds: ["+1 (650) 555-0301"]
        forwardingNumbers: [{id: "502", phoneNumber: "+16505550311", label: Mobile}]
"""


def test_a_caller_id_written_with_separators_in_the_accounts_file(make_client: MakeClient, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(FORMATTED_CALLER_IDS, encoding="utf-8")
    client = make_client(clock="manual", accounts_file=accounts)
    body = {"to": {"phoneNumber": "+12125550123"}, "callerId": {"phoneNumber": "+16505550301"}}
    created = ringout_body(client.post(f"{BASE}/ring-out", json=body))
    call_id = created["id"]
    assert created == {
        "id": call_id,
        "uri": f"http://testserver/restapi/v1.0/account/500/extension/501/ring-out/{call_id}",
        "status": IN_PROGRESS,
    }
