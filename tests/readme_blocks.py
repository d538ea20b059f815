"""Fenced blocks of README.md named by a ``<!-- readme-test: NAME -->`` line just above them (the
marker main's ``tests/readme.py`` reads too), so tests and CI scripts run what the README shows.

    python -m tests.readme_blocks NAME              # prints the block (CI scripts run it)
    python -m tests.readme_blocks --optional NAME   # prints nothing when there is no such block
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^<!-- readme-test: (?P<name>[\w-]+) -->\n```[\w-]*\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def readme_blocks(text: str | None = None) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _BLOCK.finditer(README.read_text(encoding="utf-8") if text is None else text):
        assert match["name"] not in found, f"two README blocks named {match['name']}"
        found[match["name"]] = match["body"]
    return found


def main(argv: list[str]) -> int:
    optional = argv[:1] == ["--optional"]
    name = argv[-1]
    blocks = readme_blocks()
    if name not in blocks and optional:
        return 0
    sys.stdout.write(blocks[name])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
