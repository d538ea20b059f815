"""Directory routes: extension info and forwarding numbers (with paging), as the spec shapes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.control_helpers import error
from tests.api.oauth_helpers import EXT, bearer, jwt_login

BASE = "http://testserver/restapi/v1.0/account/400131560008/extension/400131560009"
FORWARDING = f"{BASE}/forwarding-number"


@pytest.fixture
def strict(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(clock="manual", auth="strict")


@pytest.fixture
def alice(strict: TestClient) -> dict[str, str]:
    return bearer(jwt_login(strict))


def test_read_extension(strict: TestClient, alice: dict[str, str]) -> None:
    response = strict.get(EXT, headers=alice)
    assert response.status_code == 200
    assert response.json() == {
        "id": 400131560009,
        "uri": BASE,
        "extensionNumber": "101",
        "name": "Alice Emulator",
        "type": "User",
        "status": "Enabled",
        "account": {"id": "400131560008", "uri": "http://testserver/restapi/v1.0/account/400131560008"},
        "regionalSettings": {
            "homeCountry": {
                "id": "1",
                "uri": "http://testserver/restapi/v1.0/dictionary/country/1",
                "name": "United States",
                "isoCode": "US",
                "callingCode": "1",
            }
        },
        "serviceFeatures": [
            {"featureName": "RingOut", "enabled": True},
            {"featureName": "InternationalCalling", "enabled": True},
        ],
        "setupWizardState": "Completed",
    }


def test_extension_without_international_calling_says_so(strict: TestClient) -> None:
    bob = bearer(jwt_login(strict, jwt="emulator-jwt-102"))
    features = strict.get(EXT, headers=bob).json()["serviceFeatures"]
    assert features[1] == {"featureName": "InternationalCalling", "enabled": False, "reason": "ExtensionLimitation"}


def _record(number_id: str, phone: str, label: str, flip: str) -> dict[str, Any]:
    return {
        "id": number_id,
        "uri": f"{FORWARDING}/{number_id}",
        "phoneNumber": phone,
        "label": label,
        "type": label,
        "features": ["CallFlip", "CallForwarding"],
        "flipNumber": flip,
    }


MOBILE = _record("400131570001", "+16505550111", "Mobile", "1")
HOME = _record("400131570002", "+16505550112", "Home", "2")


def _link(page: int, per_page: int) -> dict[str, str]:
    return {"uri": f"{FORWARDING}?page={page}&perPage={per_page}"}


def test_forwarding_numbers_default_page(strict: TestClient, alice: dict[str, str]) -> None:
    body = strict.get("/restapi/v1.0/account/~/extension/~/forwarding-number", headers=alice).json()
    assert body == {
        "uri": f"{FORWARDING}?page=1&perPage=100",
        "records": [MOBILE, HOME],
        "paging": {"page": 1, "totalPages": 1, "perPage": 100, "totalElements": 2, "pageStart": 0, "pageEnd": 1},
        "navigation": {"firstPage": _link(1, 100), "lastPage": _link(1, 100)},
    }


@pytest.mark.parametrize(
    ("query", "records", "paging", "navigation"),
    [
        (
            "page=1&perPage=1",
            [MOBILE],
            {"page": 1, "totalPages": 2, "perPage": 1, "totalElements": 2, "pageStart": 0, "pageEnd": 0},
            {"firstPage": _link(1, 1), "lastPage": _link(2, 1), "nextPage": _link(2, 1)},
        ),
        (
            "page=2&perPage=1",
            [HOME],
            {"page": 2, "totalPages": 2, "perPage": 1, "totalElements": 2, "pageStart": 1, "pageEnd": 1},
            {"firstPage": _link(1, 1), "lastPage": _link(2, 1), "previousPage": _link(1, 1)},
        ),
        (
            "page=5&perPage=1",
            [],
            {"page": 5, "totalPages": 2, "perPage": 1, "totalElements": 2},
            {"firstPage": _link(1, 1), "lastPage": _link(2, 1)},
        ),
        (
            "perPage=5000",
            [MOBILE, HOME],
            {"page": 1, "totalPages": 1, "perPage": 1000, "totalElements": 2, "pageStart": 0, "pageEnd": 1},
            {"firstPage": _link(1, 1000), "lastPage": _link(1, 1000)},
        ),
    ],
)
def test_forwarding_number_paging(
    strict: TestClient,
    alice: dict[str, str],
    query: str,
    records: list[Any],
    paging: dict[str, int],
    navigation: dict[str, Any],
) -> None:
    body = strict.get(f"{EXT}/forwarding-number?{query}", headers=alice).json()
    assert (body["records"], body["paging"], body["navigation"]) == (records, paging, navigation)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("perPage=0", "perPage"), ("perPage=x", "perPage"), ("page=0", "page"), ("page=1001", "page")],
)
def test_bad_paging_parameters(strict: TestClient, alice: dict[str, str], query: str, parameter: str) -> None:
    response = strict.get(f"{EXT}/forwarding-number?{query}", headers=alice)
    message = f"Parameter [{parameter}] value is invalid."
    assert (response.status_code, response.json()) == (400, error("CMN-101", message, parameterName=parameter))


def test_default_forwarding_number_drives_a_ringout_without_from(strict: TestClient, alice: dict[str, str]) -> None:
    """Discover the default ``from`` like a real app, then place the call by its id."""
    records = strict.get(f"{EXT}/forwarding-number", headers=alice).json()["records"]
    body = {"from": {"forwardingNumberId": records[0]["id"]}, "to": {"phoneNumber": "+16505550199"}}
    response = strict.post(f"{EXT}/ring-out", json=body, headers=alice)
    assert response.status_code == 200
