"""``GET /restapi/v1.0/account/{accountId}``: the account record (``GetAccountInfoResponse``)
from the accounts file, with the fields a click-to-call backend reads (id, main number, status,
home country); app permission ``ReadAccounts``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.api.directory import home_country
from emulator.api.identity import caller_account
from emulator.api.responses import base_url, json_response
from emulator.api.routing import route
from emulator.core.access import READ_ACCOUNT
from emulator.core.directory import Account

BRAND = {"id": "1210", "name": "RingCentral"}  # the US brand (SPEC26 examples, telephony-session owners)


def account_json(base: str, account: Account) -> dict[str, Any]:
    uri = f"{base}/restapi/v1.0/account/{account.id}"
    operator = account.extensions[0]  # the first extension stands for the account's operator
    country = home_country(base, account.home_country)
    return {
        "uri": uri,
        "id": int(account.id),
        "mainNumber": account.main_number,
        "operator": {
            "uri": f"{uri}/extension/{operator.id}",
            "id": int(operator.id),
            "extensionNumber": operator.extension_number,
        },
        "serviceInfo": {"uri": f"{uri}/service-info", "brand": BRAND, "contractedCountry": country},
        "setupWizardState": "Completed",
        "status": "Confirmed",
        "regionalSettings": {"homeCountry": country, "timeFormat": "12h"},
        "federated": False,
    }


async def read_account_info(request: Request) -> Response:
    account = caller_account(request, READ_ACCOUNT)
    return json_response(account_json(base_url(request), account))


routes = [route("GET", "/restapi/v1.0/account/{accountId}", read_account_info, "readAccountInfo")]
