"""Reads the README's tested parts: blocks and tables that follow a `<!-- readme-test: NAME -->` marker.

python -m tests.readme NAME              # prints the block (CI scripts run it)
python -m tests.readme --optional NAME   # prints nothing when there is no such block
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _after_marker(name: str) -> list[str]:
    lines = README.read_text(encoding="utf-8").splitlines()
    marker = f"<!-- readme-test: {name} -->"
    start = lines.index(marker) + 1
    return lines[start:]


_BLOCK = re.compile(r"^<!-- readme-test: (?P<name>[\w-]+) -->\n```[\w-]*\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def readme_blocks(text: str | None = None) -> dict[str, str]:
    """Every fenced block that follows a marker, by name."""
    found: dict[str, str] = {}
    for match in _BLOCK.finditer(README.read_text(encoding="utf-8") if text is None else text):
        assert match["name"] not in found, f"two README blocks named {match['name']}"
        found[match["name"]] = match["body"]
    return found


def block(name: str) -> str:
    """The fenced code block right after the marker."""
    return readme_blocks()[name]


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


def run_bash_block(name: str, base_url: str) -> str:
    """Runs the block under ``bash -euo pipefail`` with ``BASE`` set; its output (fails on a non-zero exit)."""
    import subprocess

    env = {"BASE": base_url, "PATH": "/usr/bin:/bin:/usr/local/bin"}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block(name)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def main(argv: list[str]) -> int:
    optional = argv[:1] == ["--optional"]
    blocks = readme_blocks()
    if argv[-1] not in blocks and optional:
        return 0
    sys.stdout.write(blocks[argv[-1]])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
