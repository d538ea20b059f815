"""The xdist benchmark's pieces: one timed pytest run of the docs' example suite (in-process, two
workers: the suite passes under xdist) and the rows it reports."""

from __future__ import annotations

from pathlib import Path

from benchmarks import xdist
from tests.readme import EXAMPLE_SUITE, write_example_suite


def test_one_timed_run_of_the_example_suite_at_two_workers(tmp_path: Path) -> None:
    assert [p.name for p in write_example_suite(tmp_path)] == list(EXAMPLE_SUITE)
    assert xdist.pytest_run(tmp_path, 2, None) > 0


def test_the_rows() -> None:
    cell = {"n1_s": 4.0, "n2_s": 3.2, "speedup": 1.25}
    rows = xdist.rows({"xdist": {"files": 5, "rounds": 1, "shared": cell, "inprocess": cell}})
    assert rows == [
        (
            "docs' example suite (5 files), -n 1 / -n 2 wall, one shared server, an account per worker",
            "1.25x (-n 1 4.00 s, -n 2 3.20 s)",
            "",
            "",
        ),
        ("docs' example suite (5 files), -n 1 / -n 2 wall, in-process", "1.25x (-n 1 4.00 s, -n 2 3.20 s)", "", ""),
    ]
    assert xdist.rows({}) == []
