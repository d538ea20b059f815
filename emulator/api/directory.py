"""Directory routes: an extension's info and its forwarding numbers, so a client can find the
default RingOut ``from`` the way real apps do. Both need the app permission ``ReadAccounts``."""

from __future__ import annotations

import math
from typing import Any

import phonenumbers
from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from emulator.api.identity import caller_extension, emulator_of
from emulator.api.inputs import Query, QueryInt, read_query
from emulator.api.responses import base_url, json_response
from emulator.api.routing import route
from emulator.core.access import READ_EXTENSION, READ_FORWARDING_NUMBERS
from emulator.core.directory import Extension, ForwardingNumber
from emulator.core.phone import RC_COUNTRY_IDS

EXTENSION = "/restapi/v1.0/account/{accountId}/extension/{extensionId}"
MAX_PER_PAGE = 1000
MAX_PAGE = 1000
COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "FR": "France", "GB": "United Kingdom"}
_RC_IDS = {iso: rc_id for rc_id, iso in RC_COUNTRY_IDS.items()}


def home_country(base: str, iso: str) -> dict[str, Any]:
    """``CountryInfoShortModel`` for an ISO code (RingCentral's dictionary id where we know it)."""
    rc_id = _RC_IDS.get(iso, iso)
    return {
        "id": rc_id,
        "uri": f"{base}/restapi/v1.0/dictionary/country/{rc_id}",
        "name": COUNTRY_NAMES.get(iso, iso),
        "isoCode": iso,
        "callingCode": str(phonenumbers.country_code_for_region(iso)),
    }


def extension_json(base: str, ext: Extension, home: str) -> dict[str, Any]:
    """``GetExtensionInfoResponse``: the fields a RingOut client reads."""
    account_uri = f"{base}/restapi/v1.0/account/{ext.account_id}"
    international: dict[str, Any] = {"featureName": "InternationalCalling", "enabled": ext.calling.international}
    if not ext.calling.international:
        international["reason"] = "ExtensionLimitation"
    return {
        "id": int(ext.id),
        "uri": f"{account_uri}/extension/{ext.id}",
        "extensionNumber": ext.extension_number,
        "name": ext.name,
        "type": ext.type,
        "status": ext.status,
        "account": {"id": ext.account_id, "uri": account_uri},
        "regionalSettings": {"homeCountry": home_country(base, home)},
        "serviceFeatures": [{"featureName": "RingOut", "enabled": True}, international],
        "setupWizardState": "Completed",
    }


def forwarding_json(uri: str, number: ForwardingNumber) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": number.id,
        "uri": f"{uri}/{number.id}",
        "phoneNumber": number.phone_number,
        "label": number.label,
        "type": number.type,
        "features": list(number.features),
    }
    if number.flip_number is not None:
        record["flipNumber"] = number.flip_number
    return record


def forwarding_page(uri: str, numbers: tuple[ForwardingNumber, ...], page: int, per_page: int) -> dict[str, Any]:
    """``GetExtensionForwardingNumberListResponse`` for one page (1-based)."""
    total = len(numbers)
    pages = math.ceil(total / per_page)
    start = (page - 1) * per_page
    records = [forwarding_json(uri, n) for n in numbers[start : start + per_page]]
    paging: dict[str, Any] = {"page": page, "totalPages": pages, "perPage": per_page, "totalElements": total}
    if records:
        paging.update(pageStart=start, pageEnd=start + len(records) - 1)

    def link(number: int) -> dict[str, str]:
        return {"uri": f"{uri}?page={number}&perPage={per_page}"}

    navigation = {"firstPage": link(1), "lastPage": link(max(pages, 1))}
    if page < pages:
        navigation["nextPage"] = link(page + 1)
    if 1 < page <= pages:
        navigation["previousPage"] = link(page - 1)
    return {
        "uri": f"{uri}?page={page}&perPage={per_page}",
        "records": records,
        "paging": paging,
        "navigation": navigation,
    }


class PageQuery(Query):
    """``page`` 1..1000 (default 1) and ``perPage`` >= 1 (default 100; more is served as 1000)."""

    page: QueryInt = Field(1, ge=1, le=MAX_PAGE)
    perPage: QueryInt = Field(100, ge=1, le=2**31 - 1)


async def read_extension(request: Request) -> Response:
    extension = caller_extension(request, READ_EXTENSION)
    home = emulator_of(request).home_country(extension)
    return json_response(extension_json(base_url(request), extension, home))


async def list_forwarding_numbers(request: Request) -> Response:
    query = read_query(request, PageQuery)  # checked before the token, as FastAPI's validation was
    extension = caller_extension(request, READ_FORWARDING_NUMBERS)
    ext_uri = f"{base_url(request)}/restapi/v1.0/account/{extension.account_id}/extension/{extension.id}"
    body = forwarding_page(
        f"{ext_uri}/forwarding-number", extension.forwarding_numbers, query.page, min(query.perPage, MAX_PER_PAGE)
    )
    return json_response(body)


routes = [
    route("GET", EXTENSION, read_extension, "readExtension"),
    route("GET", f"{EXTENSION}/forwarding-number", list_forwarding_numbers, "listForwardingNumbers"),
]
