"""``GET /restapi/v1.0/account/{accountId}``: the account record from the accounts file."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.oauth_helpers import api_error, bearer, jwt_login

ACCOUNT_URI = "http://testserver/restapi/v1.0/account/400131560008"
US = {
    "id": "1",
    "uri": "http://testserver/restapi/v1.0/dictionary/country/1",
    "name": "United States",
    "isoCode": "US",
    "callingCode": "1",
}
RECORD = {
    "uri": ACCOUNT_URI,
    "id": 400131560008,
    "mainNumber": "+16505550100",
    "operator": {"uri": f"{ACCOUNT_URI}/extension/400131560009", "id": 400131560009, "extensionNumber": "101"},
    "serviceInfo": {
        "uri": f"{ACCOUNT_URI}/service-info",
        "brand": {"id": "1210", "name": "RingCentral"},
        "contractedCountry": US,
    },
    "setupWizardState": "Completed",
    "status": "Confirmed",
    "regionalSettings": {"homeCountry": US, "timeFormat": "12h"},
    "federated": False,
}
NOT_FOUND = api_error("CMN-102", "Resource for parameter [accountId] is not found", parameterName="accountId")


@pytest.fixture
def strict(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(clock="manual", auth="strict")


@pytest.mark.parametrize("ref", ["~", "400131560008"])
def test_the_own_account(strict: TestClient, ref: str) -> None:
    token = jwt_login(strict)
    response = strict.get(f"/restapi/v1.0/account/{ref}", headers=bearer(token))
    assert (response.status_code, response.headers["content-type"], response.json()) == (
        200,
        "application/json",
        RECORD,
    )


def test_another_or_unknown_account_is_404(strict: TestClient) -> None:
    token = jwt_login(strict)
    for ref in ("400131580008", "1"):
        response = strict.get(f"/restapi/v1.0/account/{ref}", headers=bearer(token))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_it_needs_a_token_and_read_accounts(strict: TestClient) -> None:
    assert strict.get("/restapi/v1.0/account/~").status_code == 401
    token = jwt_login(strict, scope="RingOut")
    response = strict.get("/restapi/v1.0/account/~", headers=bearer(token))
    message = "In order to call this API endpoint, application needs to have [ReadAccounts] permission"
    expected = api_error("CMN-401", message, "InsufficientPermissions", permissionName="ReadAccounts")
    assert (response.status_code, response.json()) == (403, expected)


def test_lenient_mode_reads_any_known_account(make_client: Callable[..., TestClient]) -> None:
    client = make_client(clock="manual")
    assert client.get("/restapi/v1.0/account/400131580008").json()["mainNumber"] == "+16505550200"
    response = client.get("/restapi/v1.0/account/1")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
