"""Notification payloads as the platform sends them, built once per event: the ``body`` of a
telephony-session event (``ExtensionTelephonySessionsEvent``) or of a detailed presence event
(``DetailedExtensionPresenceEvent``), and the envelope each subscription receives. A webhook
sends the envelope as its request body; a WebSocket transport would send the same envelope."""

from __future__ import annotations

from typing import Any

from emulator.api.responses import iso
from emulator.core.call import RingOutCall
from emulator.core.event_filters import EventFilter
from emulator.core.events import PartyEvent, PresenceEvent
from emulator.core.notifier import Notice
from emulator.core.sessions import CALLER_PARTY, party_id, session_id, telephony_session_id
from emulator.core.subscriptions import Subscription

SERVER_ID = "emulator.TAM"


def notice_body(notice: Notice, detailed: bool) -> dict[str, Any]:
    event = notice.event
    if isinstance(event, PartyEvent):
        return party_body(notice.call, event)
    return presence_body(notice, event, detailed)


def envelope(
    uuid: str, subscription: Subscription, event_filter: EventFilter, body: dict[str, Any], sent: float
) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "event": event_filter.text,
        "timestamp": iso(sent),
        "subscriptionId": subscription.id,
        "ownerId": subscription.extension_id,
        "body": body,
    }


def party_json(call: RingOutCall, party: int, code: str, reason: str | None) -> dict[str, Any]:
    """One party of a RingOut session: both legs ``Inbound`` (the platform calls both numbers);
    only the initiator belongs to the account and extension."""
    caller = party == CALLER_PARTY
    status: dict[str, Any] = {"code": code, "rcc": False}
    if reason is not None:
        status["reason"] = reason
    found: dict[str, Any] = {
        "id": party_id(call.id, party),
        "direction": "Inbound",
        "to": {"phoneNumber": call.from_number if caller else call.to_number},
        "from": {"phoneNumber": (call.caller_id or call.to_number) if caller else (call.caller_id or call.from_number)},
        "status": status,
        "ringOutRole": "Initiator" if caller else "Target",
        "missedCall": False,
        "standAlone": False,
        "muted": False,
    }
    if caller:
        found["accountId"] = call.account_id
        found["extensionId"] = call.extension_id
        found["to"]["extensionId"] = call.extension_id
    return found


def party_body(call: RingOutCall, event: PartyEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "sessionId": session_id(call.id),
        "telephonySessionId": telephony_session_id(call.id),
        "serverId": SERVER_ID,
        "eventTime": iso(event.at),
        "parties": [party_json(call, event.party, event.code, event.reason)],
        "origin": {"type": "RingOut"},
    }


def presence_body(notice: Notice, event: PresenceEvent, detailed: bool) -> dict[str, Any]:
    """The extension's presence as ``event`` leaves it: its status is its busiest call's
    (``CallConnected`` over ``Ringing``), ``activeCalls`` the call that changed, then the
    extension's other calls in progress, latest first (7 at most)."""
    call = notice.call
    statuses = {status for _, status in notice.others}
    if not event.final:
        statuses.add(event.telephony_status)
    status = next((s for s in ("CallConnected", "Ringing") if s in statuses), "NoCall")
    body: dict[str, Any] = {
        "extensionId": call.extension_id,
        "telephonyStatus": status,
        "sequence": notice.presence_sequence,
        "presenceStatus": "Available" if status == "NoCall" else "Busy",
        "userStatus": "Available",
        "dndStatus": "TakeAllCalls",
        "ownerId": call.extension_id,
    }
    if detailed:
        body["totalActiveCalls"] = notice.others_total + (0 if event.final else 1)
        body["activeCalls"] = [
            _active_call(call, event.telephony_status, event.final),
            *(_active_call(other, other_status, False) for other, other_status in notice.others),
        ]
    return body


def _active_call(call: RingOutCall, status: str, final: bool) -> dict[str, Any]:
    return {
        "id": call.id,
        "direction": "Outbound",
        "from": call.from_number,
        "to": call.to_number,
        "startTime": iso(call.created_at),
        "telephonyStatus": status,
        "terminationType": "final" if final else "intermediate",
        "sessionId": session_id(call.id),
        "telephonySessionId": telephony_session_id(call.id),
        "partyId": party_id(call.id, CALLER_PARTY),
    }
