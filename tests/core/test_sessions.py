"""A call's session identities: shaped like the platform's, stable, distinct per call."""

from __future__ import annotations

import re

from emulator.core.ids import IdSource
from emulator.core.sessions import CALLEE_PARTY, CALLER_PARTY, party_id, session_id, telephony_session_id


def test_shapes_and_stability() -> None:
    call_id = IdSource(1).ringout_id()
    assert re.fullmatch(r"s-[0-9a-f]{32}", telephony_session_id(call_id))
    assert re.fullmatch(r"[1-9][0-9]{11}", session_id(call_id))
    assert party_id(call_id, CALLER_PARTY) == telephony_session_id(call_id).replace("s-", "p-") + "-1"
    assert party_id(call_id, CALLEE_PARTY).endswith("-2")
    assert telephony_session_id(call_id) == telephony_session_id(call_id)


def test_distinct_per_call() -> None:
    ids = IdSource(2)
    calls = [ids.ringout_id() for _ in range(2000)]
    assert len({telephony_session_id(c) for c in calls}) == 2000
    assert len({session_id(c) for c in calls}) == 2000
