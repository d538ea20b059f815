"""The telephony-session identities of a RingOut call, derived from its id (nothing stored per
call): the ``telephonySessionId`` (``s-<32 hex>``, the platform's current shape), the legacy
numeric ``sessionId``, and each party's id (``p-<32 hex>-<n>``: 1 the caller leg, 2 the callee
leg). Notifications, the call log and active calls all name a call by these, so one function
each keeps them in agreement. Whether the platform's RingOut id equals its session id is
undocumented; the emulator keeps them distinct, as the current id shapes are."""

from __future__ import annotations

import hashlib

CALLER_PARTY = 1
CALLEE_PARTY = 2


def _digest(call_id: str) -> str:
    return hashlib.blake2b(call_id.encode(), digest_size=16, person=b"telephony").hexdigest()


def telephony_session_id(call_id: str) -> str:
    return f"s-{_digest(call_id)}"


def session_id(call_id: str) -> str:
    """A 12-digit numeric string, as the platform's legacy ``sessionId`` is."""
    return str(10**11 + int(_digest(call_id)[:15], 16) % (9 * 10**11))


def party_id(call_id: str, party: int) -> str:
    return f"p-{_digest(call_id)}-{party}"
