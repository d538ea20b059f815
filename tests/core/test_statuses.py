"""``derive_call_status``: the one rule from the two legs to ``callStatus``."""

from __future__ import annotations

import itertools

import pytest

from emulator.core.statuses import ANSWERED, CallingStatus, derive_call_status
from tests.spec import component

S = CallingStatus
IP, OK, FIN = S.IN_PROGRESS, S.SUCCESS, S.FINISHED

TABLE = [
    # caller, callee, callStatus
    (IP, IP, IP),  # both ringing
    (OK, IP, IP),  # caller answered, callee ringing
    (IP, OK, IP),  # callee up first: still connecting
    (OK, OK, OK),  # connected
    (FIN, FIN, OK),  # Success stays Success after both hang up
    (OK, FIN, OK),
    (FIN, OK, OK),
    (FIN, IP, IP),  # no leg failed yet
    (S.BUSY, IP, S.CANNOT_REACH),  # caller busy: callee never dialled
    (S.NO_ANSWER, IP, S.CANNOT_REACH),
    (OK, S.BUSY, S.CANNOT_REACH),
    (OK, S.NO_ANSWER, S.CANNOT_REACH),
    (OK, S.REJECTED, S.CANNOT_REACH),
    (FIN, S.REJECTED, S.CANNOT_REACH),
    (S.REJECTED, S.REJECTED, S.CANNOT_REACH),
    (OK, S.GENERIC_ERROR, S.CANNOT_REACH),
    (OK, S.INTERNATIONAL_DISABLED, S.CANNOT_REACH),
    (OK, S.DESTINATION_BLOCKED, S.CANNOT_REACH),
    (S.NOT_ENOUGH_FUNDS, S.NOT_ENOUGH_FUNDS, S.CANNOT_REACH),
    (IP, S.BUSY, S.CANNOT_REACH),
    (S.INVALID, S.INVALID, S.CANNOT_REACH),  # scenarios override this one explicitly
]


@pytest.mark.parametrize(("caller", "callee", "expected"), TABLE, ids=[f"{a}-{b}" for a, b, _ in TABLE])
def test_derive_call_status(caller: CallingStatus, callee: CallingStatus, expected: CallingStatus) -> None:
    assert derive_call_status(caller, callee) is expected


def test_every_pair_derives_one_of_three_statuses() -> None:
    for caller, callee in itertools.product(CallingStatus, repeat=2):
        derived = derive_call_status(caller, callee)
        assert derived in (S.SUCCESS, S.IN_PROGRESS, S.CANNOT_REACH)
        assert (derived is S.SUCCESS) == (caller in ANSWERED and callee in ANSWERED)


def test_the_enum_is_exactly_the_official_one() -> None:
    official = component("CallingStatusInfo")["enum"]
    assert [s.value for s in CallingStatus] == official
    assert len(official) == 18
