"""The call log on the facade and in its store: records and legs for every bundled scenario,
cancel and forced legs, the delay, retention, the cap, paging arithmetic and the 24 h window."""

from __future__ import annotations

import random
from typing import Any

import pytest

from emulator.app import build_emulator
from emulator.core.call import ClockMode
from emulator.core.call_log import CallLog, LogQuery
from emulator.core.call_record import CALLEE_LEG_TYPE, CALLER_LEG_TYPE, call_record_id
from emulator.core.clock import ManualClock
from emulator.core.emulator import Emulator
from emulator.core.errors import ResourceNotFound
from emulator.core.legs import Leg, LegAction
from emulator.core.sessions import party_id, session_id, telephony_session_id
from emulator.core.statuses import ANSWERED
from emulator.core.timeline import timeline
from emulator.settings import DEFAULT_MANUAL_START, Settings
from tests.core.call_log_cases import REQUEST, cases, run_case
from tests.core.helpers import SUCCESS, make_call

DAY = 86_400.0


def make(**settings: Any) -> tuple[Emulator, ManualClock]:
    clock = ManualClock(DEFAULT_MANUAL_START.timestamp())
    return build_emulator(Settings(**{"clock": "manual", **settings}), clock=clock), clock


def listed(emulator: Emulator, **query: Any) -> tuple[list[str], int]:
    """(record ids, total) of the default extension's log as visible now, the last 24 h by default."""
    now = emulator.clock.now()
    fields: dict[str, Any] = {"date_from": now - DAY, "date_to": now, **query}
    records, total = emulator.call_log_page(emulator.directory.default_extension, LogQuery(**fields))
    return [r.id for r in records], total


def create(emulator: Emulator, scenario: str = "success") -> str:
    return emulator.create_ringout(emulator.directory.default_extension, REQUEST, scenario).call.id


@pytest.mark.parametrize("case", list(cases()))
def test_record_and_legs_for_every_case(case: str) -> None:
    scenario, steps = cases()[case]
    record = run_case(scenario, steps)
    call = record.call
    assert record.id == call_record_id(call.id)
    assert (record.session_id, record.telephony_session_id) == (session_id(call.id), telephony_session_id(call.id))
    assert record.start == call.created_at
    assert record.end == call.view(record.end or 0).ended_at
    answered = any(e.state.caller in ANSWERED for e in timeline(call, record.end or 0))
    assert [leg.leg_type for leg in record.legs] == [CALLER_LEG_TYPE, *([CALLEE_LEG_TYPE] if answered else [])]
    assert [leg.master for leg in record.legs] == [True, *([False] if answered else [])]
    assert [leg.party_id for leg in record.legs] == [party_id(call.id, n + 1) for n in range(len(record.legs))]
    assert all(leg.end == record.end for leg in record.legs)
    assert record.legs[0].start == record.start


def test_every_bundled_scenario_ends_at_its_last_step() -> None:
    for case, (scenario, steps) in cases().items():
        if case.startswith("`"):
            record = run_case(scenario, steps)
            assert record.end == record.start + record.call.scenario.steps[-1].at, case


def test_success_legs_durations() -> None:
    record = run_case("success", cases()["`success`"][1])
    assert record.duration(0) == 39
    caller, callee = record.legs
    assert (caller.start - record.start, caller.end) == (0, record.start + 39)
    assert (callee.start - record.start, callee.end) == (4, record.start + 39)
    assert (caller.from_number, caller.to_number) == ("+16505550199", "+16505550111")
    assert (callee.from_number, callee.to_number) == ("+16505550111", "+16505550199")


def test_a_record_appears_after_the_delay_and_follows_a_new_one() -> None:
    emulator, clock = make(call_log_delay_seconds=20)
    create(emulator)  # ends at 39
    clock.shift(39)
    assert listed(emulator) == ([], 0)
    clock.shift(19.999)
    assert listed(emulator) == ([], 0)
    clock.shift(0.001)
    assert listed(emulator)[1] == 1
    emulator.set_call_log_delay(120)
    assert listed(emulator) == ([], 0)  # visibility is computed on read
    emulator.set_call_log_delay(0)
    assert listed(emulator)[1] == 1


def test_a_zero_delay_shows_a_record_the_moment_its_call_ends() -> None:
    emulator, clock = make(call_log_delay_seconds=0)
    create(emulator, "busy")  # ends at 6
    clock.shift(5.999)
    assert listed(emulator) == ([], 0)
    clock.shift(0.001)
    assert listed(emulator)[1] == 1


def test_a_record_outlives_the_ringout_retention() -> None:
    emulator, clock = make(call_log_delay_seconds=0, retention_seconds=10)
    call_id = create(emulator)
    clock.shift(3600)
    extension = emulator.directory.default_extension
    with pytest.raises(ResourceNotFound):
        emulator.read_ringout(extension, call_id)
    assert call_id not in emulator.calls
    ids, total = listed(emulator)
    assert (ids, total) == ([call_record_id(call_id)], 1)
    assert emulator.call_log_record(extension, ids[0]).call.id == call_id


def test_the_store_evicting_calls_keeps_their_records() -> None:
    emulator, clock = make(call_log_delay_seconds=0, max_calls=2, retention_seconds=0)
    made = []
    for _ in range(5):
        made.append(create(emulator, "busy"))
        clock.shift(10)
    assert len(emulator.calls) <= 2
    assert listed(emulator) == ([call_record_id(c) for c in reversed(made)], 5)


def test_the_cap_drops_the_oldest_records_first() -> None:
    emulator, clock = make(call_log_delay_seconds=0, max_call_records=3)
    made = []
    for _ in range(5):
        made.append(create(emulator, "busy"))
        clock.shift(10)
    assert listed(emulator) == ([call_record_id(c) for c in reversed(made[2:])], 3)
    assert emulator.call_log_settings() == (0, 3, 3)


def test_a_poll_mode_call_is_logged_by_the_poll_that_ends_it() -> None:
    emulator, clock = make(clock="poll", call_log_delay_seconds=0)
    call_id = create(emulator, "busy")
    extension = emulator.directory.default_extension
    assert listed(emulator) == ([], 0)
    emulator.read_ringout(extension, call_id)
    clock.shift(1)
    assert listed(emulator) == ([], 0)
    emulator.read_ringout(extension, call_id)  # the last step: ended now
    assert listed(emulator) == ([call_record_id(call_id)], 1)


def test_a_forced_leg_that_leaves_the_call_live_takes_its_record_back_until_it_ends() -> None:
    emulator, clock = make(call_log_delay_seconds=0)
    call_id = create(emulator)
    clock.shift(5)
    emulator.force_leg(call_id, Leg.CALLEE, LegAction.ANSWER)  # live: the scenario's end no longer holds
    clock.shift(100)
    assert listed(emulator) == ([], 0)
    assert len(emulator.call_log) == 0
    emulator.force_leg(call_id, Leg.CALLER, LegAction.HANG_UP)
    assert listed(emulator) == ([call_record_id(call_id)], 1)
    assert emulator.call_log_record(emulator.directory.default_extension, listed(emulator)[0][0]).end == clock.now()


def test_a_cancel_moves_the_end_to_the_cancel() -> None:
    emulator, clock = make(call_log_delay_seconds=0)
    call_id = create(emulator)
    clock.shift(2)
    emulator.cancel_ringout(emulator.directory.default_extension, call_id)
    ids, _ = listed(emulator)
    record = emulator.call_log_record(emulator.directory.default_extension, ids[0])
    assert (record.end, record.outcome.result) == (clock.now(), "Hang Up")


def test_the_24_hour_window_and_dates() -> None:
    emulator, clock = make(call_log_delay_seconds=0)
    old = create(emulator, "busy")
    clock.shift(DAY + 60)
    new = create(emulator, "busy")
    clock.shift(60)
    now = clock.now()
    assert listed(emulator) == ([call_record_id(new)], 1)
    assert listed(emulator, date_from=now - 2 * DAY)[1] == 2
    assert listed(emulator, date_from=now - 2 * DAY, date_to=now - DAY) == ([call_record_id(old)], 1)
    start = emulator.call_log_record(emulator.directory.default_extension, call_record_id(new)).start
    assert listed(emulator, date_from=start, date_to=start)[1] == 1  # both bounds included
    assert listed(emulator, date_from=start + 0.001)[1] == 0


def test_filters() -> None:
    emulator, clock = make(call_log_delay_seconds=0)
    call_id = create(emulator, "busy")
    clock.shift(10)
    mine = [call_record_id(call_id)]
    assert listed(emulator, phone_number="16505550199") == (mine, 1)
    assert listed(emulator, phone_number="16505550111") == (mine, 1)
    assert listed(emulator, phone_number="16505550000") == ([], 0)
    assert listed(emulator, sessions=(session_id(call_id),)) == (mine, 1)
    assert listed(emulator, sessions=(telephony_session_id(call_id),)) == (mine, 1)
    assert listed(emulator, sessions=(session_id(call_id), telephony_session_id(call_id))) == (mine, 1)
    assert listed(emulator, sessions=(session_id(call_id), "s-unknown")) == ([], 0)
    assert listed(emulator, sessions=("s-unknown",)) == ([], 0)
    assert listed(emulator, directions=frozenset({"Inbound"})) == ([], 0)
    assert listed(emulator, directions=frozenset({"Inbound", "Outbound"})) == (mine, 1)
    assert listed(emulator, types=frozenset({"Fax"})) == ([], 0)
    assert listed(emulator, types=frozenset({"Voice"})) == (mine, 1)


def test_another_extensions_records_are_not_listed_nor_found() -> None:
    emulator, clock = make(call_log_delay_seconds=0)
    call_id = create(emulator, "busy")
    clock.shift(10)
    other = emulator.directory.accounts[0].extensions[1]
    now = clock.now()
    assert emulator.call_log_page(other, LogQuery(date_from=now - DAY, date_to=now)) == ([], 0)
    with pytest.raises(ResourceNotFound):
        emulator.call_log_record(other, call_record_id(call_id))


def test_reset_scopes() -> None:
    emulator, clock = make(call_log_delay_seconds=0)
    ended = create(emulator, "busy")
    clock.shift(10)
    live = create(emulator)  # its record is written already (ends at +39)
    emulator.set_call_log_delay(5)
    emulator.reset(["call-log"])
    assert emulator.call_log_settings() == (0, 20_000, 1)  # the live call's record is written again
    clock.shift(40)
    assert listed(emulator) == ([call_record_id(live)], 1)
    assert ended  # forgotten with the rest of the log
    emulator.reset(["calls"])
    assert listed(emulator)[1] == 1  # the log outlives ended calls
    pending = create(emulator)
    emulator.reset(["calls"])  # ... not live ones
    clock.shift(100)
    assert call_record_id(pending) not in listed(emulator)[0]


def test_a_call_id_drawn_again_after_an_ids_reset_replaces_the_older_record() -> None:
    emulator, clock = make(call_log_delay_seconds=0, seed=7)
    first = create(emulator, "busy")
    clock.shift(10)
    emulator.reset(["calls", "ids"])
    again = create(emulator, "rejected")
    assert again == first
    clock.shift(10)
    (record,) = emulator.call_log_page(emulator.directory.default_extension, LogQuery(clock.now() - DAY, clock.now()))[
        0
    ]
    assert (record.id, record.outcome.result) == (call_record_id(first), "Rejected")
    assert len(emulator.call_log) == 1


def test_active_calls_are_the_live_ones_newest_first() -> None:
    emulator, clock = make()
    first = create(emulator)
    clock.shift(1)
    second = create(emulator, "busy")
    extension = emulator.directory.default_extension
    assert [r.call.id for r in emulator.active_calls(extension)] == [second, first]
    clock.shift(6)  # busy ended
    active = emulator.active_calls(extension)
    assert [(r.call.id, r.end, r.outcome.result) for r in active] == [(first, None, "In Progress")]
    assert [leg.outcome.result for leg in active[0].legs] == ["Call connected", "In Progress"]


# --- the store's paging, against a plain sort ---------------------------------------------


def _brute(log_calls: list[tuple[float, float]], query: LogQuery, cutoff: float) -> list[int]:
    visible = [
        i for i, (start, end) in enumerate(log_calls) if query.date_from <= start <= query.date_to and end <= cutoff
    ]
    visible.sort(key=lambda i: (log_calls[i][0], i), reverse=True)
    return visible


@pytest.mark.parametrize("seed", range(40))
def test_paging_matches_a_plain_sort(seed: int) -> None:
    rng = random.Random(seed)
    log = CallLog(10_000)
    spans: list[tuple[float, float]] = []
    ids: list[str] = []
    for i in range(rng.randint(0, 60)):
        start = rng.choice([0.0, 10.0, rng.uniform(0, 500)])
        end = start + rng.choice([0.0, 5.0, rng.uniform(0, 300)])
        call = make_call(SUCCESS, mode=ClockMode.MANUAL, created_at=start, call_id=f"c{i}")
        log.put(call, end)
        spans.append((start, end))
        ids.append(call_record_id(call.id))
    for _ in range(20):
        lo = rng.uniform(-10, 500)
        query = LogQuery(
            date_from=lo,
            date_to=lo + rng.uniform(0, 600),
            page=rng.randint(1, 5),
            per_page=rng.choice([1, 3, 7, 100]),
        )
        cutoff = rng.uniform(0, 900)
        expected = _brute(spans, query, cutoff)
        page = log.query(("400131560008", "400131560009"), query, cutoff)
        offset = (query.page - 1) * query.per_page
        assert page.total == len(expected)
        assert [e.record_id for e in page.entries] == [ids[i] for i in expected[offset : offset + query.per_page]]


def test_paging_arithmetic() -> None:
    log = CallLog(100)
    for i in range(25):
        log.put(make_call(SUCCESS, created_at=float(i), call_id=f"c{i}"), float(i) + 1)
    owner = ("400131560008", "400131560009")
    pages = [log.query(owner, LogQuery(0, 100, page=n, per_page=10), 1000) for n in (1, 2, 3, 4)]
    assert [len(p.entries) for p in pages] == [10, 10, 5, 0]
    assert {p.total for p in pages} == {25}
    assert [e.start for e in pages[2].entries] == [4.0, 3.0, 2.0, 1.0, 0.0]


def test_a_full_log_evicting_thousands_still_lists_and_finds_exactly_the_newest() -> None:
    """Past the cap the oldest record goes on every write (its shelf's front: cut off in batches);
    every list, page and lookup still sees exactly the newest ``max_records``."""
    log = CallLog(max_records=100)
    calls = [make_call(call_id=f"c{i}", created_at=float(i)) for i in range(1000)]
    for call in calls:
        log.put(call, call.created_at + 5)
    owner = (calls[0].account_id, calls[0].extension_id)
    everything = LogQuery(date_from=0.0, date_to=1e9, per_page=1000)
    page = log.query(owner, everything, cutoff=1e9)
    assert [e.call.id for e in page.entries] == [f"c{i}" for i in range(999, 899, -1)]
    assert page.total == 100
    second = log.query(owner, LogQuery(date_from=0.0, date_to=1e9, page=2, per_page=30), cutoff=1e9)
    assert [e.call.id for e in second.entries] == [f"c{i}" for i in range(969, 939, -1)]
    assert [e.call.id for e in log.latest(1e9, None, 3).entries] == ["c999", "c998", "c997"]
    assert log.get(call_record_id("c899")) is None
    found = log.get(call_record_id("c900"))
    assert found is not None and found.call is calls[900]
    log.drop(calls[950])  # from the middle of a shelf whose front was cut off
    assert log.query(owner, everything, cutoff=1e9).total == 99
    assert len(log) == 99
