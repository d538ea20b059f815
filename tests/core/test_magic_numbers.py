"""The magic-number table: fictional, parseable, pointing at real scenarios, one source of truth
for the control plane and the README."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
from fastapi.testclient import TestClient

from emulator.bundled import bundled_scenarios_dir
from emulator.core.magic_numbers import MAGIC_NUMBERS, RANGES, MagicTable, Side, markdown_table
from emulator.scenario_files import load_scenario_dir

README = Path(__file__).resolve().parents[2] / "README.md"
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
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, "README needs the magic-numbers markers"
    block = text.split(START, 1)[1].split(END, 1)[0]
    assert block == markdown_table(), (
        "regenerate: python -c 'from emulator.core.magic_numbers import markdown_table as m; print(m(), end=\"\")'"
    )
