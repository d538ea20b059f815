"""Fenced blocks of README.md named by a ``<!-- readme: NAME -->`` line just above them, so tests
and CI scripts run exactly what the README shows.

    python -m tests.readme_blocks NAME     # prints the block (CI scripts run it)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^<!-- readme: (?P<name>[\w-]+) -->\n```[\w-]*\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def readme_blocks(text: str | None = None) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _BLOCK.finditer(README.read_text(encoding="utf-8") if text is None else text):
        assert match["name"] not in found, f"two README blocks named {match['name']}"
        found[match["name"]] = match["body"]
    return found


def readme_block(name: str) -> str:
    return readme_blocks()[name]


if __name__ == "__main__":
    sys.stdout.write(readme_block(sys.argv[1]))
