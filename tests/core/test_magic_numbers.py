"""The magic-number table: fictional, parseable, pointing at real scenarios, one source of truth
for the control plane and the README."""

from __future__ import annotations

import phonenumbers
from fastapi.testclient import TestClient

from emulator.bundled import bundled_scenarios_dir
from emulator.core.magic_numbers import MAGIC_NUMBERS, RANGES, MagicTable, Side, markdown_table
from emulator.core.scenario import Scenario, Step
from emulator.core.statuses import CallingStatus as S
from emulator.scenario_files import load_scenario_dir
from tests.readme import between

START, END = "<!-- magic-numbers:start -->\n", "<!-- magic-numbers:end -->"


def test_every_number_is_possible_and_in_a_fictional_range() -> None:
    for row in MAGIC_NUMBERS:
        for number, (prefix, _) in zip(row.numbers(), RANGES, strict=True):
            assert number.startswith(prefix)
            assert phonenumbers.is_possible_number(phonenumbers.parse(number, None)), number
    us = [row.numbers()[0] for row in MAGIC_NUMBERS]
    assert all(n.startswith("+120255501") and len(n) == 12 for n in us)  # 555-0100..0199
    uk = [row.numbers()[1] for row in MAGIC_NUMBERS]
    assert all(n.startswith("+447700900") and len(n) == 13 for n in uk)  # 07700 900000..900999


def test_every_scenario_exists_and_suffixes_are_unique() -> None:
    names = set(load_scenario_dir(bundled_scenarios_dir()))
    assert {row.scenario for row in MAGIC_NUMBERS} <= names
    assert len({row.suffix for row in MAGIC_NUMBERS}) == len(MAGIC_NUMBERS)
    callee = [int(r.suffix) for r in MAGIC_NUMBERS if r.side is Side.CALLEE]
    caller = [int(r.suffix) for r in MAGIC_NUMBERS if r.side is Side.CALLER]
    assert max(callee) < 50 <= min(caller)


def test_lookup_is_per_side() -> None:
    table = MagicTable()
    row = table.match(Side.CALLEE, "+12025550101")
    assert row is not None and (row.scenario, row.delay) == ("busy", 0.0)
    assert table.match(Side.CALLER, "+12025550101") is None
    assert table.match(Side.CALLEE, "+12025550198") is None


def test_the_served_table_is_the_table(client: TestClient) -> None:
    response = client.get("/__emulator/magic-numbers")
    assert response.status_code == 200
    body = response.json()
    assert body["ranges"] == [{"prefix": p, "description": d} for p, d in RANGES]
    assert body["records"][1] == {
        "suffix": "01",
        "numbers": ["+12025550101", "+447700900001"],
        "side": "callee",
        "scenario": "busy",
        "delaySeconds": 0.0,
    }
    assert [(r["suffix"], r["scenario"], r["delaySeconds"]) for r in body["records"]] == [
        (row.suffix, row.scenario, row.delay) for row in MAGIC_NUMBERS
    ]


def test_readme_table_is_generated_from_the_table() -> None:
    _, block = between(START, END)  # the docs page that has the markers
    assert block == markdown_table(), (
        "regenerate: python -c 'from emulator.core.magic_numbers import markdown_table as m; print(m(), end=\"\")'"
    )


def test_the_table_keeps_the_documented_numbers() -> None:
    callee = ["success", "busy", "no_answer", "rejected", "generic_error", "destination_blocked"]
    callee += ["international_disabled", "not_enough_funds", "no_answering_machine", "internal_failure"]
    caller = ["caller_busy", "caller_no_answer", "caller_hangs_up_while_ringing", "prompt_not_confirmed"]
    expected = [
        (f"{base + slow + i:02d}", side, name, 20.0 if slow else 0.0)
        for base, side, names in ((0, Side.CALLEE, callee), (50, Side.CALLER, caller))
        for slow in (0, 10)
        for i, name in enumerate(names)
    ]
    assert [(r.suffix, r.side, r.scenario, r.delay) for r in MAGIC_NUMBERS] == expected


def test_a_slow_variant_is_built_once_per_scenario() -> None:
    table = MagicTable()
    slow = table.match(Side.CALLEE, "+12025550111")
    fast = table.match(Side.CALLEE, "+12025550101")
    assert slow is not None and fast is not None
    busy = Scenario("busy", "busy at 6", (Step(0), Step(4, caller=S.SUCCESS), Step(6, callee=S.BUSY)))
    derived = table.scenario(slow, busy)
    assert (derived.name, derived.offsets) == ("busy+20s", (0.0, 24.0, 26.0))
    assert table.scenario(slow, busy) is derived
    assert table.scenario(fast, busy) is busy
    replaced = Scenario("busy", "uploaded", (Step(0), Step(1, callee=S.BUSY)))
    assert table.scenario(slow, replaced).offsets == (0.0, 21.0)
