"""Event filters a subscription may name, parsed and stored with ``~`` replaced by numeric ids.

Served: the extension's telephony sessions, the account's telephony sessions, and the extension's
presence (plain or ``?detailedTelephonyState=true``). Anything else is 400 SUB-508; another
account's ids are 403 SUB-406; an extension the account does not have is SUB-508 too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from emulator.core.directory import Directory, Extension
from emulator.core.errors import InvalidEventFilters, OtherAccountEvents, ResourceNotFound

TELEPHONY = "telephony"
PRESENCE = "presence"
PERMISSION = {TELEPHONY: "CallControl", PRESENCE: "ReadPresence"}
_ID = r"(~|[0-9]{1,20})"
_PATH = re.compile(rf"/restapi/v1\.0/account/{_ID}(?:/extension/{_ID})?/(telephony/sessions|presence)")
# Query parameters the platform documents for these filters: accepted, stored, not acted upon
# (but detailedTelephonyState, which chooses the presence payload).
_TELEPHONY_QUERY = frozenset({"direction", "missedCall", "phoneNumber", "sipData", "statusCode", "withRecordings"})
_PRESENCE_QUERY = frozenset({"detailedTelephonyState", "sipData", "aggregated"})


@dataclass(frozen=True, slots=True)
class EventFilter:
    text: str  # as stored and sent in ``event``: numeric ids
    kind: str  # TELEPHONY | PRESENCE
    account_id: str
    extension_id: str | None  # None: the whole account
    detailed: bool = False

    @property
    def permission(self) -> str:
        return PERMISSION[self.kind]

    def covers(self, account_id: str, extension_id: str) -> bool:
        return self.account_id == account_id and self.extension_id in (None, extension_id)


def parse_filters(texts: list[str], own: Extension, directory: Directory) -> tuple[EventFilter, ...]:
    bad = [text for text in texts if _parse(text, own, directory) is None]
    if bad:
        raise InvalidEventFilters(filters=", ".join(bad))
    parsed = [_parse(text, own, directory) for text in texts]
    foreign = [f.text for f in parsed if f is not None and f.account_id != own.account_id]
    if foreign:
        raise OtherAccountEvents(filters=", ".join(foreign))
    return tuple(dict.fromkeys(f for f in parsed if f is not None))  # repeated filters kept once


def _parse(text: str, own: Extension, directory: Directory) -> EventFilter | None:
    path, _, query = text.partition("?")
    match = _PATH.fullmatch(path)
    if match is None:
        return None
    account_ref, extension_ref, what = match.groups()
    kind = TELEPHONY if what == "telephony/sessions" else PRESENCE
    if kind == PRESENCE and extension_ref is None:
        return None
    params = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
    if not params.keys() <= (_TELEPHONY_QUERY if kind == TELEPHONY else _PRESENCE_QUERY):
        return None
    account_id = own.account_id if account_ref == "~" else account_ref
    extension_id = own.id if extension_ref == "~" else extension_ref
    if account_id == own.account_id and extension_id is not None and extension_id != own.id:
        try:
            if directory.extension(extension_id).account_id != own.account_id:
                return None
        except ResourceNotFound:
            return None
    stored = f"/restapi/v1.0/account/{account_id}"
    stored += f"/extension/{extension_id}/{what}" if extension_id is not None else f"/{what}"
    stored += f"?{query}" if query else ""
    detailed = params.get("detailedTelephonyState", "").lower() == "true"
    return EventFilter(stored, kind, account_id, extension_id, detailed)
