"""Call-log records as the platform writes them (``CallLogRecord``, legs in ``view=Detailed``),
and the list envelope (``CallLogResponse``: ``records``, ``navigation``, ``paging``)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from pydantic_core import to_json

from emulator.api.responses import iso
from emulator.core.call_record import CallRecord, LegRecord
from emulator.core.directory import Extension

ACTION = "RingOut Web"
COMMON = {"type": "Voice", "direction": "Outbound", "action": ACTION, "transport": "PSTN", "internalType": "RingOut"}
NO_COST = {"costIncluded": 0.0, "costPurchased": 0.0}


def extension_uri(base: str, extension: Extension) -> str:
    return f"{base}/restapi/v1.0/account/{extension.account_id}/extension/{extension.id}"


def _times(start: float, end: float | None, now: float) -> dict[str, Any]:
    seconds = (now if end is None else end) - start
    return {"startTime": iso(start), "duration": round(seconds), "durationMs": round(seconds * 1000)}


def _outcome(result: str, reason: str | None) -> dict[str, str]:
    return {"result": result} if reason is None else {"result": result, "reason": reason}


def _leg(record: CallRecord, leg: LegRecord, extension: dict[str, Any], now: float) -> dict[str, Any]:
    return {
        **_times(leg.start, leg.end, now),
        **COMMON,
        **_outcome(leg.outcome.result, leg.outcome.reason),
        "telephonySessionId": record.telephony_session_id,
        "partyId": leg.party_id,
        "from": {"phoneNumber": leg.from_number},
        "to": {"phoneNumber": leg.to_number},
        "extension": extension,
        "legType": leg.leg_type,
        "master": leg.master,
    }


def record_json(record: CallRecord, extension: Extension, base: str, detailed: bool, now: float) -> dict[str, Any]:
    ext_uri = extension_uri(base, extension)
    ext = {"id": int(extension.id), "uri": ext_uri}
    call = record.call
    body: dict[str, Any] = {
        "uri": f"{ext_uri}/call-log/{record.id}?view={'Detailed' if detailed else 'Simple'}",
        "id": record.id,
        "sessionId": record.session_id,
        "telephonySessionId": record.telephony_session_id,
        "partyId": record.legs[0].party_id,
        **_times(record.start, record.end, now),
        **COMMON,
        **_outcome(record.outcome.result, record.outcome.reason),
        "from": {"phoneNumber": call.from_number, "name": extension.name},
        "to": {"phoneNumber": call.to_number},
        "extension": ext,
    }
    if detailed:
        body["billing"] = NO_COST
        body["lastModifiedTime"] = iso(now if record.end is None else record.end)
        body["legs"] = [_leg(record, leg, ext, now) for leg in record.legs]
    return body


def list_json(
    count: int, total: int, page: int, per_page: int, uri: str, query: list[tuple[str, str]]
) -> dict[str, Any]:
    """The envelope around ``count`` records: ``uri`` (the list's, without its query), ``paging``
    and ``navigation`` (``query``: the request's parameters; ``page`` and ``perPage`` replaced)."""
    pages = math.ceil(total / per_page)

    kept = urlencode([(k, v) for k, v in query if k not in ("page", "perPage")])
    prefix = f"{uri}?{kept}&" if kept else f"{uri}?"

    def at(number: int) -> dict[str, str]:
        return {"uri": f"{prefix}page={number}&perPage={per_page}"}

    navigation = {"firstPage": at(1), "lastPage": at(max(pages, 1))}
    if page < pages:
        navigation["nextPage"] = at(page + 1)
    if 1 < page <= pages + 1:
        navigation["previousPage"] = at(page - 1)
    paging: dict[str, int] = {"page": page, "totalPages": pages, "perPage": per_page, "totalElements": total}
    if count:
        paging["pageStart"] = (page - 1) * per_page
        paging["pageEnd"] = paging["pageStart"] + count - 1
    plain = f"{uri}?{urlencode(query)}" if query else uri
    return {"uri": plain, "paging": paging, "navigation": navigation}


def list_body(
    records: list[bytes], total: int, page: int, per_page: int, uri: str, query: list[tuple[str, str]]
) -> bytes:
    """``CallLogResponse`` as JSON: the envelope (``list_json``) with ``records`` (each already
    JSON) as its array."""
    head, tail = _envelope(len(records), total, page, per_page, uri, tuple(query))
    return b"".join((head, b",".join(records), tail))


@lru_cache(maxsize=64)  # an app polls the same page: the same envelope, written once (a few KiB each)
def _envelope(
    count: int, total: int, page: int, per_page: int, uri: str, query: tuple[tuple[str, str], ...]
) -> tuple[bytes, bytes]:
    envelope = list_json(count, total, page, per_page, uri, list(query))
    head = to_json({"uri": envelope["uri"]})[:-1] + b',"records":['
    tail = b"]," + to_json({"paging": envelope["paging"], "navigation": envelope["navigation"]})[1:]
    return head, tail
