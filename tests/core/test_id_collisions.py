"""A reseeded id source repeats its sequence; no id it draws may be one already stored (a
reissued call id handed one account's live call to another)."""

from __future__ import annotations

from emulator.core.auth_codes import CodeStore
from emulator.core.dialing import RingOutRequest
from emulator.core.directory import App
from emulator.core.ids import IdSource, fresh
from tests.core.helpers import START
from tests.core.test_emulator import ALICE, BOB, REQUEST, make

FROM_BOB = RingOutRequest(to_number="+13455553434", from_number="+16505550112", from_given=True)


def test_reseeding_with_calls_stored_never_reissues_a_call_id() -> None:
    emulator, _ = make(seed=5)
    alices = [emulator.create_ringout(ALICE, REQUEST, None).call for _ in range(3)]
    emulator.seed(5)
    bobs = [emulator.create_ringout(BOB, FROM_BOB, None).call for _ in range(3)]
    assert {c.id for c in alices}.isdisjoint(c.id for c in bobs)
    assert len(emulator.calls) == 6
    for call in alices:
        assert emulator.read_ringout(ALICE, call.id).call is call


def test_the_sequence_stays_reproducible() -> None:
    first, _ = make(seed=5)
    second, _ = make(seed=5)
    ids = [[e.create_ringout(ALICE, REQUEST, None).call.id for _ in range(4)] for e in (first, second)]
    assert ids[0] == ids[1]
    first.reset(["calls", "ids"])
    assert [first.create_ringout(ALICE, REQUEST, None).call.id for _ in range(4)] == ids[0]


def test_fresh_draws_again_while_taken() -> None:
    values = iter(["a", "b", "a", "c"])
    assert fresh(lambda: next(values), {"a", "b"}) == "c"


def test_reseeding_never_reissues_an_authorization_code() -> None:
    ids = IdSource(9)
    codes = CodeStore(ids)
    app = App("app", "secret", permissions=("RingOut",))
    first = codes.issue(app, ALICE, ("https://example.test/cb", False), None, None, START)
    ids.reseed(9)
    second = codes.issue(app, BOB, ("https://example.test/cb", False), None, None, START)
    assert first != second
    assert codes.redeem(app, first, None, None, START).extension is ALICE
    assert codes.redeem(app, second, None, None, START).extension is BOB
