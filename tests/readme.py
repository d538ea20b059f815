"""Reads the README's tested parts: blocks and tables that follow a `<!-- readme-test: NAME -->` marker."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _after_marker(name: str) -> list[str]:
    lines = README.read_text(encoding="utf-8").splitlines()
    marker = f"<!-- readme-test: {name} -->"
    start = lines.index(marker) + 1
    return lines[start:]


def block(name: str) -> str:
    """The fenced code block right after the marker."""
    rest = _after_marker(name)
    assert rest[0].startswith("```"), f"no fenced block after readme-test marker {name!r}"
    end = rest.index("```", 1)
    return "\n".join(rest[1:end]) + "\n"


def table(name: str) -> list[list[str]]:
    """The markdown table right after the marker, as rows of cells (header and rule dropped)."""
    rows = []
    for line in _after_marker(name):
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows[2:]


def code(cell: str) -> str:
    """The text inside the first backquotes of a cell."""
    found = re.search(r"`([^`]*)`", cell)
    assert found, cell
    return found.group(1)
